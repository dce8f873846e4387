package tui

import (
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/onramp-dev/onramp/actions"
)

// callMsg carries one event of the lookups: a call to AWS, Kubernetes or GitHub starting or
// finishing.
type callMsg struct{ event actions.Event }

// callLogLines is how many events the calls panel shows; callLogKeep how many it keeps.
const (
	callLogLines = 6
	callLogKeep  = 200
)

// callLog is the live log of the calls the screens' lookups make, shown in a panel above the
// footer when the user asks for it. The lookups report from their own goroutines; once the
// program runs, report hands each event to it as a callMsg.
type callLog struct {
	mu      sync.Mutex
	send    func(tea.Msg)
	pending []actions.Event // reported before attach

	lines []actions.Event
	shown bool
}

// attach makes report deliver events with send, a program's Send, and hands it the events
// reported so far. Send blocks until the program runs, so those go from a goroutine.
func (l *callLog) attach(send func(tea.Msg)) {
	l.mu.Lock()
	defer l.mu.Unlock()

	l.send = send
	pending := l.pending
	l.pending = nil
	go func() {
		for _, e := range pending {
			send(callMsg{event: e})
		}
	}()
}

// report is the lookups' actions.Reporter; before attach it keeps the events for later.
func (l *callLog) report(e actions.Event) {
	l.mu.Lock()
	send := l.send
	if send == nil && len(l.pending) < callLogKeep {
		l.pending = append(l.pending, e)
	}
	l.mu.Unlock()

	if send != nil {
		send(callMsg{event: e})
	}
}

// add keeps an event, dropping the oldest past callLogKeep.
func (l *callLog) add(e actions.Event) {
	l.lines = append(l.lines, e)
	if len(l.lines) > callLogKeep {
		l.lines = l.lines[len(l.lines)-callLogKeep:]
	}
}

// view draws the latest events, or nothing while the panel is hidden.
func (l *callLog) view(st *styles, width int) string {
	if !l.shown {
		return ""
	}

	last := l.lines[max(len(l.lines)-callLogLines, 0):]
	rows := []string{st.Heading.Render("calls")}
	if len(last) == 0 {
		rows = append(rows, st.Dim.Render("no call made yet"))
	}
	for _, e := range last {
		row := truncate(e.String(), width)
		switch {
		case e.Err != "" || e.Kind == actions.Warning:
			row = st.Warning.Render(row)
		case e.Kind == actions.CallStarted:
			row = st.Dim.Render(row)
		}
		rows = append(rows, row)
	}

	return strings.Join(rows, "\n") + "\n\n"
}
