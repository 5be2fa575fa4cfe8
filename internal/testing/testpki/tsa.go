package testpki

import (
	"crypto"
	"crypto/sha256"
	"encoding/asn1"
	"io"
	"math/big"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sassoftware/relic/v7/lib/pkcs7"
	"github.com/sassoftware/relic/v7/lib/pkcs9"
)

// oidSigningCertificateV2 is the ESS signing-certificate-v2 attribute
// (RFC 5035). OpenSSL refuses timestamp tokens without it.
var oidSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}

type essCertIDv2 struct {
	CertHash []byte // SHA-256, the default algorithm, so it is omitted
}

type signingCertificateV2 struct {
	Certs []essCertIDv2
}

// Fault makes the TSA misbehave like broken servers in the wild.
type Fault int

const (
	Healthy         Fault = iota
	Unavailable           // HTTP 503
	Rejection             // HTTP 200 with a granted=false status
	WrongNonce            // a validly signed token answering another request
	WrongImprint          // a token over a different message
	Garbage               // HTTP 200 with bytes that are not DER
	BadSignature          // a token whose signature does not match its content
	NotTimestamper        // signed by a certificate without the timestamping usage
	ForbiddenStatus       // HTTP 403, which no retry will fix
)

// TSA is an RFC 3161 timestamp authority speaking HTTP, as an http.Handler.
type TSA struct {
	id    Identity // timestamping key and chain
	wrong Identity // a code-signing identity used by the NotTimestamper fault
	// Now gives the time put in tokens; time.Now when nil.
	Now func() time.Time

	mu     sync.Mutex
	faults []Fault // faults for the next requests, then the default
	deflt  Fault

	requests atomic.Int64
	serial   atomic.Int64
}

// NewTSA creates a timestamp authority whose certificate chains to auth.
func NewTSA(auth *Authority) (*TSA, error) {
	id, err := auth.TimestampSigner(ECDSA, "gomsi test TSA")
	if err != nil {
		return nil, err
	}
	wrong, err := auth.CodeSigner(ECDSA, "not a TSA")
	if err != nil {
		return nil, err
	}
	return &TSA{id: id, wrong: wrong}, nil
}

// SetFault makes every later request misbehave with f (Healthy restores it).
func (s *TSA) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deflt, s.faults = f, nil
}

// FailNext makes the next requests fail with the given faults, in order.
func (s *TSA) FailNext(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// Requests returns how many requests the TSA has received.
func (s *TSA) Requests() int { return int(s.requests.Load()) }

func (s *TSA) nextFault() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) > 0 {
		f := s.faults[0]
		s.faults = s.faults[1:]
		return f
	}
	return s.deflt
}

func (s *TSA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	fault := s.nextFault()
	switch fault {
	case Unavailable:
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
		return
	case ForbiddenStatus:
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	case Garbage:
		w.Header().Set("Content-Type", "application/timestamp-reply")
		_, _ = w.Write([]byte("<html>not a timestamp</html>"))
		return
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/timestamp-query" {
		http.Error(w, "expected a POST of application/timestamp-query", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req pkcs9.TimeStampReq
	if rest, err := asn1.Unmarshal(body, &req); err != nil || len(rest) != 0 {
		http.Error(w, "malformed request", http.StatusBadRequest)
		return
	}
	resp, err := s.respond(&req, fault)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	_, _ = w.Write(resp)
}

func (s *TSA) respond(req *pkcs9.TimeStampReq, fault Fault) ([]byte, error) {
	if fault == Rejection {
		return asn1.Marshal(pkcs9.TimeStampResp{Status: pkcs9.PKIStatusInfo{
			Status:   pkcs9.StatusRejection,
			FailInfo: asn1.BitString{Bytes: []byte{0x80}, BitLength: 1},
		}})
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	genTime, err := asn1.MarshalWithParams(now().UTC().Truncate(time.Second), "generalized")
	if err != nil {
		return nil, err
	}
	info := pkcs9.TSTInfo{
		Version:        1,
		Policy:         asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1},
		MessageImprint: req.MessageImprint,
		SerialNumber:   big.NewInt(s.serial.Add(1)),
		GenTime:        asn1.RawValue{FullBytes: genTime},
		Accuracy:       pkcs9.Accuracy{Seconds: 1},
		Nonce:          req.Nonce,
	}
	switch fault {
	case WrongNonce:
		info.Nonce = new(big.Int).Add(req.Nonce, big.NewInt(1))
	case WrongImprint:
		imprint := append([]byte(nil), req.MessageImprint.HashedMessage...)
		imprint[0] ^= 0xff
		info.MessageImprint.HashedMessage = imprint
	}
	infoDER, err := asn1.Marshal(info)
	if err != nil {
		return nil, err
	}
	id := s.id
	if fault == NotTimestamper {
		id = s.wrong
	}
	certHash := sha256.Sum256(id.Leaf().Raw)
	b := pkcs7.NewBuilder(id.Key, id.Chain, crypto.SHA256)
	if err := b.SetContent(pkcs9.OidTSTInfo, infoDER); err != nil {
		return nil, err
	}
	if err := b.AddAuthenticatedAttribute(oidSigningCertificateV2, signingCertificateV2{Certs: []essCertIDv2{{CertHash: certHash[:]}}}); err != nil {
		return nil, err
	}
	token, err := b.Sign()
	if err != nil {
		return nil, err
	}
	// CMS requires version 3 when the content is not id-data.
	token.Content.Version = 3
	if fault == BadSignature {
		sig := token.Content.SignerInfos[0].EncryptedDigest
		sig[len(sig)/2] ^= 0x01
	}
	return asn1.Marshal(pkcs9.TimeStampResp{
		Status:         pkcs9.PKIStatusInfo{Status: pkcs9.StatusGranted},
		TimeStampToken: *token,
	})
}
