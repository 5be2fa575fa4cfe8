// Command testpki creates a throwaway code-signing PKI and serves an RFC 3161
// timestamp authority on 127.0.0.1, to try `mage sign verify` end to end:
//
//	go run ./internal/testing/testpki/cmd/testpki -dir _out/testpki
//
// It writes the CA roots and a PFX, prints the environment to export and
// serves until interrupted. Never use its keys for anything real.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testpki"
)

func main() {
	dir := flag.String("dir", "_out/testpki", "directory for the CA roots and the PFX")
	addr := flag.String("addr", "127.0.0.1:0", "listen address of the timestamp authority")
	kind := flag.String("key", "rsa", "key type of the code signing certificate: rsa or ecdsa")
	flag.Parse()
	if err := run(*dir, *addr, testpki.KeyType(*kind)); err != nil {
		log.Fatal(err)
	}
}

func run(dir, addr string, kind testpki.KeyType) error {
	ca, err := testpki.NewAuthority("gomsi throwaway CA")
	if err != nil {
		return err
	}
	tsaCA, err := testpki.NewAuthority("gomsi throwaway TSA CA")
	if err != nil {
		return err
	}
	id, err := ca.CodeSigner(kind, "gomsi throwaway signer")
	if err != nil {
		return err
	}
	tsa, err := testpki.NewTSA(tsaCA)
	if err != nil {
		return err
	}
	pw := make([]byte, 12)
	if _, err := rand.Read(pw); err != nil {
		return err
	}
	password := hex.EncodeToString(pw)
	pfx := filepath.Join(dir, "signer.pfx")
	if err := id.WritePFX(pfx, password); err != nil {
		return err
	}
	if err := ca.WriteRootPEM(filepath.Join(dir, "ca.pem")); err != nil {
		return err
	}
	if err := tsaCA.WriteRootPEM(filepath.Join(dir, "tsa-ca.pem")); err != nil {
		return err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	// A throwaway password generated for this run; printing it is the point.
	fmt.Printf("export GOMSI_SIGN_PFX=%s\nexport GOMSI_SIGN_PASSWORD=%s\nexport GOMSI_TIMESTAMP_URLS=http://%s/\n",
		filepath.Join(abs, "signer.pfx"), password, l.Addr())
	fmt.Printf("# verify: osslsigncode verify -CAfile %s -TSA-CAfile %s -in <file>\n",
		filepath.Join(abs, "ca.pem"), filepath.Join(abs, "tsa-ca.pem"))
	srv := &http.Server{Handler: tsa, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(l); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}
