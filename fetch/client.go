package fetch

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// ClientOptions configure the HTTP client for downloads.
type ClientOptions struct {
	// CAFile (GOMSI_CA_FILE) is a PEM bundle trusted in addition to the
	// system roots, for proxies that inspect TLS.
	CAFile string
	// Proxy is HTTPS_PROXY, HTTP_PROXY and NO_PROXY; the zero value, none.
	Proxy httpproxy.Config
	// DialTimeout bounds connecting and the TLS handshake; 0 means 30s.
	DialTimeout time.Duration
	// Netrc is a netrc file whose machines get their credentials on HTTPS
	// requests, as the go command does (NETRC, else ~/.netrc); "" for none.
	Netrc string
}

// NewHTTPClient returns a client for downloads: proxies from the
// environment, extra CA certificates, and connect timeouts. It has no
// overall timeout: the downloader's idle timeout catches stalled transfers
// without killing slow ones that still move.
func NewHTTPClient(o ClientOptions) (*http.Client, error) {
	dial := o.DialTimeout
	if dial == 0 {
		dial = 30 * time.Second
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = proxyFunc(o.Proxy)
	tr.DialContext = (&net.Dialer{Timeout: dial, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = dial
	if o.CAFile != "" {
		pool, err := certPool(o.CAFile)
		if err != nil {
			return nil, err
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	logins, err := readNetrc(o.Netrc)
	if err != nil {
		return nil, err
	}
	if len(logins) > 0 {
		return &http.Client{Transport: &netrcTransport{base: tr, logins: logins}}, nil
	}
	return &http.Client{Transport: tr}, nil
}

// proxyFunc is the proxy choice of net/http for settings given rather
// than read from the environment.
func proxyFunc(cfg httpproxy.Config) func(*http.Request) (*url.URL, error) {
	f := cfg.ProxyFunc()
	return func(r *http.Request) (*url.URL, error) {
		u, err := f(r.URL)
		if err != nil {
			return nil, fmt.Errorf("read the HTTP proxy setting: %w", redactURLError(err))
		}
		return u, nil
	}
}

// certPool returns the system roots plus the certificates in file.
func certPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read GOMSI_CA_FILE: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("read GOMSI_CA_FILE %s: no PEM certificate in it (want -----BEGIN CERTIFICATE----- blocks)", file)
	}
	return pool, nil
}
