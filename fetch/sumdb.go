package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gomsi/gomsi/internal/atomicfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/note"

	"github.com/gomsi/gomsi/internal/printable"
)

// knownSumDBs maps checksum database names to their verifier keys, as the
// go command does, so that GOSUMDB=sum.golang.org needs no key.
var knownSumDBs = map[string]string{
	"sum.golang.org": "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
}

// A sumDBConfig is a parsed GOSUMDB.
type sumDBConfig struct {
	key  string // verifier key
	name string // database name (host[/path])
	url  string // explicit URL, or "" to find it through the proxy or https://<name>
}

// parseSumDB reads GOSUMDB: "name", "key" or "key url" ("" is sum.golang.org).
func parseSumDB(s string) (sumDBConfig, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		s = "sum.golang.org"
	case "sum.golang.google.cn": // an alias of sum.golang.org reachable in mainland China
		s = "sum.golang.org https://sum.golang.google.cn"
	}
	fields := strings.Fields(s)
	if len(fields) > 2 {
		return sumDBConfig{}, fmt.Errorf("parse GOSUMDB %q: too many fields; want a name, a verifier key, or a key and a URL", s)
	}
	key := fields[0]
	if k, ok := knownSumDBs[key]; ok {
		key = k
	}
	v, err := note.NewVerifier(key)
	if err != nil {
		return sumDBConfig{}, fmt.Errorf("parse GOSUMDB %q: %q is neither a known database (sum.golang.org) nor a verifier key (name+hash+key): %w", s, fields[0], err)
	}
	name := v.Name()
	if u, err := url.Parse("https://" + name); err != nil || u.Host == "" || strings.HasSuffix(name, "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return sumDBConfig{}, fmt.Errorf("parse GOSUMDB %q: database name %q is not host[/path]", s, name)
	}
	c := sumDBConfig{key: key, name: name}
	if len(fields) == 2 {
		u, err := checkHTTPURL(fields[1], "GOSUMDB")
		if err != nil {
			return sumDBConfig{}, err
		}
		c.url = strings.TrimRight(u, "/")
	}
	return c, nil
}

// lookupSum returns the h1: hash the checksum database records for mv,
// after checking the database's signed tree (x/mod/sumdb does that; the
// tree and tiles are cached under CacheDir for the next run).
func (f *Fetcher) lookupSum(ctx context.Context, mv module.Version) (string, error) {
	cfg, err := parseSumDB(f.opts.SumDB)
	if err != nil {
		return "", err
	}
	base, err := f.sumDBBase(ctx, cfg)
	if err != nil {
		return "", err
	}
	ops := &sumOps{ctx: ctx, f: f, cfg: cfg, base: base}
	lines, err := sumdb.NewClient(ops).Lookup(mv.Path, mv.Version)
	if err != nil {
		err = printable.Error(err) // x/mod quotes what the database sent
		if msg := ops.securityMsg(); msg != "" {
			return "", fmt.Errorf("verify with checksum database %s: SECURITY ERROR: %s", cfg.name, msg)
		}
		if strings.Contains(err.Error(), "no verifiable signatures") {
			return "", fmt.Errorf("verify with checksum database %s: %w (its signature does not match the key in GOSUMDB: the key is wrong, or something impersonates the database)", cfg.name, err)
		}
		return "", fmt.Errorf("verify with checksum database %s: %w", cfg.name, err)
	}
	prefix := mv.Path + " " + mv.Version + " "
	for _, line := range lines {
		if h, ok := strings.CutPrefix(line, prefix); ok && strings.HasPrefix(h, "h1:") {
			return h, nil
		}
	}
	return "", fmt.Errorf("verify with checksum database %s: it has no h1: hash for %s", cfg.name, mv)
}

// sumDBBase finds how to reach the database: its explicit URL, else
// through the module proxy if the proxy says it can (corporate mirrors
// often are the only way out), else directly.
func (f *Fetcher) sumDBBase(ctx context.Context, cfg sumDBConfig) (string, error) {
	if cfg.url != "" {
		return cfg.url, nil
	}
	// As the go command does: each proxy in turn until one serves it;
	// "direct" or the end of the list means the database itself.
	for _, p := range f.opts.Source.proxies() {
		if p.Direct {
			break
		}
		proxied := p.URL + "/sumdb/" + cfg.name
		_, err := f.dl.getBytes(ctx, proxied+"/supported", maxSupportedBody)
		if err == nil {
			return proxied, nil
		}
		if !movesOn(p, err) {
			return "", fmt.Errorf("ask the module proxy whether it serves checksum database %s: %w", cfg.name, err)
		}
	}
	return "https://" + cfg.name, nil
}

// sumOps gives x/mod/sumdb its network and storage. One is made per
// lookup, so that it carries the lookup's context.
type sumOps struct {
	ctx  context.Context
	f    *Fetcher
	cfg  sumDBConfig
	base string

	mu       sync.Mutex
	security []string
}

func (o *sumOps) ReadRemote(path string) ([]byte, error) {
	return o.f.dl.getBytes(o.ctx, o.base+path, maxSumDBBytes)
}

// configPath and cachePath map the client's slash-separated names (which
// start with the database name, checked when parsing GOSUMDB) into the cache.
func (o *sumOps) configPath(file string) (string, error) { return o.local("sumdb", file) }
func (o *sumOps) cachePath(file string) (string, error)  { return o.local("sumdb-cache", file) }

func (o *sumOps) local(dir, file string) (string, error) {
	p := filepath.FromSlash(file)
	if !filepath.IsLocal(p) {
		return "", fmt.Errorf("checksum database file name %q escapes the cache", file)
	}
	return filepath.Join(o.f.opts.CacheDir, dir, p), nil
}

func (o *sumOps) ReadConfig(file string) ([]byte, error) {
	if file == "key" {
		return []byte(o.cfg.key), nil
	}
	p, err := o.configPath(file)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return []byte{}, nil // first contact: start from an empty tree
	}
	return data, err
}

// WriteConfig replaces the latest signed tree. The check and the rename are
// not one atomic step across processes; a lost race only means keeping an
// older (still verified) tree, which the next lookup brings forward.
func (o *sumOps) WriteConfig(file string, old, new []byte) error {
	p, err := o.configPath(file)
	if err != nil {
		return err
	}
	cur, err := os.ReadFile(p)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if len(cur) > 0 && !bytes.Equal(cur, old) {
		return sumdb.ErrWriteConflict
	}
	return atomicfile.WriteFile(p, new, 0o644)
}

func (o *sumOps) ReadCache(file string) ([]byte, error) {
	p, err := o.cachePath(file)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

func (o *sumOps) WriteCache(file string, data []byte) {
	if p, err := o.cachePath(file); err == nil {
		atomicfile.WriteFile(p, data, 0o644) // a cache: failing to save only costs a download
	}
}

func (o *sumOps) Log(msg string) { o.f.logf("%s", printable.String(msg)) }

func (o *sumOps) SecurityError(msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.security = append(o.security, printable.String(msg))
}

func (o *sumOps) securityMsg() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return strings.Join(o.security, "; ")
}
