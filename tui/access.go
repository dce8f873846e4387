package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/onramp-dev/onramp/actions"
)

// accessMsg carries the answer of Deps.Access for one read, with the cluster it read.
type accessMsg struct {
	id      int
	cluster string
	access  actions.Access
	err     error
}

// errNoClusters is the answer when the region has no cluster to show.
var errNoClusters = errors.New("found no EKS cluster in this region: check AWS_REGION and " +
	"AWS_PROFILE, or pass --cluster")

// Fixed lines of the access view around the table and the details: the two summary lines,
// the blank line under them, the table header and the blank line under the table.
const accessChromeLines = 5

// accessModel is the access view: every mapping that lets an AWS identity into one cluster,
// from aws-auth and from EKS access entries, with the problems found in each.
type accessModel struct {
	common
	cluster string
	loadID  int
	cancel  context.CancelFunc
	access  lookup[actions.Access]
	table   mappingTable
}

// newAccessModel returns the access view of cluster; with "" it shows the first cluster
// Deps.Clusters returns.
func newAccessModel(c common, cluster string) *accessModel {
	return &accessModel{
		common:  c,
		cluster: cluster,
		access:  newLookup[actions.Access](c.styles),
		table:   newMappingTable(c.styles, c.keys),
	}
}

// Init starts reading the cluster's mappings.
func (m *accessModel) Init() tea.Cmd {
	return m.load()
}

// Title is the header's breadcrumb.
func (m *accessModel) Title() string {
	return "access"
}

// Update takes the read's answer, spinner ticks and the access view's keys.
func (m *accessModel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case accessMsg:
		m.handleAccess(msg)
	case spinner.TickMsg:
		return m.access.tick(msg)
	case tea.KeyMsg:
		return m.handleKey(msg)
	}

	return nil
}

// SetSize records the room and lays the table out in it.
func (m *accessModel) SetSize(width, height int) {
	m.common.SetSize(width, height)
	m.layout()
}

// ShortHelp lists the keys shown in the footer.
func (m *accessModel) ShortHelp() []key.Binding {
	return []key.Binding{enabled(m.keys.Move, len(m.table.rows) > 1), m.keys.Refresh}
}

// FullHelp lists the keys shown when help is expanded.
func (m *accessModel) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {k.Top, k.Bottom, k.Refresh}}
}

// load cancels a read still running and reads the mappings again.
func (m *accessModel) load() tea.Cmd {
	m.stop()

	ctx, cancel := context.WithCancel(m.ctx)
	m.cancel = cancel
	m.loadID = nextLoadID()

	return tea.Batch(m.access.start(), accessCmd(ctx, m.deps, m.cluster, m.loadID))
}

// stop cancels a read still running.
func (m *accessModel) stop() {
	if m.cancel != nil {
		m.cancel()
	}
}

// handleAccess records the mappings read, unless a re-read has replaced this one.
func (m *accessModel) handleAccess(msg accessMsg) {
	if msg.id != m.loadID {
		return
	}

	if msg.cluster != "" {
		m.cluster = msg.cluster
	}

	m.access.finish(msg.access, msg.err)
	m.table.SetRows(msg.access.Mappings)
	m.layout()
}

// handleKey re-reads on r and moves the selection with the movement keys.
func (m *accessModel) handleKey(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, m.keys.Refresh) {
		return m.load()
	}

	m.table.Update(msg)

	return nil
}

// layout gives the table the lines that the summary, the details and the notes leave.
func (m *accessModel) layout() {
	rest := m.height - accessChromeLines - m.notesHeight()
	m.table.SetSize(m.width, rest-m.detailsHeight(rest))
}

// detailsHeight is the room kept under the table for the selected mapping: enough for the
// longest details of any row, so the table does not jump, but never below three table rows.
func (m *accessModel) detailsHeight(room int) int {
	h := 0
	for _, r := range m.table.rows {
		h = max(h, lipgloss.Height(m.detailsText(r)))
	}

	return max(min(h, room-3), 1)
}

// notesHeight is the height of the notes under the details, with the blank line above them.
func (m *accessModel) notesHeight() int {
	if !m.access.ok() || len(m.table.rows) == 0 {
		return 0
	}

	notes := m.notes(m.access.value)
	if len(notes) == 0 {
		return 0
	}

	return 1 + lipgloss.Height(strings.Join(notes, "\n"))
}

// View draws the summary, the table, the selected mapping's details and the notes; a spinner
// while the first read runs; or the error where it failed.
func (m *accessModel) View() string {
	switch {
	case m.access.ok():
		return m.readyView(m.access.value)
	case m.access.done && m.cluster == "":
		return m.renderError(m.access.err, m.width)
	case m.access.done:
		return m.clusterLine() + "\n\n" + m.renderError(m.access.err, m.width)
	}

	return m.access.spinner.View() + " " + m.styles.Dim.Render(m.waitingText())
}

// waitingText says what the first read is doing.
func (m *accessModel) waitingText() string {
	if m.cluster == "" {
		return "finding the cluster…"
	}

	return "reading aws-auth and the access entries of " + m.cluster + "…"
}

// readyView draws what the read found.
func (m *accessModel) readyView(a actions.Access) string {
	head := m.clusterLine() + "\n" + m.countsLine(a.Mappings)
	if len(a.Mappings) == 0 {
		return head + "\n\n" + wrap(strings.Join(m.notes(a), "\n"), m.width)
	}

	view := head + "\n\n" + m.table.View() + "\n\n" + m.detailsView()
	if notes := m.notes(a); len(notes) > 0 {
		view += "\n\n" + m.styles.Dim.Render(wrap(strings.Join(notes, "\n"), m.width))
	}

	return view
}

