package tui

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/onramp-dev/onramp/actions"
)

// startAccess returns an access view of cluster whose first read has landed.
func startAccess(t *testing.T, deps Deps, cluster string, width, height int) *accessModel {
	t.Helper()

	m := newAccessModel(newTestCommon(deps, width, height), cluster)
	m.SetSize(width, height)
	requireContains(t, m.View(), "…")

	for _, msg := range collect(m.Init()) {
		m.Update(msg)
	}

	return m
}

// accessDeps returns the fixed lookups with Access answering a.
func accessDeps(a actions.Access) Deps {
	deps := fixedDeps()
	deps.Access = func(context.Context, string) (actions.Access, error) { return a, nil }

	return deps
}

func TestAccessShowsMappings(t *testing.T) {
	m := startAccess(t, fixedDeps(), "iris-dev", 118, 37)

	view := m.View()
	requireContains(t, view,
		"iris-dev · authentication mode CONFIG_MAP",
		"2 mapRoles · 1 mapUsers · 0 mapAccounts · 0 access entries",
		"Source", "ARN", "Username", "Groups / Policies",
		"› mapRoles      arn:aws:iam::111122223333:role/iris-dev-node-role",
		"system:bootstrappers, system:nodes",
		"⚠ 1",
		"1 of 3",
		"username system:node:{{EC2PrivateDNSName}}",
		"no problems found",
		"this cluster uses CONFIG_MAP mode: it has no access entries")
	requireMaxWidth(t, view, 118)
}

func TestAccessSelectedProblemsInFull(t *testing.T) {
	m := startAccess(t, fixedDeps(), "iris-dev", 78, 21)
	m.Update(keyMsg("down"))

	view := m.View()
	requireContains(t, view, "2 of 3", "arn:aws:iam::111122223333:role/ci/github-actions-service",
		"⚠ the ARN keeps the IAM path /ci/, which aws-auth does not match",
		"role/github-actions-service-account-role instead")
	requireLacks(t, view, "no problems found")
	requireMaxWidth(t, view, 78)
}

func TestAccessEmptyStates(t *testing.T) {
	entry := actions.Mapping{Source: actions.SourceAccessEntry,
		ARN: "arn:aws:iam::111122223333:role/Admin", Type: "STANDARD"}

	tests := []struct {
		name     string
		mode     string
		mappings []actions.Mapping
		want     []string
		lacks    []string
	}{
		{
			name: "config map mode, nothing mapped",
			mode: "CONFIG_MAP",
			want: []string{"aws-auth has no mappings",
				"this cluster uses CONFIG_MAP mode: it has no access entries"},
		},
		{
			name:  "both modes, nothing mapped",
			mode:  "API_AND_CONFIG_MAP",
			want:  []string{"aws-auth has no mappings", "the cluster has no access entries"},
			lacks: []string{"CONFIG_MAP mode"},
		},
		{
			name:  "API mode, nothing mapped",
			mode:  "API",
			want:  []string{"the cluster has no access entries"},
			lacks: []string{"aws-auth has no mappings"},
		},
		{
			name:     "API mode ignores aws-auth",
			mode:     "API",
			mappings: []actions.Mapping{adminUser, entry},
			want: []string{"this cluster uses API mode: EKS ignores aws-auth",
				"1 access entry"},
			lacks: []string{"no access entries"},
		},
		{
			name:     "only access entries",
			mode:     "API_AND_CONFIG_MAP",
			mappings: []actions.Mapping{entry},
			want:     []string{"aws-auth has no mappings", "type STANDARD"},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := actions.Access{Cluster: "iris-dev", AuthMode: tt.mode, Mappings: tt.mappings}
			m := startAccess(t, accessDeps(a), "iris-dev", 100, 30)

			requireContains(t, m.View(), tt.want...)
			requireLacks(t, m.View(), tt.lacks...)
		})
	}
}

