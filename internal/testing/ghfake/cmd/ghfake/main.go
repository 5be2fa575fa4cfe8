// Command ghfake runs the fake GitHub API on a fixed address, to try
// `mage publish` by hand:
//
//	go run ./internal/testing/ghfake/cmd/ghfake -addr 127.0.0.1:8089 &
//	GOMSI_GITHUB_API_URL=http://127.0.0.1:8089/ GOMSI_GITHUB_UPLOAD_URL=http://127.0.0.1:8089/ \
//	GITHUB_TOKEN=x GOMSI_GITHUB_REPO=acme/go-msi GOMSI_TAG=v1.26.8 go run mage.go publish
//
// Every request is printed as it completes; on SIGINT or SIGTERM it prints
// the releases and a count of write requests, then exits.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gomsi/gomsi/internal/testing/ghfake"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8089", "address to listen on")
	token := flag.String("token", "x", "the only token accepted")
	repo := flag.String("repo", "acme/go-msi", "owner/name of the repository")
	tag := flag.String("tag", "v1.26.8", "tag whose release is printed at exit")
	pageCap := flag.Int("page-cap", 2, "largest per_page honoured (small to exercise pagination)")
	noDigests := flag.Bool("no-digests", false, "leave out asset digests, like GitHub Enterprise Server")
	flag.Parse()

	owner, name, ok := strings.Cut(*repo, "/")
	if !ok {
		log.Fatalf("ghfake: -repo %q is not owner/name", *repo)
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("ghfake: listen: %v", err)
	}
	s := ghfake.New(ghfake.Options{Token: *token, Owner: owner, Repo: name, PageCap: *pageCap, NoDigests: *noDigests, Listener: l})
	defer s.Close()
	fmt.Printf("ghfake: serving %s at %s (api under /api/v3/, uploads under /api/uploads/)\n", *repo, s.APIURL())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	seen := 0
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			reqs := s.Requests()
			for _, r := range reqs[seen:] {
				fmt.Println(r)
			}
			seen = len(reqs)
		case <-sig:
			for _, r := range s.Releases(*tag) {
				fmt.Printf("release %s %q draft=%t prerelease=%t\n", r.Tag, r.Name, r.Draft, r.Prerelease)
				for _, a := range r.Assets {
					fmt.Printf("  %-40s %10d bytes  %s\n", a.Name, a.Size, a.State)
				}
			}
			fmt.Printf("write requests: %d; problems: %v\n", len(s.Writes()), s.Problems())
			return
		}
	}
}
