// Command servedl serves Go distribution zips the way go.dev/dl does, on
// 127.0.0.1, for trying gomsi end to end without the internet:
//
//	go run ./internal/testing/fakedl/servedl ../shared/fixtures/go1.26.8.windows-amd64.zip &
//	GOMSI_SOURCE=http://127.0.0.1:PORT/dl/ go run mage.go msi
//
// Each argument is a zip named go<version>.windows-<arch>.zip. It prints
// the source URL on the first line of its output and serves until killed.
// -corrupt flips a byte in every download (gomsi must refuse them);
// -drop N cuts the first download of each file after N bytes (gomsi must
// resume).
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"syscall"

	"github.com/gomsi/gomsi/internal/testing/fakedl"
)

var nameRE = regexp.MustCompile(`^(go[0-9][0-9a-z.]*)\.windows-([a-z0-9]+)\.zip$`)

func main() {
	corrupt := flag.Bool("corrupt", false, "flip a byte in every download")
	drop := flag.Int64("drop", 0, "cut the first download of each file after this many bytes")
	flag.Parse()
	if flag.NArg() == 0 {
		log.Fatal("usage: servedl [-corrupt] [-drop N] go1.X.Y.windows-ARCH.zip...")
	}
	srv := fakedl.New()
	defer srv.Close()
	for _, p := range flag.Args() {
		m := nameRE.FindStringSubmatch(filepath.Base(p))
		if m == nil {
			log.Fatalf("servedl: %s is not named go<version>.windows-<arch>.zip", p)
		}
		name, err := srv.AddZipFile(m[1], true, m[2], p)
		if err != nil {
			log.Fatalf("servedl: %v", err)
		}
		if *drop > 0 {
			srv.Fail(name, fakedl.Fault{DropAfter: *drop})
		}
		if *corrupt {
			for range 1000 {
				srv.Fail(name, fakedl.Fault{Corrupt: true})
			}
		}
	}
	fmt.Println(srv.URL)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
}
