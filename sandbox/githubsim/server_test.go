package githubsim

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-github/v50/github"
	"github.com/onramp-dev/onramp/sandbox/fault"
)

func TestAuthentication(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct {
		name      string
		transport tokenTransport
		wantLogin string
		wantCode  int
		wantMsg   string
		wantLimit int
	}{
		{name: "bearer token", transport: tokenTransport{token: tokWrite}, wantLogin: "wes",
			wantLimit: 5000},
		{name: "token scheme", transport: tokenTransport{token: tokRead, scheme: "token"},
			wantLogin: "rey", wantLimit: 5000},
		{name: "no token", wantCode: http.StatusUnauthorized, wantMsg: "Requires authentication",
			wantLimit: anonymousLimit},
		{name: "unknown token", transport: tokenTransport{token: "ghp_nobody"},
			wantCode: http.StatusUnauthorized, wantMsg: "Bad credentials",
			wantLimit: anonymousLimit},
		{name: "basic scheme", transport: tokenTransport{token: tokWrite, scheme: "Basic"},
			wantCode: http.StatusUnauthorized, wantMsg: "Requires authentication",
			wantLimit: anonymousLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := github.NewClient(&http.Client{Transport: tt.transport})
			c.BaseURL = f.base

			u, resp, err := c.Users.Get(ctx(t), "")
			if got := statusOf(err); got != tt.wantCode || messageOf(err) != tt.wantMsg {
				t.Fatalf("got %d %q (%v), want %d %q", got, messageOf(err), err, tt.wantCode,
					tt.wantMsg)
			}
			if tt.wantLogin != "" && u.GetLogin() != tt.wantLogin {
				t.Errorf("login %q, want %q", u.GetLogin(), tt.wantLogin)
			}
			if resp.Rate.Limit != tt.wantLimit || resp.Rate.Reset.IsZero() {
				t.Errorf("rate %+v, want limit %d and a reset time", resp.Rate, tt.wantLimit)
			}
		})
	}
}

func TestAPIVersionHeader(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct {
		version  string
		wantCode int
	}{
		{version: "2022-11-28", wantCode: http.StatusOK},
		{version: "v3", wantCode: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			c := f.client(tokOwner)
			req, err := c.NewRequest("GET", "user", nil, github.WithVersion(tt.version))
			mustNil(t, err)

			resp, err := c.Do(ctx(t), req, nil)
			if resp == nil || resp.StatusCode != tt.wantCode {
				t.Fatalf("got %v (%v), want %d", resp, err, tt.wantCode)
			}
		})
	}
}

func TestPrimaryRateLimit(t *testing.T) {
	clock := &fixedClock{t: time.Now()}
	f := newFixture(t, Options{RateLimit: 2, Now: clock.now})
	c := f.client(tokOwner)

	for want := 1; want >= 0; want-- {
		_, resp, err := c.Users.Get(ctx(t), "")
		mustNil(t, err)
		if resp.Rate.Remaining != want || resp.Rate.Limit != 2 {
			t.Fatalf("rate %+v, want 2 with %d remaining", resp.Rate, want)
		}
	}
	_, _, err := f.client(tokOwner).Users.Get(ctx(t), "")
	var rle *github.RateLimitError
	if !errors.As(err, &rle) || rle.Rate.Remaining != 0 {
		t.Fatalf("got %v, want a RateLimitError with nothing remaining", err)
	}

	clock.t = clock.t.Add(time.Hour)
	if _, _, err := f.client(tokOwner).Users.Get(ctx(t), ""); err != nil {
		t.Fatalf("after the reset: %v", err)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		cfg   fault.Config
		check func(t *testing.T, first, second error)
	}{
		{name: "throttled is a secondary rate limit",
			cfg: fault.Config{ThrottleRate: 1},
			check: func(t *testing.T, first, _ error) {
				var are *github.AbuseRateLimitError
				if !errors.As(first, &are) || are.GetRetryAfter() != time.Second {
					t.Errorf("got %v, want an AbuseRateLimitError retrying after 1s", first)
				}
			}},
		{name: "unavailable is 503", cfg: fault.Config{UnavailableRate: 1},
			check: func(t *testing.T, first, second error) {
				if statusOf(first) != 503 || statusOf(second) != 503 {
					t.Errorf("got %v and %v, want 503 twice", first, second)
				}
			}},
		{name: "named operation fails once with 500",
			cfg: fault.Config{FailOp: "github:GET repos", FailOnCall: 1},
			check: func(t *testing.T, first, second error) {
				if statusOf(first) != 500 || second != nil {
					t.Errorf("got %v and %v, want 500 then success", first, second)
				}
			}},
		{name: "other operations are untouched",
			cfg: fault.Config{FailOp: "github:PUT actions/secrets"},
			check: func(t *testing.T, first, second error) {
				if first != nil || second != nil {
					t.Errorf("got %v and %v, want two successes", first, second)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inj := fault.New(tt.cfg)
			f := newFixture(t, Options{Faults: inj})

			_, _, first := f.client(tokOwner).Repositories.Get(ctx(t), "octo", "app")
			_, _, second := f.client(tokOwner).Repositories.Get(ctx(t), "octo", "app")
			tt.check(t, first, second)
			if inj.Calls("github:GET repos") != 2 {
				t.Errorf("injector saw %d calls, want 2", inj.Calls("github:GET repos"))
			}
		})
	}
}

func TestOperationNames(t *testing.T) {
	tests := []struct {
		pattern string
		want    string
	}{
		{pattern: "GET /user", want: "GET user"},
		{pattern: "GET /repos/{owner}/{repo}", want: "GET repos"},
		{pattern: "PUT /repos/{owner}/{repo}/actions/secrets/{name}", want: "PUT actions/secrets"},
		{pattern: "GET /repositories/{repo_id}/environments/{env}/secrets/public-key",
			want: "GET environments/secrets/public-key"},
		{pattern: "GET /repos/{owner}/{repo}/actions/runs/{run}/jobs",
			want: "GET actions/runs/jobs"},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			if got := opName(tt.pattern); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnknownPathIsNotFound(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.client(tokOwner)
	tests := []struct{ method, path string }{
		{method: "GET", path: "repos/octo/app/nothing-here"},
		{method: "PATCH", path: "repos/octo/app"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := c.NewRequest(tt.method, tt.path, nil)
			mustNil(t, err)

			resp, err := c.Do(ctx(t), req, nil)
			if statusOf(err) != http.StatusNotFound || messageOf(err) != "Not Found" {
				t.Errorf("got %v, want 404 Not Found", err)
			}
			used := resp.Header.Get("X-RateLimit-Used")
			if resp.Rate.Limit != 5000 || itoa(int64(5000-resp.Rate.Remaining)) != used {
				t.Errorf("rate %+v used %s, want the user's", resp.Rate, used)
			}
		})
	}
}
