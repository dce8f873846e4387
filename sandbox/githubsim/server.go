// Package githubsim simulates the part of GitHub's REST API that onramp uses: the authenticated
// user, repositories and their permissions, Actions secrets sealed to a real key pair per
// repository and per environment, environments, workflows with their files, runs and jobs.
// The real go-github client reaches it over loopback HTTP and gets GitHub's status codes,
// rate-limit headers and error bodies, so its own error types (RateLimitError,
// AbuseRateLimitError, ErrorResponse) come out as they would against api.github.com.
//
// Every request goes to the fault injector as "github:" followed by the method and the path
// with the repository prefix and the path parameters left out, for example
// "github:PUT actions/secrets", "github:GET actions/runs/jobs" or
// "github:PUT environments/secrets". A list and a get of the same resource share one name.
//
// REST docs: https://docs.github.com/en/rest
package githubsim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/onramp-dev/onramp/sandbox/fault"
)

// apiVersion is the X-GitHub-Api-Version the sandbox answers with.
const apiVersion = "2022-11-28"

// supportedVersions lists the X-GitHub-Api-Version values GitHub accepts.
var supportedVersions = map[string]bool{"2022-11-28": true, "2026-03-10": true}

// Options configures a Server.
type Options struct {
	// Faults injects latency, throttling and failures; nil injects nothing.
	Faults *fault.Injector
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RateLimit is how many requests a user may make per hour; 0 means GitHub's 5000.
	RateLimit int
	// Dispatch starts a workflow run for POST .../actions/workflows/{id}/dispatches and
	// returns its state. The run's ID is in ctx (see DispatchedRunID), so a replay that keeps
	// going after Dispatch returns can move the run along with UpdateRun. ctx outlives the
	// request. When nil, dispatches are refused.
	Dispatch func(ctx context.Context, owner, repo string, wf Workflow, ref string) (Run, error)
}

// Server is the simulated GitHub REST API. It is an http.Handler serving the API at "/" and
// is safe for concurrent use.
type Server struct {
	opts  Options
	mux   *http.ServeMux
	mu    sync.Mutex
	st    state
	rates map[string]*bucket
}

// New returns an empty Server: add users with AddUser and repositories with AddRepo.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RateLimit <= 0 {
		opts.RateLimit = 5000
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), st: newState(), rates: map[string]*bucket{}}
	s.routes()

	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

func (s *Server) now() time.Time {
	return s.opts.Now().UTC().Truncate(time.Second)
}

// call is one request on its way through a route: who asked, about which repository.
type call struct {
	w    http.ResponseWriter
	r    *http.Request
	rt   *route
	user *user
	repo *repo
	env  *environment
}

// apiError is GitHub's error body.
type apiError struct {
	Message          string `json:"message"`
	DocumentationURL string `json:"documentation_url,omitempty"`
	Status           string `json:"status,omitempty"`
}

func (c *call) reply(status int, v any) {
	c.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	c.w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(c.w).Encode(v)
	}
}

func (c *call) fail(status int, msg string) {
	c.failDoc(status, msg, c.rt.doc)
}

func (c *call) failDoc(status int, msg, doc string) {
	c.reply(status, apiError{Message: msg, DocumentationURL: doc, Status: itoa(int64(status))})
}

// notFound is GitHub's answer to a resource that is missing or hidden from the caller.
func (c *call) notFound() {
	c.fail(http.StatusNotFound, "Not Found")
}

// missing is GitHub's answer to a request body without a required field.
func (c *call) missing(field string) {
	c.fail(http.StatusUnprocessableEntity, "Invalid request.\n\n\""+field+"\" wasn't supplied.")
}

// forbidden is GitHub's answer to a token whose user may see the repository but not do this.
func (c *call) forbidden() {
	c.fail(http.StatusForbidden, "Resource not accessible by personal access token")
}

// baseURL is the scheme and host the client used, for the URLs inside answers.
func (c *call) baseURL() string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}

	return scheme + "://" + c.r.Host
}

// serve runs a request through the steps every route shares, then the route itself.
func (s *Server) serve(rt *route, w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, r: r, rt: rt}
	w.Header().Set("X-GitHub-Api-Version-Selected", apiVersion)
	if !c.checkVersion() || !s.authenticate(c) || !s.limit(c) || !s.inject(c) {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	if rt.need > levelNone && !s.resolve(c) {
		return
	}
	rt.serve(s, c)
}

func (c *call) checkVersion() bool {
	v := c.r.Header.Get("X-GitHub-Api-Version")
	if v == "" || supportedVersions[v] {
		return true
	}
	msg := `The version you specified in the "X-GitHub-Api-Version" request header, "` + v +
		`", is not a supported version. The following versions are currently supported: "` +
		apiVersion + `".`
	c.failDoc(http.StatusBadRequest, msg, "https://docs.github.com/rest")

	return false
}

// authenticate finds the user behind the request's token and answers 401 when there is none.
func (s *Server) authenticate(c *call) bool {
	token, ok := bearer(c.r.Header.Get("Authorization"))
	if !ok {
		// TODO: GitHub serves public repositories to anonymous callers at 60 requests an
		// hour; the sandbox asks for a token everywhere because onramp always sends one.
		s.limitAnonymous(c)
		c.fail(http.StatusUnauthorized, "Requires authentication")

		return false
	}

	s.mu.Lock()
	c.user = s.st.userByToken(token)
	s.mu.Unlock()
	if c.user == nil {
		s.limitAnonymous(c)
		c.failDoc(http.StatusUnauthorized, "Bad credentials", "https://docs.github.com/rest")

		return false
	}

	return true
}

// bearer reads the token from "Bearer T" or "token T".
func bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || token == "" {
		return "", false
	}
	switch strings.ToLower(scheme) {
	case "bearer", "token":
		return strings.TrimSpace(token), true
	}

	return "", false
}

// inject asks the fault injector about this call and answers the fault it returns.
func (s *Server) inject(c *call) bool {
	err := s.opts.Faults.Before("github:" + c.rt.op)
	if err == nil {
		return true
	}

	var inj *fault.Injected
	switch {
	case errors.Is(err, fault.ErrThrottled):
		c.secondaryLimit()
	case errors.Is(err, fault.ErrUnavailable):
		c.failDoc(http.StatusServiceUnavailable, "Service Unavailable", "")
	case errors.As(err, &inj):
		c.failDoc(http.StatusInternalServerError, "Server Error: "+inj.Error(), "")
	default:
		c.failDoc(http.StatusInternalServerError, "Server Error", "")
	}

	return false
}

// secondaryLimit answers the way GitHub refuses a burst: 403 with Retry-After and a
// documentation URL that go-github recognises as an AbuseRateLimitError. The primary limit
// (X-RateLimit-Remaining: 0) is not used for injected throttling because go-github then refuses
// every call locally until the hourly reset.
func (c *call) secondaryLimit() {
	c.w.Header().Set("Retry-After", "1")
	msg := "You have exceeded a secondary rate limit. Please wait a few minutes before you " +
		"try again."
	doc := "https://docs.github.com/rest/overview/resources-in-the-rest-api#secondary-rate-limits"
	c.failDoc(http.StatusForbidden, msg, doc)
}
