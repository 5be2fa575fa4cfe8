package ghfake

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

func (s *Server) readUpload(r *http.Request) ([]byte, error) {
	if s.opts.DiscardBodies {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		// Keep the size and digest; the fake bytes are never served.
		return []byte(fmt.Sprintf("%d:%s", n, hex.EncodeToString(h.Sum(nil)))), err
	}
	return io.ReadAll(r.Body)
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, relID string, body []byte, readErr error, base string) {
	name := r.URL.Query().Get("name")
	switch {
	case readErr != nil:
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Problems parsing request body"})
		return
	case r.ContentLength < 0:
		s.problem("upload of %q without Content-Length (GitHub rejects chunked uploads)", name)
		writeJSON(w, http.StatusLengthRequired, map[string]any{"message": "Content-Length required"})
		return
	case r.Header.Get("Content-Type") == "":
		s.problem("upload of %q without Content-Type", name)
		writeJSON(w, http.StatusUnsupportedMediaType, map[string]any{"message": "Content-Type required"})
		return
	case name == "":
		writeJSON(w, http.StatusUnprocessableEntity, validation("ReleaseAsset", "name", "missing_field", ""))
		return
	}
	rel := s.releaseByID(atoi(relID))
	if rel == nil {
		writeJSON(w, http.StatusNotFound, notFound(""))
		return
	}
	for _, a := range rel.Assets {
		if a.Name == name {
			writeJSON(w, http.StatusUnprocessableEntity, validation("ReleaseAsset", "name", "already_exists",
				"https://docs.github.com/rest/releases/assets#upload-a-release-asset"))
			return
		}
	}
	a := s.storeUpload(r, body, "landed")
	writeJSON(w, http.StatusCreated, s.assetJSON(a, rel, base))
}

// storeUpload adds the uploaded asset to its release; the caller holds s.mu.
func (s *Server) storeUpload(r *http.Request, body []byte, effect string) *asset {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/uploads/"), "/")
	rel := s.releaseByID(atoi(parts[len(parts)-2]))
	if rel == nil {
		return nil
	}
	state := "uploaded"
	if effect == "starter" {
		state = "starter"
	}
	a := s.newAsset(r.URL.Query().Get("name"), r.Header.Get("Content-Type"), state, body)
	if s.opts.DiscardBodies {
		var n int
		var sum string
		fmt.Sscanf(string(body), "%d:%s", &n, &sum)
		a.Size, a.Digest = n, "sha256:"+sum
	}
	rel.Assets = append(rel.Assets, a)
	return a
}

// serveStorage stands in for the object store downloads are redirected to.
// It refuses an Authorization header, as S3 does for a presigned URL.
func (s *Server) serveStorage(rw http.ResponseWriter, r *http.Request) {
	w := &statusWriter{ResponseWriter: rw}
	defer func() { s.record("storage", r, w.status) }()
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Header.Get("Authorization") != "" {
		s.problem("Authorization header sent to the storage host (%s)", r.URL.Path)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>")
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 3 || r.URL.Query().Get("X-Amz-Signature") == "" {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	a, _ := s.findAsset(parts[1])
	if a == nil || a.State != "uploaded" || (s.opts.DiscardBodies && a.Size > 0) {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Data)))
	w.Write(a.Data)
}
