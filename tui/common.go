package tui

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// errNotAvailable stands for a lookup whose Deps function is nil.
var errNotAvailable = errors.New("not available in this run")

// common is what every screen shares: the context that cancels lookups, the lookups
// themselves, styles, keys, and the screen's own size.
type common struct {
	ctx    context.Context
	deps   Deps
	styles *styles
	keys   *keyMap
	width  int
	height int
}

// SetSize records the space the screen may draw in.
func (c *common) SetSize(width, height int) {
	c.width, c.height = width, height
}

// lastLoadID numbers batches of lookups so that a screen can drop the answers of a batch it
// has since replaced (a refresh, a re-read).
var lastLoadID atomic.Int64

// nextLoadID returns a fresh batch number.
func nextLoadID() int {
	return int(lastLoadID.Add(1))
}

// lookup is the state of one live lookup: running (with its spinner), or done with a value or
// an error. A refresh keeps the previous value on screen until the new one lands.
type lookup[T any] struct {
	loading bool
	done    bool
	value   T
	err     error
	spinner spinner.Model
}

// newLookup returns a lookup that has not started.
func newLookup[T any](st *styles) lookup[T] {
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Spinner))
	return lookup[T]{spinner: sp}
}

// start marks the lookup running and returns the command that starts its spinner.
func (l *lookup[T]) start() tea.Cmd {
	l.loading = true
	return l.spinner.Tick
}

// finish records the lookup's answer.
func (l *lookup[T]) finish(value T, err error) {
	l.loading, l.done = false, true
	l.value, l.err = value, err
}

// reloading reports whether a refresh runs while the previous answer is still shown.
func (l *lookup[T]) reloading() bool {
	return l.loading && l.done
}

// ok reports whether the lookup has a value to show.
func (l *lookup[T]) ok() bool {
	return l.done && l.err == nil
}

// tick advances the spinner while the lookup runs; once it is done the ticks stop.
func (l *lookup[T]) tick(msg spinner.TickMsg) tea.Cmd {
	if !l.loading {
		return nil
	}

	var cmd tea.Cmd
	l.spinner, cmd = l.spinner.Update(msg)

	return cmd
}

// lookupView draws a lookup's body: a spinner line on first load, the error where it failed,
// or the value drawn by show.
func lookupView[T any](c *common, l *lookup[T], waiting string, width int,
	show func(T) string) string {
	switch {
	case l.ok():
		return show(l.value)
	case l.done:
		return c.renderError(l.err, width)
	case l.loading:
		return l.spinner.View() + " " + c.styles.Dim.Render(waiting)
	}

	return ""
}

// field is one label and value line of a panel.
type field struct {
	label string
	value string
}

// labelWidth is the width of the label column, the same in every panel so values align.
const labelWidth = 16

// renderFields draws aligned label and value lines, truncating values to width.
func (c *common) renderFields(fields []field, width int) string {
	lines := make([]string, 0, len(fields))
	for _, f := range fields {
		label := c.styles.Label.Render(padRight(f.label, labelWidth))
		lines = append(lines, label+truncate(f.value, width-labelWidth))
	}

	return strings.Join(lines, "\n")
}

// renderError draws an error as warning text wrapped to width.
func (c *common) renderError(err error, width int) string {
	if errors.Is(err, errNotAvailable) {
		return c.styles.Dim.Render(wrap(err.Error(), width))
	}

	return c.styles.Warning.Render(wrap("⚠ "+err.Error(), width))
}

// truncate shortens s to width cells, ending it with … when cut.
func truncate(s string, width int) string {
	return ansi.Truncate(s, max(width, 0), "…")
}

// truncateLeft shortens s to width cells by cutting its start, where ARNs repeat themselves.
func truncateLeft(s string, width int) string {
	over := ansi.StringWidth(s) - max(width, 1)
	if over <= 0 {
		return s
	}

	return ansi.TruncateLeft(s, over+1, "…")
}

// padRight truncates or pads s with spaces to exactly width cells.
func padRight(s string, width int) string {
	s = truncate(s, width)
	return s + strings.Repeat(" ", max(width-ansi.StringWidth(s), 0))
}

// wrap breaks s into lines of at most width cells, at spaces where it can.
func wrap(s string, width int) string {
	return ansi.Wrap(s, max(width, 10), "")
}

// fitBlock cuts a block of text to width columns and height lines, so that nothing a screen
// draws ever wraps in the terminal.
func fitBlock(s string, width, height int) string {
	return lipgloss.NewStyle().MaxWidth(width).MaxHeight(height).Render(s)
}
