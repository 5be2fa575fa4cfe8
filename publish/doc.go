// Package publish puts gomsi's MSIs on a GitHub release, with a
// <msi>.sha256 per MSI and one SHA256SUMS, and can be run again safely.
//
// Use:
//
//	cfg, err := publish.ConfigFromEnv(gomsiConfig.Env.Publish, gomsiConfig.Publish) // package config reads both
//	p, err := publish.New(cfg, publish.WithLogger(os.Stdout))
//	res, err := p.Publish(ctx, publish.Release{GoVersion: "1.26.8", Arches: arches, Assets: msiPaths, Fixes: fixes})
//
// Choices worth knowing:
//
//   - A new release is created as a draft and published only after its
//     assets are up, so nobody is notified of a release missing files, and
//     repositories with immutable releases accept the uploads.
//   - Drafts are invisible to GET /releases/tags/{tag}; when that answers 404
//     the release list is searched for a draft with the tag, so re-running
//     a draft release does not make a second draft.
//   - Assets are compared by size, then by the "digest" GitHub reports
//     (github.com since June 2025), and only without one (GitHub Enterprise
//     Server, older assets) by streaming a download through SHA-256. A
//     differing asset is replaced (delete, then upload) only with
//     publish.replace; otherwise the run stops before its first write.
//     Nothing is ever deleted unless its name is one of the files being
//     published; a failed upload's leftover ("starter" state) is redone.
//   - Retries live in an http.RoundTripper under go-github: 5xx answers
//     back off exponentially, the primary rate limit is waited out when the
//     reset is near (else *RateLimitError names the reset time), secondary
//     limits honour Retry-After. Uploads stream from the file and are
//     reopened for each retry.
//   - The token is added by that transport, and only for the API and upload
//     hosts: a download redirected to object storage never carries it. Logs
//     and errors are scrubbed of it as a last line of defence.
//   - In a dry run the transport refuses anything but GET and HEAD; the
//     publisher logs each write it would make and writes no local files.
package publish
