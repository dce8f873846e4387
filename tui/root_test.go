package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/onramp-dev/onramp/actions"
)

// requireMaxWidth fails if a line of view is wider than width.
func requireMaxWidth(t *testing.T, view string, width int) {
	t.Helper()

	for i, line := range strings.Split(view, "\n") {
		if w := ansi.StringWidth(line); w > width {
			t.Fatalf("line %d is %d wide, more than %d: %q", i+1, w, width, line)
		}
	}
}

// startRoot returns the root model sized width by height, its first lookups landed.
func startRoot(t *testing.T, deps Deps, opts Options, width, height int) *model {
	t.Helper()

	m := New(context.Background(), deps, opts).(*model)
	m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	feed(m, m.Init())

	return m
}

// feed runs cmd and hands its messages to m, and so on for the commands that m returns.
func feed(m *model, cmd tea.Cmd) {
	for _, msg := range collect(cmd) {
		_, next := m.Update(msg)
		feed(m, next)
	}
}

// press sends a key to m and feeds m what the key's command answers.
func press(m *model, k string) tea.Cmd {
	_, cmd := m.Update(keyMsg(k))
	if k == "q" || k == "ctrl+c" {
		return cmd
	}

	feed(m, cmd)

	return nil
}

func TestNavigation(t *testing.T) {
	m := startRoot(t, fixedDeps(), Options{}, 80, 24)
	if m.active != screen(m.home) {
		t.Fatal("does not start at home")
	}

	press(m, "esc")
	if m.active != screen(m.home) {
		t.Fatal("esc at home left home")
	}

	press(m, "a")
	if m.active != screen(m.access) || m.access.cluster != "iris-dev" {
		t.Fatalf("a did not open the access view of iris-dev")
	}

	requireContains(t, m.View(), "onramp › access", "iris-dev · authentication mode", "esc back")

	press(m, "esc")
	if m.active != screen(m.home) {
		t.Fatal("esc did not lead back home")
	}

	requireContains(t, m.View(), "Caller", "see who can reach iris-dev")
	requireLacks(t, m.View(), "esc back")
}

func TestNavigationLeavingStopsRead(t *testing.T) {
	var readCtx context.Context
	deps := fixedDeps()
	deps.Access = func(ctx context.Context, cluster string) (actions.Access, error) {
		readCtx = ctx
		return fixedAccess(cluster), nil
	}
	m := startRoot(t, deps, Options{}, 80, 24)
	press(m, "a")
	press(m, "esc")

	if readCtx == nil || readCtx.Err() == nil {
		t.Fatal("leaving the access view did not cancel its read")
	}
}

func TestStartAtAccess(t *testing.T) {
	m := startRoot(t, fixedDeps(), Options{Start: StartAccess}, 80, 24)
	if m.home != nil || m.active != screen(m.access) {
		t.Fatal("did not start at the access view alone")
	}

	press(m, "esc")
	if m.active != screen(m.access) {
		t.Fatal("esc left an access view that was not opened from home")
	}

	requireContains(t, m.View(), "iris-dev · authentication mode CONFIG_MAP")
	requireLacks(t, m.View(), "esc back")
}

func TestStartAtAccessWithCluster(t *testing.T) {
	var read string
	deps := fixedDeps()
	deps.Access = func(_ context.Context, cluster string) (actions.Access, error) {
		read = cluster
		return fixedAccess(cluster), nil
	}
	deps.Clusters = nil
	m := startRoot(t, deps, Options{Start: StartAccess, Cluster: "iris-staging"}, 80, 24)

	if read != "iris-staging" {
		t.Fatalf("read the access of %q, want iris-staging", read)
	}

	requireContains(t, m.View(), "iris-staging · authentication mode")
}

func TestWindowResize(t *testing.T) {
	sizes := []struct{ w, h int }{{80, 24}, {120, 40}, {60, 18}, {200, 60}, {100, 33}, {40, 12}}
	starts := []string{StartHome, StartAccess}

	for _, start := range starts {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s %dx%d", start, sz.w, sz.h), func(t *testing.T) {
				m := startRoot(t, fixedDeps(), Options{Start: start}, 120, 40)
				m.Update(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})

				view := m.View()
				requireMaxWidth(t, view, sz.w)
				if got := strings.Count(view, "\n") + 1; got != sz.h {
					t.Fatalf("view is %d lines, want %d:\n%s", got, sz.h, view)
				}
			})
		}
	}
}

func TestGlobalKeys(t *testing.T) {
	tests := []struct {
		name string
		key  string
		quit bool
	}{
		{name: "q quits", key: "q", quit: true},
		{name: "ctrl+c quits", key: "ctrl+c", quit: true},
		{name: "x does nothing", key: "x"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := startRoot(t, fixedDeps(), Options{}, 80, 24)
			_, cmd := m.Update(keyMsg(tt.key))

			_, quit := collectOne(cmd).(tea.QuitMsg)
			if quit != tt.quit {
				t.Fatalf("quit %v, want %v", quit, tt.quit)
			}
		})
	}
}

func TestHelpToggle(t *testing.T) {
	deps := fixedDeps()
	deps.Clusters = func(context.Context) ([]actions.Cluster, error) {
		return []actions.Cluster{irisDev, irisStaging}, nil
	}
	m := startRoot(t, deps, Options{}, 120, 40)
	requireContains(t, m.View(), "? more keys", "next cluster")
	requireLacks(t, m.View(), "previous cluster")

	press(m, "?")
	requireContains(t, m.View(), "? fewer keys", "previous cluster", "r refresh")
	if got := strings.Count(m.View(), "\n") + 1; got != 40 {
		t.Fatalf("with full help the view is %d lines, want 40", got)
	}

	press(m, "?")
	requireContains(t, m.View(), "? more keys")
}

func TestRunRejectsUnknownStart(t *testing.T) {
	err := Run(context.Background(), fixedDeps(), Options{Start: "rotate"})
	if err == nil || !strings.Contains(err.Error(), `unknown screen "rotate"`) {
		t.Fatalf("Run with an unknown screen: %v", err)
	}
}

// collectOne runs cmd, if any, and returns its message.
func collectOne(cmd tea.Cmd) tea.Msg {
	if cmd == nil {
		return nil
	}

	return cmd()
}