func TestAccessKeysMoveSelection(t *testing.T) {
	var many []actions.Mapping
	for i := range 30 {
		many = append(many, actions.Mapping{Source: actions.SourceMapUsers,
			ARN: fmt.Sprintf("arn:aws:iam::111122223333:user/u%02d", i), Username: "u"})
	}

	tests := []struct {
		name string
		keys []string
		want int
	}{
		{name: "starts on the first", want: 0},
		{name: "down", keys: []string{"down", "j"}, want: 2},
		{name: "up stops at the top", keys: []string{"down", "up", "k", "up"}, want: 0},
		{name: "end", keys: []string{"end"}, want: 29},
		{name: "down stops at the bottom", keys: []string{"G", "down"}, want: 29},
		{name: "home", keys: []string{"end", "home"}, want: 0},
		// The table shows 14 rows at 100x24, so a page is 14 rows.
		{name: "page down", keys: []string{"pgdown"}, want: 14},
		{name: "page up", keys: []string{"end", "pgup"}, want: 15},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := actions.Access{Cluster: "c", AuthMode: "CONFIG_MAP", Mappings: many}
			m := startAccess(t, accessDeps(a), "c", 100, 24)
			for _, k := range tt.keys {
				m.Update(keyMsg(k))
			}

			if m.table.cursor != tt.want {
				t.Fatalf("cursor at %d, want %d", m.table.cursor, tt.want)
			}

			selected := fmt.Sprintf("› mapUsers      %s", many[tt.want].ARN)
			requireContains(t, m.View(), selected, fmt.Sprintf("%d of 30", tt.want+1))
		})
	}
}

func TestAccessRereadKeepsSelection(t *testing.T) {
	reads := 0
	deps := fixedDeps()
	deps.Access = func(_ context.Context, cluster string) (actions.Access, error) {
		reads++
		a := fixedAccess(cluster)
		if reads > 1 {
			a.Mappings = []actions.Mapping{adminUser, nodeRole}
		}

		return a, nil
	}
	m := startAccess(t, deps, "iris-dev", 100, 30)
	m.Update(keyMsg("end"))

	msgs := collect(m.Update(keyMsg("r")))
	requireContains(t, m.View(), "CONFIG_MAP ⠋", "sandbox-admin")

	for _, msg := range msgs {
		m.Update(msg)
	}

	if sel, _ := m.table.Selected(); sel.ARN != adminUser.ARN || reads != 2 {
		t.Fatalf("after %d reads selected %q, want %q", reads, sel.ARN, adminUser.ARN)
	}
}

func TestAccessFailedRead(t *testing.T) {
	deps := fixedDeps()
	deps.Access = func(context.Context, string) (actions.Access, error) {
		return actions.Access{}, errors.New("reading aws-auth: Unauthorized: map your caller " +
			"into the cluster or use its creator's credentials")
	}
	m := startAccess(t, deps, "iris-dev", 60, 20)

	view := m.View()
	requireContains(t, view, "iris-dev", "⚠ reading aws-auth: Unauthorized", "creator's")
	requireMaxWidth(t, view, 60)
}

func TestAccessStaleReadDropped(t *testing.T) {
	m := startAccess(t, fixedDeps(), "iris-dev", 100, 30)
	stale := accessMsg{id: m.loadID, cluster: "iris-dev", access: fixedAccess("iris-dev")}
	collect(m.Update(keyMsg("r")))

	stale.access.Mappings = nil
	m.Update(stale)

	if !m.access.loading || len(m.table.rows) != 3 {
		t.Fatalf("a read replaced by r landed: loading %v, %d rows", m.access.loading,
			len(m.table.rows))
	}
}

func TestAccessCmd(t *testing.T) {
	boom := errors.New("listing clusters: ExpiredTokenException")

	tests := []struct {
		name     string
		cluster  string
		clusters []actions.Cluster
		listErr  error
		noAccess bool
		want     accessMsg
		wantErr  error
	}{
		{name: "named cluster", cluster: "iris-staging",
			want: accessMsg{id: 3, cluster: "iris-staging", access: fixedAccess("iris-staging")}},
		{name: "first cluster", clusters: []actions.Cluster{irisStaging, irisDev},
			want: accessMsg{id: 3, cluster: "iris-staging", access: fixedAccess("iris-staging")}},
		{name: "no cluster", want: accessMsg{id: 3}, wantErr: errNoClusters},
		{name: "listing fails", listErr: boom, want: accessMsg{id: 3}, wantErr: boom},
		{name: "no access lookup", cluster: "iris-dev", noAccess: true,
			want: accessMsg{id: 3, cluster: "iris-dev"}, wantErr: errNotAvailable},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deps := fixedDeps()
			deps.Clusters = func(context.Context) ([]actions.Cluster, error) {
				return tt.clusters, tt.listErr
			}
			if tt.noAccess {
				deps.Access = nil
			}

			got := accessCmd(context.Background(), deps, tt.cluster, 3)().(accessMsg)
			if !errors.Is(got.err, tt.wantErr) {
				t.Fatalf("error %v, want %v", got.err, tt.wantErr)
			}

			got.err = nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}
