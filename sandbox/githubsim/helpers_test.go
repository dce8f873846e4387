package githubsim

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-github/v50/github"
	"golang.org/x/crypto/nacl/box"
)

// Tokens of the fixture's users; each login's role on octo/app is in its name.
const (
	tokOwner    = "ghp_owner"
	tokAdmin    = "ghp_admin"
	tokMaintain = "ghp_maintain"
	tokWrite    = "ghp_write"
	tokTriage   = "ghp_triage"
	tokRead     = "ghp_read"
	tokStranger = "ghp_stranger"
)

const deployYAML = `name: Deploy
on:
  push:
    branches: [main]
  workflow_dispatch:
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - name: Configure IAM credentials
        uses: aws-actions/configure-aws-credentials@v4
`

const ciYAML = `on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
`

// fixture is a sandbox with users of every role on the private repository octo/app and a
// public repository octo/site, served over loopback.
type fixture struct {
	srv  *Server
	url  string
	base *url.URL
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()

	s := New(opts)
	for login, tok := range map[string]string{"octo": tokOwner, "ada": tokAdmin,
		"max": tokMaintain, "wes": tokWrite, "tia": tokTriage, "rey": tokRead,
		"sam": tokStranger} {
		s.AddUser(login, tok)
	}
	app := Repo{Owner: "octo", Name: "app", Private: true, Branches: []string{"dev"},
		Permissions: map[string]string{"ada": "admin", "max": "maintain", "wes": "write",
			"tia": "triage", "rey": "read"},
		Workflows: []Workflow{{Path: ".github/workflows/deploy.yml", Content: deployYAML},
			{Path: ".github/workflows/ci.yml", Name: "CI", Content: ciYAML}},
		Environments: []string{"production", "staging"},
	}
	mustNil(t, s.AddRepo(app))
	mustNil(t, s.AddRepo(Repo{Owner: "octo", Name: "site"}))
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	base, err := url.Parse(hs.URL + "/")
	mustNil(t, err)

	return &fixture{srv: s, url: hs.URL, base: base}
}

// client is a go-github client that authenticates with token ("" for none).
func (f *fixture) client(token string) *github.Client {
	c := github.NewClient(&http.Client{Transport: tokenTransport{token: token}})
	c.BaseURL = f.base

	return c
}

// tokenTransport adds the Authorization header the way the gh CLI and oauth2 do.
type tokenTransport struct {
	token  string
	scheme string
}

func (tt tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if tt.token != "" {
		scheme := tt.scheme
		if scheme == "" {
			scheme = "Bearer"
		}
		r.Header.Set("Authorization", scheme+" "+tt.token)
	}

	return http.DefaultTransport.RoundTrip(r)
}

// seal encrypts value to the public key the way a client does before a PUT.
func seal(t *testing.T, key *github.PublicKey, value string) string {
	t.Helper()

	raw, err := base64.StdEncoding.DecodeString(key.GetKey())
	mustNil(t, err)
	var pub [32]byte
	copy(pub[:], raw)
	sealed, err := box.SealAnonymous(nil, []byte(value), &pub, rand.Reader)
	mustNil(t, err)

	return base64.StdEncoding.EncodeToString(sealed)
}

// statusOf is the HTTP status of a go-github error, or 0 when err carries none.
func statusOf(err error) int {
	var er *github.ErrorResponse
	if errors.As(err, &er) {
		return er.Response.StatusCode
	}

	return 0
}

// messageOf is the message of a go-github ErrorResponse.
func messageOf(err error) string {
	var er *github.ErrorResponse
	if errors.As(err, &er) {
		return er.Message
	}

	return ""
}

func mustNil(t *testing.T, err error) {
	t.Helper()

	if err != nil {
		t.Fatal(err)
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)

	return c
}

// fixedClock is a clock tests can read and move.
type fixedClock struct{ t time.Time }

func (c *fixedClock) now() time.Time { return c.t }
