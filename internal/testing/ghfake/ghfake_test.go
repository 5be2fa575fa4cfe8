package ghfake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The fake's checks are what make the publisher's tests meaningful, so each
// must catch the mistake it is there for.
func TestFakeCatchesClientMistakes(t *testing.T) {
	s := New(Options{Token: "tok"})
	defer s.Close()
	id := s.AddRelease("v1", "v1", false)
	upload := s.UploadURL() + "api/uploads/repos/acme/go-msi/releases/" + itoa(id) + "/assets?name=a.msi"

	do := func(req *http.Request) *http.Response {
		t.Helper()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}

	// Wrong token.
	req, _ := http.NewRequest("GET", s.APIURL()+"api/v3/repos/acme/go-msi/releases/tags/v1", nil)
	req.Header.Set("Authorization", "Bearer nope")
	if resp := do(req); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", resp.StatusCode)
	}

	// Chunked upload (no Content-Length): an io.Reader of unknown size.
	req, _ = http.NewRequest("POST", upload, io.MultiReader(strings.NewReader("data")))
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/x-msi")
	if resp := do(req); resp.StatusCode != http.StatusLengthRequired {
		t.Errorf("chunked upload: %d", resp.StatusCode)
	}

	// A proper upload, then the same name again: 422 already_exists.
	for i, want := range []int{http.StatusCreated, http.StatusUnprocessableEntity} {
		req, _ = http.NewRequest("POST", upload, strings.NewReader("data"))
		req.Header.Set("Authorization", "token tok")
		req.Header.Set("Content-Type", "application/x-msi")
		resp := do(req)
		if resp.StatusCode != want {
			t.Fatalf("upload %d: %d", i, resp.StatusCode)
		}
		if i == 1 {
			var e struct{ Errors []struct{ Code string } }
			json.NewDecoder(resp.Body).Decode(&e)
			if len(e.Errors) != 1 || e.Errors[0].Code != "already_exists" {
				t.Errorf("422 body: %+v", e)
			}
		}
	}

	// Following the download redirect with the token still attached.
	assetID := s.Releases("v1")[0].Assets[0].ID
	req, _ = http.NewRequest("GET", s.APIURL()+"api/v3/repos/acme/go-msi/releases/assets/"+itoa(assetID), nil)
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Accept", "application/octet-stream")
	if resp := do(req); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("download with the token at the storage host: %d", resp.StatusCode)
	}

	if p := s.Problems(); len(p) != 2 {
		t.Errorf("problems = %q, want the chunked upload and the leaked token", p)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
