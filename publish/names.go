package publish

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTagLen bounds a tag: git has no limit, but a ref is a file name on
// the server, and no real release tag comes near it.
const maxTagLen = 255

// checkTag applies git check-ref-format's rules for refs/tags/<tag> (see
// git-check-ref-format(1)), plus what would make the tag an option or
// ambiguous: a leading '-', a "refs/" prefix. The tag also goes into API
// paths, where "..", "." and "/" components would reach another endpoint.
// The reason is returned, "" when the tag is valid.
func checkTag(tag string) string {
	switch {
	case tag == "":
		return "it is empty"
	case len(tag) > maxTagLen:
		return fmt.Sprintf("it is longer than %d bytes", maxTagLen)
	case !utf8.ValidString(tag):
		return "it is not valid UTF-8"
	case tag == "@":
		return `it is "@"`
	case strings.HasPrefix(tag, "-"):
		return "it starts with '-'"
	case strings.HasPrefix(tag, "refs/"):
		return "it is a full ref: use the bare name after refs/tags/"
	case strings.HasPrefix(tag, "/"), strings.HasSuffix(tag, "/"), strings.Contains(tag, "//"):
		return "it starts or ends with '/' or holds '//'"
	case strings.Contains(tag, ".."):
		return `it holds ".."`
	case strings.HasSuffix(tag, "."):
		return "it ends with '.'"
	case strings.Contains(tag, "@{"):
		return `it holds "@{"`
	}
	if i := strings.IndexFunc(tag, func(r rune) bool { return unicode.IsControl(r) || r == ' ' || strings.ContainsRune("~^:?*[\\", r) }); i >= 0 {
		return fmt.Sprintf("it holds %q, which git refuses in a tag (control characters, space, ~ ^ : ? * [ \\)", []rune(tag[i:])[0])
	}
	for _, part := range strings.Split(tag, "/") {
		if strings.HasPrefix(part, ".") {
			return fmt.Sprintf("its part %q starts with '.'", part)
		}
		if strings.HasSuffix(part, ".lock") {
			return fmt.Sprintf("its part %q ends with .lock", part)
		}
	}
	return ""
}

// badTag is the error for a tag from source (GOMSI_TAG, GITHUB_REF, ...).
func badTag(source, tag, reason string) error {
	return fmt.Errorf("%s=%q is not a valid tag name: %s; use a name git accepts for a tag, e.g. v1.26.8", source, tag, reason)
}

var (
	// GitHub logins: letters, digits and '-'; Enterprise Managed Users add
	// "_shortcode". Repository names: letters, digits, '.', '-', '_'.
	ownerRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$`)
	repoRE  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
)

// splitRepo checks owner/name as GitHub allows them; both go into API
// paths unescaped by go-github, so nothing else may pass.
func splitRepo(source, repo string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || !ownerRE.MatchString(owner) || !repoRE.MatchString(name) || name == "." || name == ".." {
		return "", "", fmt.Errorf("%s=%q is not owner/name (letters, digits, '-' and '_' in the owner; also '.' in the name; for example acme/go-msi)", source, repo)
	}
	return owner, name, nil
}

// tagPath escapes a tag for the path of an API URL. go-github pastes it
// unescaped, so "#", "%" or "?" would cut or change the path; '/' stays a
// separator, as GitHub routes tags holding it (checkTag has ruled out
// empty, "." and ".." parts).
func tagPath(tag string) string {
	parts := strings.Split(tag, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
