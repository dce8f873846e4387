package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/onramp-dev/onramp/actions"
)

func TestCallsPanel(t *testing.T) {
	m := startRoot(t, fixedDeps(), Options{}, 100, 30)
	events := []actions.Event{
		{Kind: actions.CallStarted, Service: "EKS", Operation: "DescribeCluster"},
		{Kind: actions.CallFinished, Service: "EKS", Operation: "DescribeCluster",
			Duration: 3 * time.Millisecond},
		{Kind: actions.CallFinished, Service: "GitHub", Operation: "GET /user",
			Duration: time.Millisecond, Err: "401 Unauthorized"},
	}
	for _, e := range events {
		m.Update(callMsg{event: e})
	}
	requireLacks(t, m.View(), "✓ EKS DescribeCluster")

	press(m, "l")
	requireContains(t, m.View(), "calls", "→ EKS DescribeCluster", "✓ EKS DescribeCluster (3ms)",
		"✗ GitHub GET /user (1ms): 401 Unauthorized", "l hide calls")
	if got := len(strings.Split(m.View(), "\n")); got != 30 {
		t.Errorf("the view has %d lines with the panel, want the window's 30", got)
	}

	for range callLogLines {
		m.Update(callMsg{event: actions.Event{Kind: actions.Message, Text: "tick-tock"}})
	}
	requireLacks(t, m.View(), "DescribeCluster")

	press(m, "l")
	requireLacks(t, m.View(), "tick-tock", "hide calls")
}

// TestCallsPanelShowsLiveLookups opens the calls panel on the home screen of the sandbox and
// waits for the calls the lookups really made.
func TestCallsPanelShowsLiveLookups(t *testing.T) {
	m := New(context.Background(), sandboxDeps(t), Options{}).(*model)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	m.calls.attach(tm.Send)
	tm.Send(keyMsg("l"))

	teatest.WaitFor(t, tm.Output(), outputHas("✓ STS GetCallerIdentity", "✓ EKS ListClusters"),
		teatest.WithDuration(waitTimeout))
	tm.Send(keyMsg("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(waitTimeout))
}
