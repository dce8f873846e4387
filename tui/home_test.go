package tui

import (
	"context"
	"errors"
	"reflect"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/onramp-dev/onramp/actions"
)

// startHome returns a home screen of the given size and the answers of its first lookups.
func startHome(t *testing.T, deps Deps, cluster string, width, height int) (*homeModel,
	[]tea.Msg) {
	t.Helper()

	m := newHomeModel(newTestCommon(deps, width, height), cluster)
	msgs := collect(m.Init())
	if len(msgs) != 3 {
		t.Fatalf("Init ran %d lookups, want 3: %#v", len(msgs), msgs)
	}

	return m, msgs
}

// deliver hands msgs to m in the order given by order (indexes into msgs).
func deliver(m *homeModel, msgs []tea.Msg, order []int) {
	for _, i := range order {
		m.Update(msgs[i])
	}
}

func TestHomeLookupsLandInAnyOrder(t *testing.T) {
	tests := []struct {
		name  string
		order []int
	}{
		{name: "identity, clusters, repo", order: []int{0, 1, 2}},
		{name: "repo, clusters, identity", order: []int{2, 1, 0}},
		{name: "clusters, repo, identity", order: []int{1, 2, 0}},
		{name: "repo, identity, clusters", order: []int{2, 0, 1}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, msgs := startHome(t, fixedDeps(), "", 100, 40)
			requireContains(t, m.View(), "looking up the caller", "listing EKS clusters",
				"looking up the repository")

			waiting := []string{"looking up the caller", "listing EKS clusters",
				"looking up the repository"}
			deliver(m, msgs, tt.order[:2])
			requireContains(t, m.View(), waiting[tt.order[2]])
			requireLacks(t, m.View(), waiting[tt.order[0]], waiting[tt.order[1]])

			deliver(m, msgs, tt.order[2:])
			view := m.View()
			requireContains(t, view, "111122223333", "sandbox-admin", "us-east-1", "iris-dev",
				"1.31", "https://127.0.0.1:4443", "CONFIG_MAP", "ACTIVE", "acme/iris", "main",
				"private", "admin (token of sandbox-admin)", "see who can reach iris-dev")
			requireLacks(t, view, "looking up", "listing", "needs a cluster")
		})
	}
}

func TestHomeFailedLookup(t *testing.T) {
	failure := errors.New("reading the repository acme/iris: 401 Bad credentials: " +
		"set GH_TOKEN to a token that can read the repository")

	tests := []struct {
		name   string
		deps   func(d *Deps)
		want   []string
		access bool
	}{
		{
			name: "repository fails",
			deps: func(d *Deps) {
				d.Repo = func(context.Context) (actions.Repo, error) {
					return actions.Repo{}, failure
				}
			},
			want:   []string{"⚠ reading the repository acme/iris", "GH_TOKEN", "iris-dev"},
			access: true,
		},
		{
			name: "clusters fail",
			deps: func(d *Deps) {
				d.Clusters = func(context.Context) ([]actions.Cluster, error) {
					return nil, errors.New("listing clusters: AccessDeniedException")
				}
			},
			want:   []string{"⚠ listing clusters: AccessDeniedException", "needs a cluster"},
			access: false,
		},
		{
			name: "no clusters",
			deps: func(d *Deps) {
				d.Clusters = func(context.Context) ([]actions.Cluster, error) { return nil, nil }
			},
			want:   []string{"found no EKS cluster in this region", "needs a cluster"},
			access: false,
		},
		{
			name:   "identity not available",
			deps:   func(d *Deps) { d.Identity = nil },
			want:   []string{"not available in this run", "iris-dev"},
			access: true,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deps := fixedDeps()
			tt.deps(&deps)
			m, msgs := startHome(t, deps, "", 100, 40)
			deliver(m, msgs, []int{0, 1, 2})

			requireContains(t, m.View(), tt.want...)
			if got := m.handleKey(keyMsg("a")) != nil; got != tt.access {
				t.Errorf("a opens access: %v, want %v", got, tt.access)
			}
		})
	}
}

func TestHomeErrorWrapsToWidth(t *testing.T) {
	deps := fixedDeps()
	deps.Repo = func(context.Context) (actions.Repo, error) {
		return actions.Repo{}, errors.New("reading the repository acme/iris: the token in " +
			"GH_TOKEN has expired; create a new one with gh auth login or set GITHUB_TOKEN")
	}
	m, msgs := startHome(t, deps, "", 60, 20)
	deliver(m, msgs, []int{0, 1, 2})

	view := m.View()
	requireContains(t, view, "has expired", "GITHUB_TOKEN")
	requireMaxWidth(t, view, 60)
}

