package tui

import (
	"context"
	"io"
	"log"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/onramp-dev/onramp/actions"
)

// The screens render without colour in every test, so views and golden files hold plain text;
// the debug log goes nowhere, as it does when ONRAMP_DEBUG is unset.
func init() {
	lipgloss.SetColorProfile(termenv.Ascii)
	log.SetOutput(io.Discard)
}

// The fixed world below is shaped like the sandbox's default one, for the Update tests that
// need answers at once; the golden tests read the live sandbox instead.
var (
	sandboxIdentity = actions.Identity{
		Account: "111122223333",
		ARN:     "arn:aws:iam::111122223333:user/sandbox-admin",
		UserID:  "AIDAEXAMPLESANDBOXADMIN",
		Region:  "us-east-1",
	}
	irisDev = actions.Cluster{
		Name:     "iris-dev",
		ARN:      "arn:aws:eks:us-east-1:111122223333:cluster/iris-dev",
		Version:  "1.31",
		Endpoint: "https://127.0.0.1:4443",
		Status:   "ACTIVE",
		AuthMode: "CONFIG_MAP",
	}
	irisStaging = actions.Cluster{
		Name:     "iris-staging",
		ARN:      "arn:aws:eks:us-east-1:111122223333:cluster/iris-staging",
		Version:  "1.30",
		Endpoint: "https://127.0.0.1:4444",
		Status:   "CREATING",
		AuthMode: "API_AND_CONFIG_MAP",
	}
	irisRepo = actions.Repo{
		Owner:         "acme",
		Name:          "iris",
		DefaultBranch: "main",
		Private:       true,
		Permission:    "admin",
		Login:         "sandbox-admin",
	}
)

// nodeRole, deployRole and adminUser are the aws-auth mappings of the fixed world; the deploy
// role keeps its IAM path, which aws-auth does not match.
var (
	nodeRole = actions.Mapping{
		Source:   actions.SourceMapRoles,
		ARN:      "arn:aws:iam::111122223333:role/iris-dev-node-role",
		Username: "system:node:{{EC2PrivateDNSName}}",
		Groups:   []string{"system:bootstrappers", "system:nodes"},
	}
	deployRole = actions.Mapping{
		Source:   actions.SourceMapRoles,
		ARN:      "arn:aws:iam::111122223333:role/ci/github-actions-service-account-role",
		Username: "github-actions",
		Groups:   []string{"onramp:deployers"},
		Problems: []string{"the ARN keeps the IAM path /ci/, which aws-auth does not match: " +
			"map arn:aws:iam::111122223333:role/github-actions-service-account-role instead"},
	}
	adminUser = actions.Mapping{
		Source:   actions.SourceMapUsers,
		ARN:      "arn:aws:iam::111122223333:user/sandbox-admin",
		Username: "sandbox-admin",
		Groups:   []string{"system:masters"},
	}
)

// fixedDeps returns lookups that answer at once with the fixed world.
func fixedDeps() Deps {
	return Deps{
		Identity: func(context.Context) (actions.Identity, error) { return sandboxIdentity, nil },
		Clusters: func(context.Context) ([]actions.Cluster, error) {
			return []actions.Cluster{irisDev}, nil
		},
		Repo: func(context.Context) (actions.Repo, error) { return irisRepo, nil },
		Access: func(_ context.Context, cluster string) (actions.Access, error) {
			return fixedAccess(cluster), nil
		},
	}
}

// fixedAccess is what the fixed world maps into a cluster.
func fixedAccess(cluster string) actions.Access {
	return actions.Access{
		Cluster:         cluster,
		AuthMode:        "CONFIG_MAP",
		Mappings:        []actions.Mapping{nodeRole, deployRole, adminUser},
		ResourceVersion: "1",
	}
}

// collect runs cmd and every command batched in it and returns their messages, leaving out
// spinner ticks. Only commands that answer at once may be run this way.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}

	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var msgs []tea.Msg
		for _, c := range msg {
			msgs = append(msgs, collect(c)...)
		}

		return msgs
	case spinner.TickMsg:
		return nil
	default:
		return []tea.Msg{msg}
	}
}

// keyMsg returns the message a key press sends: a name like "esc" or "down", or runes.
func keyMsg(k string) tea.KeyMsg {
	named := map[string]tea.KeyType{
		"esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, "up": tea.KeyUp,
		"down": tea.KeyDown, "home": tea.KeyHome, "end": tea.KeyEnd, "pgdown": tea.KeyPgDown,
		"pgup": tea.KeyPgUp, "ctrl+c": tea.KeyCtrlC,
	}
	if t, ok := named[k]; ok {
		return tea.KeyMsg{Type: t}
	}

	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// newTestCommon returns the shared parts of a screen, with deps and a size.
func newTestCommon(deps Deps, width, height int) common {
	c := common{ctx: context.Background(), deps: deps, styles: newStyles(false), keys: newKeyMap()}
	c.SetSize(width, height)

	return c
}

// requireContains fails unless s holds every one of want.
func requireContains(t *testing.T, s string, want ...string) {
	t.Helper()

	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Fatalf("view lacks %q:\n%s", w, s)
		}
	}
}

// requireLacks fails if s holds any of unwanted.
func requireLacks(t *testing.T, s string, unwanted ...string) {
	t.Helper()

	for _, u := range unwanted {
		if strings.Contains(s, u) {
			t.Fatalf("view has %q:\n%s", u, s)
		}
	}
}
