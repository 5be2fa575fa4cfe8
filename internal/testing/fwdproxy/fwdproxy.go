// Package fwdproxy is an HTTP forward proxy on 127.0.0.1 for tests, like
// the corporate proxies HTTP_PROXY and HTTPS_PROXY name: it forwards plain
// HTTP requests, tunnels HTTPS with CONNECT, and can demand credentials.
// Host names are mapped to test servers, so requests can name hosts that
// do not resolve.
package fwdproxy

import (
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
)

// Proxy is a running forward proxy.
type Proxy struct {
	URL string // http://127.0.0.1:port

	srv   *httptest.Server
	hosts map[string]string // host:port asked for -> address to connect to
	auth  string            // expected Proxy-Authorization, or ""

	mu   sync.Mutex
	seen []string
}

// New starts a proxy that connects to hosts[hostport] when asked for
// hostport. user and password, if not empty, are required.
func New(hosts map[string]string, user, password string) *Proxy {
	p := &Proxy{hosts: hosts}
	if user != "" {
		p.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL
	return p
}

// Close stops the proxy.
func (p *Proxy) Close() {
	p.srv.CloseClientConnections()
	p.srv.Close()
}

// Seen lists the requests the proxy handled, as "METHOD target".
func (p *Proxy) Seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.seen)
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	target := r.Host
	if r.Method != http.MethodConnect {
		target = r.URL.String()
	}
	p.mu.Lock()
	p.seen = append(p.seen, r.Method+" "+target)
	p.mu.Unlock()
	if p.auth != "" && r.Header.Get("Proxy-Authorization") != p.auth {
		w.Header().Set("Proxy-Authenticate", `Basic realm="corp"`)
		http.Error(w, "proxy authentication required", http.StatusProxyAuthRequired)
		return
	}
	addr, ok := p.hosts[hostport(r)]
	if !ok {
		http.Error(w, "proxy: unknown host "+r.Host, http.StatusBadGateway)
		return
	}
	if r.Method == http.MethodConnect {
		p.tunnel(w, addr)
		return
	}
	p.forward(w, r, addr)
}

func hostport(r *http.Request) string {
	if _, _, err := net.SplitHostPort(r.Host); err == nil {
		return r.Host
	}
	if r.URL.Scheme == "https" {
		return r.Host + ":443"
	}
	return r.Host + ":80"
}

func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, addr string) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Host = addr
	out.Header.Del("Proxy-Authorization")
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := tr.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func (p *Proxy) tunnel(w http.ResponseWriter, addr string) {
	upstream, err := net.Dial("tcp", addr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer upstream.Close()
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
	done := make(chan struct{}, 2)
	go func() { io.Copy(upstream, buf); done <- struct{}{} }()
	go func() { io.Copy(conn, upstream); done <- struct{}{} }()
	<-done
}