func TestHomeClusterSwitching(t *testing.T) {
	three := []actions.Cluster{irisDev, irisStaging, {Name: "iris-prod", AuthMode: "API"}}

	tests := []struct {
		name     string
		clusters []actions.Cluster
		flag     string
		keys     []string
		want     string
	}{
		{name: "first by default", clusters: three, want: "iris-dev"},
		{name: "flag picks", clusters: three, flag: "iris-prod", want: "iris-prod"},
		{name: "unknown flag keeps first", clusters: three, flag: "nope", want: "iris-dev"},
		{name: "] moves on", clusters: three, keys: []string{"]"}, want: "iris-staging"},
		{name: "tab moves on", clusters: three, keys: []string{"tab", "tab"}, want: "iris-prod"},
		{name: "wraps forward", clusters: three, keys: []string{"]", "]", "]"}, want: "iris-dev"},
		{name: "[ wraps back", clusters: three, keys: []string{"["}, want: "iris-prod"},
		{name: "shift+tab back", clusters: three, flag: "iris-prod", keys: []string{"shift+tab"},
			want: "iris-staging"},
		{name: "one cluster stays", clusters: three[:1], keys: []string{"]"}, want: "iris-dev"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deps := fixedDeps()
			deps.Clusters = func(context.Context) ([]actions.Cluster, error) {
				return tt.clusters, nil
			}
			m, msgs := startHome(t, deps, tt.flag, 100, 40)
			deliver(m, msgs, []int{0, 1, 2})

			for _, k := range tt.keys {
				m.Update(keyMsg(k))
			}

			if got := m.selectedName(); got != tt.want {
				t.Fatalf("selected %q, want %q", got, tt.want)
			}

			requireContains(t, m.View(), "Name            "+tt.want)
		})
	}
}

func TestHomeClusterSwitchingShowsPosition(t *testing.T) {
	deps := fixedDeps()
	deps.Clusters = func(context.Context) ([]actions.Cluster, error) {
		return []actions.Cluster{irisDev, irisStaging}, nil
	}
	m, msgs := startHome(t, deps, "", 100, 40)
	deliver(m, msgs, []int{0, 1, 2})
	requireContains(t, m.View(), "1 of 2", "CONFIG_MAP", "aws-auth only")

	m.Update(keyMsg("]"))
	requireContains(t, m.View(), "2 of 2", "iris-staging", "API_AND_CONFIG_MAP",
		"access entries and aws-auth", "CREATING", "see who can reach iris-staging")
}

func TestHomeRefresh(t *testing.T) {
	calls := 0
	deps := fixedDeps()
	deps.Clusters = func(context.Context) ([]actions.Cluster, error) {
		calls++
		if calls == 1 {
			return []actions.Cluster{irisDev, irisStaging}, nil
		}

		return []actions.Cluster{irisStaging, irisDev}, nil
	}
	m, first := startHome(t, deps, "", 100, 40)
	deliver(m, first, []int{0, 1, 2})
	m.Update(keyMsg("]"))

	second := collect(m.Update(keyMsg("r")))
	if len(second) != 3 {
		t.Fatalf("refresh ran %d lookups, want 3", len(second))
	}

	requireContains(t, m.View(), "iris-staging", "acme/iris")
	deliver(m, first, []int{1})
	if !m.clusters.loading {
		t.Fatal("an answer from before the refresh ended the refresh")
	}

	deliver(m, second, []int{0, 1, 2})
	if got := m.selectedName(); got != "iris-staging" {
		t.Errorf("after refresh selected %q, want the cluster selected before", got)
	}
}

func TestHomeRefreshCancelsRunningLookups(t *testing.T) {
	var seen []context.Context
	deps := fixedDeps()
	deps.Identity = func(ctx context.Context) (actions.Identity, error) {
		seen = append(seen, ctx)
		return sandboxIdentity, nil
	}
	m, _ := startHome(t, deps, "", 100, 40)
	collect(m.Update(keyMsg("r")))

	if len(seen) != 2 || seen[0].Err() == nil || seen[1].Err() != nil {
		t.Fatalf("contexts after refresh: %v, want the first cancelled only", seen)
	}
}

func TestLookupCmds(t *testing.T) {
	ctx := context.Background()
	none := Deps{}

	tests := []struct {
		name string
		cmd  tea.Cmd
		want tea.Msg
	}{
		{name: "identity", cmd: identityCmd(ctx, fixedDeps(), 7),
			want: identityMsg{id: 7, identity: sandboxIdentity}},
		{name: "clusters", cmd: clustersCmd(ctx, fixedDeps(), 7),
			want: clustersMsg{id: 7, clusters: []actions.Cluster{irisDev}}},
		{name: "repo", cmd: repoCmd(ctx, fixedDeps(), 7), want: repoMsg{id: 7, repo: irisRepo}},
		{name: "identity missing", cmd: identityCmd(ctx, none, 7),
			want: identityMsg{id: 7, err: errNotAvailable}},
		{name: "clusters missing", cmd: clustersCmd(ctx, none, 7),
			want: clustersMsg{id: 7, err: errNotAvailable}},
		{name: "repo missing", cmd: repoCmd(ctx, none, 7),
			want: repoMsg{id: 7, err: errNotAvailable}},
		{name: "open access", cmd: openAccessCmd("iris-dev"),
			want: openAccessMsg{cluster: "iris-dev"}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cmd(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}
