// Package tui is onramp's terminal interface: Bubble Tea screens that show what the live
// lookups in Deps find (the AWS caller, the EKS clusters, the GitHub repository, who may reach
// a cluster) and lead to the jobs onramp does.
//
// A root model holds the screens, draws the header and the key help footer, handles the
// global keys and routes every other message to the screens. Each screen lives in its own
// file with its messages at the top and its command makers at the bottom.
package tui

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/onramp-dev/onramp/actions"
)

// Options choose how the program starts.
type Options struct {
	// Cluster is the --cluster flag; "" picks the first cluster Deps.Clusters returns.
	Cluster string
	// Start is the first screen: "home" (the default when empty) or "access".
	Start string
	// NoColor draws without colour, as NO_COLOR asks.
	NoColor bool
}

// Start screens accepted in Options.Start.
const (
	StartHome   = "home"
	StartAccess = "access"
)

// screen is one full-window view under the header.
type screen interface {
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	Title() string
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// model is the root model: it owns the screens and the header and footer around them.
type model struct {
	common
	home   *homeModel
	access *accessModel
	active screen
	help   help.Model
	calls  *callLog
}

// New returns the root model, showing the screen opts.Start names.
func New(ctx context.Context, deps Deps, opts Options) tea.Model {
	calls := &callLog{}
	ctx = actions.WithReporter(ctx, calls.report)
	c := common{ctx: ctx, deps: deps, styles: newStyles(opts.NoColor), keys: newKeyMap()}
	m := &model{common: c, help: help.New(), calls: calls}
	m.help.Styles = c.styles.Help

	if opts.Start == StartAccess {
		m.access = newAccessModel(c, opts.Cluster)
		m.active = m.access
	} else {
		m.home = newHomeModel(c, opts.Cluster)
		m.active = m.home
	}

	return m
}

// Run starts the program on the terminal's alternate screen and returns when the user quits
// or ctx ends.
func Run(ctx context.Context, deps Deps, opts Options) error {
	if opts.Start != "" && opts.Start != StartHome && opts.Start != StartAccess {
		return fmt.Errorf("starting the terminal ui: unknown screen %q", opts.Start)
	}

	// Ask the terminal for its background before Bubble Tea owns the input, so that adaptive
	// colours do not query it mid-run.
	lipgloss.HasDarkBackground()

	m := New(ctx, deps, opts).(*model)
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx))
	m.calls.attach(p.Send)
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("running the terminal ui: %w", err)
	}

	return nil
}

// Init implements tea.Model.
func (m *model) Init() tea.Cmd {
	return m.active.Init()
}

// Update implements tea.Model.
func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	logMsg(msg)

	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m, m.handleSize(msg)
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case openAccessMsg:
		return m, m.handleOpenAccess(msg)
	case callMsg:
		return m, m.handleCall(msg)
	}

	return m, m.broadcast(msg)
}

// View implements tea.Model.
func (m *model) View() string {
	if m.width == 0 {
		return ""
	}

	h := m.bodyHeight()
	body := fitBlock(m.active.View(), m.width-2, h)
	body = lipgloss.NewStyle().Height(h).PaddingLeft(1).Render(body)

	view := lipgloss.JoinVertical(lipgloss.Left, m.headerView(), body, m.footerView())

	return trimLines(view)
}

// handleSize records the window size and passes the room under the header to the screens.
func (m *model) handleSize(msg tea.WindowSizeMsg) tea.Cmd {
	m.SetSize(msg.Width, msg.Height)
	m.help.Width = msg.Width - 2
	m.resize()

	return nil
}

// handleKey runs the global keys and hands the others to the active screen.
func (m *model) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Quit):
		return tea.Quit
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.resize()

		return nil
	case key.Matches(msg, m.keys.Calls):
		m.calls.shown = !m.calls.shown
		m.resize()

		return nil
	case key.Matches(msg, m.keys.Back) && m.canGoBack():
		m.active = m.home
		m.access.stop()

		return nil
	}

	return m.active.Update(msg)
}

// handleCall keeps a call for the calls panel.
func (m *model) handleCall(msg callMsg) tea.Cmd {
	m.calls.add(msg.event)
	if m.calls.shown {
		m.resize()
	}

	return nil
}

// handleOpenAccess opens the access view for the cluster chosen on the home screen.
func (m *model) handleOpenAccess(msg openAccessMsg) tea.Cmd {
	if m.access != nil {
		m.access.stop()
	}

	m.access = newAccessModel(m.common, msg.cluster)
	m.active = m.access
	m.resize()

	return m.access.Init()
}

// broadcast hands a message that is not a key to every screen: lookup answers carry the
// batch they belong to and spinner ticks their spinner's ID, so each screen takes its own.
func (m *model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, s := range m.screens() {
		cmds = append(cmds, s.Update(msg))
	}

	return tea.Batch(cmds...)
}

// screens lists the screens that exist.
func (m *model) screens() []screen {
	var ss []screen
	if m.home != nil {
		ss = append(ss, m.home)
	}

	if m.access != nil {
		ss = append(ss, m.access)
	}

	return ss
}

// canGoBack reports whether esc leads back home: only when access was opened from there.
func (m *model) canGoBack() bool {
	return m.home != nil && m.active == screen(m.access)
}

// resize gives every screen the room left between the header and the footer.
func (m *model) resize() {
	for _, s := range m.screens() {
		s.SetSize(m.width-2, m.bodyHeight())
	}
}

// bodyHeight is the window height less the header and the footer.
func (m *model) bodyHeight() int {
	h := m.height - lipgloss.Height(m.headerView()) - lipgloss.Height(m.footerView())
	return max(h, 1)
}

// headerView draws the title line and a blank line under it.
func (m *model) headerView() string {
	title := m.styles.Title.Render("onramp")
	if t := m.active.Title(); t != "" {
		title += m.styles.Crumb.Render(" › " + t)
	}

	return " " + truncate(title, m.width-2) + "\n"
}

// footerView draws the calls panel when shown, then the key help of the active screen and the
// global keys.
func (m *model) footerView() string {
	calls := m.calls.view(m.styles, m.width-2)
	if m.help.ShowAll {
		groups := append(m.active.FullHelp(), m.globalKeys())
		return indent(calls + m.help.FullHelpView(groups))
	}

	short := append(m.active.ShortHelp(), m.globalKeys()...)

	return indent(calls + m.help.ShortHelpView(short))
}

// globalKeys are the bindings every screen shares.
func (m *model) globalKeys() []key.Binding {
	help := m.keys.Help
	if m.help.ShowAll {
		help.SetHelp("?", "fewer keys")
	}

	calls := m.keys.Calls
	if m.calls.shown {
		calls.SetHelp("l", "hide calls")
	}

	return []key.Binding{enabled(m.keys.Back, m.canGoBack()), calls, m.keys.Quit, help}
}

// trimLines drops the blanks that padding leaves at the end of each line.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}

	return strings.Join(lines, "\n")
}

// indent shifts every line of s one column right, the margin all views keep.
func indent(s string) string {
	return lipgloss.NewStyle().PaddingLeft(1).Render(s)
}

// logMsg writes the message type to the standard logger, which main.go sends to the file
// ONRAMP_DEBUG names, if any. Spinner ticks arrive ten times a second and are left out.
func logMsg(msg tea.Msg) {
	if _, ok := msg.(spinner.TickMsg); ok {
		return
	}

	log.Printf("debug: tui: %T", msg)
}