// clusterLine names the cluster and its authentication mode, with a spinner while re-reading.
func (m *accessModel) clusterLine() string {
	line := m.styles.Heading.Render(m.cluster)
	if m.access.ok() {
		mode := m.access.value.AuthMode
		line += m.styles.Label.Render(" · authentication mode ") + mode
	}

	if m.access.loading {
		line += " " + m.access.spinner.View()
	}

	return truncate(line, m.width)
}

// countsLine counts the mappings of each source.
func (m *accessModel) countsLine(mappings []actions.Mapping) string {
	sources := []string{
		actions.SourceMapRoles, actions.SourceMapUsers, actions.SourceMapAccounts,
		actions.SourceAccessEntry,
	}
	parts := make([]string, len(sources))
	for i, s := range sources {
		n := countSource(mappings, s)
		name := s
		if s == actions.SourceAccessEntry && n != 1 {
			name = "access entries"
		}

		parts[i] = fmt.Sprintf("%d %s", n, name)
	}

	return wrap(strings.Join(parts, m.styles.Dim.Render(" · ")), m.width)
}

// countSource counts the mappings from one source.
func countSource(mappings []actions.Mapping, source string) int {
	n := 0
	for _, mp := range mappings {
		if mp.Source == source {
			n++
		}
	}

	return n
}

// notes explain what the mode and the counts imply: an empty aws-auth, a mode without
// access entries, an aws-auth that EKS ignores.
func (m *accessModel) notes(a actions.Access) []string {
	entries := countSource(a.Mappings, actions.SourceAccessEntry)
	fromAWSAuth := len(a.Mappings) - entries

	var notes []string
	if a.AuthMode != "API" && fromAWSAuth == 0 {
		notes = append(notes, "aws-auth has no mappings")
	}

	switch {
	case a.AuthMode == "CONFIG_MAP":
		notes = append(notes, "this cluster uses CONFIG_MAP mode: it has no access entries")
	case entries == 0:
		notes = append(notes, "the cluster has no access entries")
	}

	if a.AuthMode == "API" && fromAWSAuth > 0 {
		notes = append(notes, "this cluster uses API mode: EKS ignores aws-auth")
	}

	return notes
}

// detailsView draws the selected mapping in full, in the room layout kept for it.
func (m *accessModel) detailsView() string {
	sel, ok := m.table.Selected()
	if !ok {
		return ""
	}

	room := m.height - accessChromeLines - m.notesHeight() - m.table.height
	text := fitBlock(m.detailsText(sel), m.width, max(room, 1))

	return lipgloss.NewStyle().Height(max(room, 1)).Render(text)
}

// detailsText draws one mapping in full: its ARN and position, what it grants, its problems.
func (m *accessModel) detailsText(mp actions.Mapping) string {
	pos := m.table.Position()
	arn := wrap(mp.ARN, m.width-len(pos)-2)
	gap := m.width - lipgloss.Width(strings.SplitN(arn, "\n", 2)[0]) - len(pos)
	lines := []string{m.styles.Heading.Render(arn) + strings.Repeat(" ", max(gap, 2)) +
		m.styles.Dim.Render(pos)}

	lines = append(lines, m.grantLines(mp)...)
	for _, p := range mp.Problems {
		lines = append(lines, m.styles.Warning.Render(wrap("⚠ "+p, m.width)))
	}

	if len(mp.Problems) == 0 {
		lines = append(lines, m.styles.Dim.Render("no problems found"))
	}

	return strings.Join(lines, "\n")
}

// grantLines describe what a mapping grants: its username, groups, policies and entry type.
func (m *accessModel) grantLines(mp actions.Mapping) []string {
	var parts []string
	add := func(label, value string) {
		if value != "" {
			parts = append(parts, m.styles.Label.Render(label)+" "+value)
		}
	}

	add("username", mp.Username)
	add("groups", strings.Join(mp.Groups, ", "))
	add("policies", strings.Join(mp.Policies, ", "))
	add("type", mp.Type)

	if len(parts) == 0 {
		return nil
	}

	return []string{wrap(strings.Join(parts, m.styles.Dim.Render(" · ")), m.width)}
}

// accessCmd reads the mappings of cluster, first finding the cluster when it is "".
func accessCmd(ctx context.Context, deps Deps, cluster string, id int) tea.Cmd {
	return func() tea.Msg {
		if cluster == "" {
			name, err := firstCluster(ctx, deps)
			if err != nil {
				return accessMsg{id: id, err: err}
			}

			cluster = name
		}

		if deps.Access == nil {
			return accessMsg{id: id, cluster: cluster, err: errNotAvailable}
		}

		access, err := deps.Access(ctx, cluster)

		return accessMsg{id: id, cluster: cluster, access: access, err: err}
	}
}

// firstCluster returns the name of the first cluster Deps.Clusters finds.
func firstCluster(ctx context.Context, deps Deps) (string, error) {
	if deps.Clusters == nil {
		return "", errNotAvailable
	}

	clusters, err := deps.Clusters(ctx)
	if err != nil {
		return "", fmt.Errorf("finding the cluster: %w", err)
	}

	if len(clusters) == 0 {
		return "", errNoClusters
	}

	return clusters[0].Name, nil
}
