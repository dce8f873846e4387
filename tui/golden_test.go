package tui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// waitTimeout bounds every wait on a running program; the lookups answer at once, so only a
// broken screen comes near it.
const waitTimeout = 5 * time.Second

// outputHas returns a WaitFor condition: the output so far holds every one of want.
func outputHas(want ...string) func([]byte) bool {
	return func(out []byte) bool {
		for _, w := range want {
			if !bytes.Contains(out, []byte(w)) {
				return false
			}
		}

		return true
	}
}

// finalView quits the program and returns the view of its final model.
func finalView(t *testing.T, tm *teatest.TestModel) []byte {
	t.Helper()

	tm.Send(keyMsg("q"))

	return []byte(tm.FinalModel(t, teatest.WithFinalTimeout(waitTimeout)).View())
}

// TestScreensGolden draws the home screen and the access view of the sandbox's default world,
// looked up through the real clients, at two terminal sizes.
func TestScreensGolden(t *testing.T) {
	home := []string{"111122223333", "iris-dev", "token of sandbox-dev", "1 of 2"}
	access := []string{"2 access entries", "no problems found"}

	tests := []struct {
		name          string
		opts          Options
		want          []string
		width, height int
	}{
		{name: "home 80x24", opts: Options{}, want: home, width: 80, height: 24},
		{name: "home 120x40", opts: Options{}, want: home, width: 120, height: 40},
		{name: "access 80x24", opts: Options{Start: StartAccess, Cluster: "iris-prod"},
			want: access, width: 80, height: 24},
		{name: "access 120x40", opts: Options{Start: StartAccess, Cluster: "iris-prod"},
			want: access, width: 120, height: 40},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(context.Background(), sandboxDeps(t), tt.opts)
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(tt.width, tt.height))
			teatest.WaitFor(t, tm.Output(), outputHas(tt.want...),
				teatest.WithDuration(waitTimeout))

			teatest.RequireEqualOutput(t, maskPorts(finalView(t, tm)))
		})
	}
}

func TestFlowHomeAccessBack(t *testing.T) {
	m := New(context.Background(), fixedDeps(), Options{NoColor: true})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), outputHas("see who can reach iris-dev"),
		teatest.WithDuration(waitTimeout))

	tm.Send(keyMsg("a"))
	teatest.WaitFor(t, tm.Output(), outputHas("2 mapRoles", "esc back"),
		teatest.WithDuration(waitTimeout))

	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	teatest.WaitFor(t, tm.Output(), outputHas("2 of 3"), teatest.WithDuration(waitTimeout))

	tm.Send(keyMsg("esc"))
	view := string(finalView(t, tm))
	requireContains(t, view, "AWS identity", "see who can reach iris-dev")
	requireLacks(t, view, "2 of 3", "esc back")
}
