package kubesim_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-dev/onramp/internal/realkube"
	"github.com/onramp-dev/onramp/sandbox/kubesim"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// The users of the contract tests, the same on both servers.
const (
	admin   = "admin"
	alice   = "alice"   // authenticated, bound to nothing
	viewer  = "viewer"  // given view in the team namespace
	nsAdmin = "nsadmin" // given admin in the team namespace
)

// testUsers are the identities both servers accept, by token.
var testUsers = map[string]kubesim.User{
	"alice-token":   {Name: alice, UID: "alice-uid"},
	"viewer-token":  {Name: viewer, UID: "viewer-uid", Groups: []string{"readers", "team"}},
	"nsadmin-token": {Name: nsAdmin, UID: "nsadmin-uid"},
}

const skipReal = "real API server tests skipped: set ONRAMP_KUBE_ASSETS to a folder holding " +
	"kube-apiserver (build it with .ci/build-kube-apiserver); etcd comes from that folder or PATH"

// cluster is one API server the contract runs against.
type cluster struct {
	name   string
	config func(token string) *rest.Config
	tokens map[string]string // user name to token
}

func (c *cluster) client(t *testing.T, user string) kubernetes.Interface {
	t.Helper()
	cfg := c.config(c.tokens[user])
	cfg.WarningHandler = rest.NoWarnings{}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("making a client for %s: %v", user, err)
	}

	return cs
}

// rest returns a client for raw requests in a group version, as user.
func (c *cluster) rest(t *testing.T, user string) rest.Interface {
	t.Helper()

	return c.client(t, user).CoreV1().RESTClient()
}

func userTokens(adminToken string) map[string]string {
	tokens := map[string]string{admin: adminToken}
	for token, u := range testUsers {
		tokens[u.Name] = token
	}

	return tokens
}

// startSandbox serves a new kubesim over TLS with the test users' static tokens.
func startSandbox(t *testing.T) *cluster {
	t.Helper()
	_, c := newSandbox(t, kubesim.Options{})

	return c
}

// newSandbox serves a kubesim with opts over TLS; the test users' tokens authenticate.
func newSandbox(t *testing.T, opts kubesim.Options) (*kubesim.Server, *cluster) {
	t.Helper()
	users := map[string]kubesim.User{
		"admin-token": {Name: admin, UID: admin, Groups: []string{"system:masters"}},
	}
	for token, u := range testUsers {
		users[token] = u
	}
	opts.Authenticator = kubesim.AuthenticatorFunc(func(_ context.Context, token string,
	) (kubesim.User, error) {
		u, ok := users[token]
		if !ok {
			return kubesim.User{}, fmt.Errorf("checking the token: %w", kubesim.ErrUnauthenticated)
		}

		return u, nil
	})
	srv := kubesim.New(opts)
	ts := httptest.NewTLSServer(srv)
	t.Cleanup(ts.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})

	return srv, &cluster{name: "sandbox", tokens: userTokens("admin-token"),
		config: func(token string) *rest.Config {
			return &rest.Config{Host: ts.URL, BearerToken: token,
				TLSClientConfig: rest.TLSClientConfig{CAData: ca}}
		}}
}

// startReal starts a real kube-apiserver with the same users, or returns nil without assets.
func startReal(t *testing.T) *cluster {
	t.Helper()
	if realkube.Assets() == "" {
		return nil
	}
	var tokens []realkube.Token
	for token, u := range testUsers {
		tokens = append(tokens, realkube.Token{Token: token, User: u.Name, UID: u.UID,
			Groups: u.Groups})
	}
	srv := realkube.Start(t, realkube.Options{Tokens: tokens})

	return &cluster{name: "real", tokens: userTokens(srv.AdminToken), config: srv.Config}
}

// contractCase runs against one cluster and returns what must come out the same on both.
type contractCase struct {
	name string
	run  func(t *testing.T, c *cluster) any
}

// update rewrites the recorded answers of the real server from a live one.
var update = flag.Bool("update", false, "record the real API server's answers in testdata")

// TestContract runs the same client-go calls against the sandbox and a real kube-apiserver,
// and requires the same answers from both. Without the real server's binaries, the sandbox's
// answers are compared with the real server's as recorded in testdata/contract by
// "go test -run TestContract -update" with ONRAMP_KUBE_ASSETS set.
func TestContract(t *testing.T) {
	sandbox, real := startSandbox(t), startReal(t)
	for _, c := range []*cluster{sandbox, real} {
		if c != nil {
			setUpTeam(t, c)
		}
	}
	for _, tt := range allContractCases() {
		t.Run(tt.name, func(t *testing.T) {
			var got, want string
			t.Run("sandbox", func(t *testing.T) { got = asJSON(t, tt.run(t, sandbox)) })
			t.Run("real", func(t *testing.T) {
				if real == nil {
					t.Skip(skipReal)
				}
				want = asJSON(t, tt.run(t, real))
			})
			compareAnswers(t, tt.name, got, want)
		})
	}
}

// compareAnswers compares the sandbox's answer with the live real server's, recording that
// one when asked, or else with the recorded one.
func compareAnswers(t *testing.T, name, got, want string) {
	t.Helper()
	golden := filepath.Join("testdata", "contract", strings.ReplaceAll(name, " ", "-")+".json")
	source := "the real server answers"
	switch {
	case want != "" && *update:
		if err := os.WriteFile(golden, []byte(want+"\n"), 0o644); err != nil {
			t.Fatalf("recording the real answer: %v", err)
		}
	case want == "":
		data, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("reading the recorded real answer: %v", err)
		}
		want = strings.TrimSuffix(string(data), "\n")
		source = "the real server answered (" + golden + ")"
	}
	if got != "" && got != want {
		t.Errorf("the sandbox answers\n%s\nbut %s\n%s", got, source, want)
	}
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("encoding an observation: %v", err)
	}

	return string(data)
}

// statusOf returns the Status of an API error, failing t when err is not one.
func statusOf(t *testing.T, err error) metav1.Status {
	t.Helper()
	var api apierrors.APIStatus
	if !errors.As(err, &api) {
		t.Fatalf("got %v, want an API status error", err)
	}
	s := api.Status()
	s.TypeMeta = metav1.TypeMeta{}

	return s
}
