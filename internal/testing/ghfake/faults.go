package ghfake

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault makes matching requests fail the way GitHub does.
type Fault struct {
	Method string // matches any method when empty
	Path   string // substring of the request path; matches any when empty
	Times  int    // how many matching requests fail (0: one)
	Status int
	Header map[string]string
	Body   string
	// Effect lets an upload take effect before the failure answer, as
	// GitHub's upload host sometimes does: "landed" stores the asset
	// complete, "starter" leaves it in the incomplete "starter" state.
	Effect string
}

// Inject queues a fault; faults are tried in the order injected.
func (s *Server) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// PendingFaults reports how many injected failures have not happened yet.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.faults {
		n += f.Times
	}
	return n
}

// takeFault returns the first fault matching the request, consuming one use.
// The caller holds s.mu.
func (s *Server) takeFault(method, path string) *Fault {
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == method) && strings.Contains(path, f.Path) {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// BadGateway is GitHub's answer when a backend times out.
func BadGateway(method, path string, times int) Fault {
	return Fault{Method: method, Path: path, Times: times, Status: http.StatusBadGateway,
		Body: `{"message":"Server Error"}`}
}

// PrimaryRateLimit is the answer once the hourly quota is used up: 403 with
// X-RateLimit-Remaining 0 and the reset as Unix seconds.
func PrimaryRateLimit(method, path string, reset time.Time) Fault {
	return Fault{Method: method, Path: path, Status: http.StatusForbidden,
		Header: map[string]string{
			"X-RateLimit-Limit":     "5000",
			"X-RateLimit-Remaining": "0",
			"X-RateLimit-Used":      "5000",
			"X-RateLimit-Reset":     strconv.FormatInt(reset.Unix(), 10),
			"X-RateLimit-Resource":  "core",
		},
		Body: `{"message":"API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:4444.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit"}`}
}

// SecondaryRateLimit is the answer to too many requests in a short time:
// 403 or 429 with Retry-After in seconds.
func SecondaryRateLimit(method, path string, status, retryAfter int) Fault {
	return Fault{Method: method, Path: path, Status: status,
		Header: map[string]string{"Retry-After": strconv.Itoa(retryAfter)},
		Body:   `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:4444.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`}
}

// Forbidden is a permission error, which no retry can fix.
func Forbidden(method, path string) Fault {
	return Fault{Method: method, Path: path, Status: http.StatusForbidden,
		Body: `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/releases/releases#create-a-release","status":"403"}`}
}
