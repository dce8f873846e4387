package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/onramp-dev/onramp/actions"
)

// identityMsg carries the answer of Deps.Identity for one batch of lookups.
type identityMsg struct {
	id       int
	identity actions.Identity
	err      error
}

// clustersMsg carries the answer of Deps.Clusters for one batch of lookups.
type clustersMsg struct {
	id       int
	clusters []actions.Cluster
	err      error
}

// repoMsg carries the answer of Deps.Repo for one batch of lookups.
type repoMsg struct {
	id   int
	repo actions.Repo
	err  error
}

// openAccessMsg asks the root to open the access view of a cluster.
type openAccessMsg struct {
	cluster string
}

// Sizes from which the home screen draws its panels in borders (a body height), and puts two
// of them side by side (a width).
const (
	boxedMinHeight     = 32
	sideBySideMinWidth = 110
)

// homeModel is the home screen: who the caller is, which cluster and repository onramp works
// on, and what can be done from here.
type homeModel struct {
	common
	wantCluster string
	loadID      int
	cancel      context.CancelFunc
	identity    lookup[actions.Identity]
	clusters    lookup[[]actions.Cluster]
	repo        lookup[actions.Repo]
	selected    int
}

// newHomeModel returns the home screen; cluster is the --cluster flag, possibly empty.
func newHomeModel(c common, cluster string) *homeModel {
	return &homeModel{
		common:      c,
		wantCluster: cluster,
		identity:    newLookup[actions.Identity](c.styles),
		clusters:    newLookup[[]actions.Cluster](c.styles),
		repo:        newLookup[actions.Repo](c.styles),
	}
}

// Init starts the three lookups at once.
func (m *homeModel) Init() tea.Cmd {
	return m.load()
}

// Title is the header's breadcrumb; home has none.
func (m *homeModel) Title() string {
	return ""
}

// Update takes lookup answers, spinner ticks and the home screen's keys.
func (m *homeModel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case identityMsg:
		m.handleIdentity(msg)
	case clustersMsg:
		m.handleClusters(msg)
	case repoMsg:
		m.handleRepo(msg)
	case spinner.TickMsg:
		return m.handleTick(msg)
	case tea.KeyMsg:
		return m.handleKey(msg)
	}

	return nil
}

// ShortHelp lists the keys shown in the footer.
func (m *homeModel) ShortHelp() []key.Binding {
	k := m.keys
	switching := len(m.clusterList()) > 1

	return []key.Binding{
		enabled(k.Access, m.selectedName() != ""),
		enabled(k.NextCluster, switching),
		k.Refresh,
	}
}

// FullHelp lists the keys shown when help is expanded.
func (m *homeModel) FullHelp() [][]key.Binding {
	switching := len(m.clusterList()) > 1
	k := m.keys

	return [][]key.Binding{
		{enabled(k.Access, m.selectedName() != ""), k.Refresh},
		{enabled(k.NextCluster, switching), enabled(k.PrevCluster, switching)},
	}
}

// load cancels any lookups still running and starts all three again.
func (m *homeModel) load() tea.Cmd {
	m.stop()

	ctx, cancel := context.WithCancel(m.ctx)
	m.cancel = cancel
	m.loadID = nextLoadID()

	return tea.Batch(
		m.identity.start(), identityCmd(ctx, m.deps, m.loadID),
		m.clusters.start(), clustersCmd(ctx, m.deps, m.loadID),
		m.repo.start(), repoCmd(ctx, m.deps, m.loadID),
	)
}

// stop cancels the lookups still running.
func (m *homeModel) stop() {
	if m.cancel != nil {
		m.cancel()
	}
}

// handleIdentity records the caller, unless a refresh has replaced its batch.
func (m *homeModel) handleIdentity(msg identityMsg) {
	if msg.id == m.loadID {
		m.identity.finish(msg.identity, msg.err)
	}
}

// handleRepo records the repository, unless a refresh has replaced its batch.
func (m *homeModel) handleRepo(msg repoMsg) {
	if msg.id == m.loadID {
		m.repo.finish(msg.repo, msg.err)
	}
}

// handleClusters records the clusters and selects one: the one selected before a refresh,
// else the one --cluster names, else the first.
func (m *homeModel) handleClusters(msg clustersMsg) {
	if msg.id != m.loadID {
		return
	}

	prev := m.selectedName()
	m.clusters.finish(msg.clusters, msg.err)
	m.selected = 0

	for _, name := range []string{m.wantCluster, prev} {
		if i := clusterIndex(msg.clusters, name); i >= 0 {
			m.selected = i
		}
	}
}

// handleTick advances the spinners of the lookups still running.
func (m *homeModel) handleTick(msg spinner.TickMsg) tea.Cmd {
	return tea.Batch(m.identity.tick(msg), m.clusters.tick(msg), m.repo.tick(msg))
}

// handleKey runs the home screen's keys.
func (m *homeModel) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Refresh):
		return m.load()
	case key.Matches(msg, m.keys.Access):
		if name := m.selectedName(); name != "" {
			return openAccessCmd(name)
		}
	case key.Matches(msg, m.keys.NextCluster):
		m.moveSelection(1)
	case key.Matches(msg, m.keys.PrevCluster):
		m.moveSelection(-1)
	}

	return nil
}

// moveSelection selects the next (+1) or previous (-1) cluster, wrapping around.
func (m *homeModel) moveSelection(step int) {
	n := len(m.clusterList())
	if n > 1 {
		m.selected = (m.selected + step + n) % n
	}
}

// clusterList returns the clusters found, if any.
func (m *homeModel) clusterList() []actions.Cluster {
	if !m.clusters.ok() {
		return nil
	}

	return m.clusters.value
}

// selectedName returns the selected cluster's name, or "" while there is none.
func (m *homeModel) selectedName() string {
	list := m.clusterList()
	if m.selected >= len(list) {
		return ""
	}

	return list[m.selected].Name
}

// clusterIndex returns the index of the cluster called name, or -1.
func clusterIndex(clusters []actions.Cluster, name string) int {
	if name == "" {
		return -1
	}

	return slices.IndexFunc(clusters, func(c actions.Cluster) bool { return c.Name == name })
}

// View draws the three panels and the menu under them.
func (m *homeModel) View() string {
	view := m.panelsView() + "\n\n" + m.menuView()
	note := m.styles.Dim.Render("setup, rotate and doctor arrive in later versions")
	if lipgloss.Height(view)+2 <= m.height {
		view += "\n\n" + note
	}

	return view
}

// panelsView lays the panels out: stacked, or in a wide window the identity and the repository
// side by side above the cluster.
func (m *homeModel) panelsView() string {
	w := m.width
	if !m.boxed() || w < sideBySideMinWidth {
		sep := "\n\n"
		if m.boxed() {
			sep = "\n"
		}

		parts := []string{
			m.drawPanel(m.identityPanel(w), w, 0),
			m.drawPanel(m.clusterPanel(w), w, 0),
			m.drawPanel(m.repoPanel(w), w, 0),
		}

		return strings.Join(parts, sep)
	}

	left := w * 11 / 20
	if m.identity.ok() {
		natural := labelWidth + lipgloss.Width(m.identity.value.ARN) + 4
		left = min(max(natural, w*2/5), w*3/5)
	}

	identity, repo := m.identityPanel(left), m.repoPanel(w-left)
	h := max(lipgloss.Height(identity.body), lipgloss.Height(repo.body)) + 1
	top := lipgloss.JoinHorizontal(lipgloss.Top,
		m.drawPanel(identity, left, h), m.drawPanel(repo, w-left, h))

	return top + "\n" + m.drawPanel(m.clusterPanel(w), w, 0)
}

// boxed reports whether there is room to draw the panels in borders.
func (m *homeModel) boxed() bool {
	return m.height >= boxedMinHeight
}

// panel is one section of the home screen: a heading, a note on its right, and a body.
type panel struct {
	title     string
	note      string
	reloading bool
	spinner   spinner.Model
	body      string
}

// identityPanel is the AWS identity panel, for an outer width w.
func (m *homeModel) identityPanel(w int) panel {
	iw := m.innerWidth(w)
	body := lookupView(&m.common, &m.identity, "looking up the caller…", iw,
		func(id actions.Identity) string {
			return m.renderFields([]field{
				{"Account", id.Account},
				{"Caller", id.ARN},
				{"Region", id.Region},
			}, iw)
		})

	return panel{"AWS identity", "", m.identity.reloading(), m.identity.spinner, body}
}

// clusterPanel is the cluster panel, showing the selected cluster.
func (m *homeModel) clusterPanel(w int) panel {
	iw := m.innerWidth(w)
	body := lookupView(&m.common, &m.clusters, "listing EKS clusters…", iw,
		func(list []actions.Cluster) string { return m.clusterFields(list, iw) })

	var where string
	if n := len(m.clusterList()); n > 1 {
		where = fmt.Sprintf("%d of %d  [ ] to switch", m.selected+1, n)
	}

	return panel{"Cluster", where, m.clusters.reloading(), m.clusters.spinner, body}
}

// clusterFields draws the selected cluster, or says there is none.
func (m *homeModel) clusterFields(list []actions.Cluster, width int) string {
	if len(list) == 0 {
		return m.renderError(errNoClusters, width)
	}

	c := list[m.selected]
	fields := m.renderFields([]field{
		{"Name", c.Name},
		{"Kubernetes", c.Version},
		{"Endpoint", c.Endpoint},
		{"Auth mode", c.AuthMode + m.styles.Dim.Render("  "+authModeHint(c.AuthMode))},
		{"Status", m.statusView(c.Status)},
	}, width)

	if m.wantCluster != "" && clusterIndex(list, m.wantCluster) < 0 {
		msg := fmt.Sprintf("⚠ cluster %q (--cluster) was not found; showing %s", m.wantCluster,
			c.Name)
		fields += "\n" + m.styles.Warning.Render(wrap(msg, width))
	}

	return fields
}

// statusView colours a cluster status: ACTIVE is good, anything else needs a look.
func (m *homeModel) statusView(status string) string {
	if status == "ACTIVE" {
		return m.styles.Good.Render(status)
	}

	return m.styles.Warning.Render(status)
}

// authModeHint says in words which mappings an authentication mode reads.
func authModeHint(mode string) string {
	switch mode {
	case "CONFIG_MAP":
		return "aws-auth only"
	case "API":
		return "access entries only"
	case "API_AND_CONFIG_MAP":
		return "access entries and aws-auth"
	}

	return ""
}

// repoPanel is the GitHub repository panel.
func (m *homeModel) repoPanel(w int) panel {
	iw := m.innerWidth(w)
	body := lookupView(&m.common, &m.repo, "looking up the repository…", iw,
		func(r actions.Repo) string {
			return m.renderFields([]field{
				{"Repository", r.FullName()},
				{"Default branch", r.DefaultBranch},
				{"Visibility", visibility(r.Private)},
				{"Permission", permissionText(r)},
			}, iw)
		})

	return panel{"GitHub repository", "", m.repo.reloading(), m.repo.spinner, body}
}

// visibility names a repository's visibility.
func visibility(private bool) string {
	if private {
		return "private"
	}

	return "public"
}

// permissionText says what the GitHub token may do on the repository, and whose it is.
func permissionText(r actions.Repo) string {
	if r.Login == "" {
		return r.Permission
	}

	return r.Permission + " (token of " + r.Login + ")"
}

// menuView lists what can be done from home.
func (m *homeModel) menuView() string {
	access := m.menuItem("a", "access", "see who can reach "+m.selectedName())
	if m.selectedName() == "" {
		access = m.styles.Dim.Render("a  access   needs a cluster")
	}

	return strings.Join([]string{
		access,
		m.menuItem("r", "refresh", "look everything up again"),
		m.menuItem("q", "quit", ""),
	}, "\n")
}

// menuItem draws one menu line: the key, the job, and what it does.
func (m *homeModel) menuItem(k, name, desc string) string {
	line := m.styles.Key.Render(k) + "  " + padRight(name, 9) + m.styles.Dim.Render(desc)
	return truncate(line, m.width)
}

// drawPanel draws a panel width columns wide: its heading (with a spinner while a refresh
// runs) above its body, in a border at least height lines tall when there is room for
// borders.
func (m *homeModel) drawPanel(p panel, width, height int) string {
	iw := m.innerWidth(width)
	head := m.styles.Heading.Render(p.title)
	if p.reloading {
		head += " " + p.spinner.View()
	}

	if p.note != "" {
		gap := iw - lipgloss.Width(head) - lipgloss.Width(p.note)
		head += strings.Repeat(" ", max(gap, 2)) + m.styles.Dim.Render(p.note)
	}

	if !m.boxed() {
		return head + "\n" + lipgloss.NewStyle().PaddingLeft(2).Render(p.body)
	}

	return m.styles.Box.Width(width - 2).Height(height).Render(head + "\n" + p.body)
}

// innerWidth is the room a panel's body has in a panel width columns wide.
func (m *homeModel) innerWidth(width int) int {
	if m.boxed() {
		return width - 4
	}

	return width - 2
}

// identityCmd looks up the caller.
func identityCmd(ctx context.Context, deps Deps, id int) tea.Cmd {
	return func() tea.Msg {
		if deps.Identity == nil {
			return identityMsg{id: id, err: errNotAvailable}
		}

		identity, err := deps.Identity(ctx)

		return identityMsg{id: id, identity: identity, err: err}
	}
}

// clustersCmd lists the clusters.
func clustersCmd(ctx context.Context, deps Deps, id int) tea.Cmd {
	return func() tea.Msg {
		if deps.Clusters == nil {
			return clustersMsg{id: id, err: errNotAvailable}
		}

		clusters, err := deps.Clusters(ctx)

		return clustersMsg{id: id, clusters: clusters, err: err}
	}
}

// repoCmd looks up the repository.
func repoCmd(ctx context.Context, deps Deps, id int) tea.Cmd {
	return func() tea.Msg {
		if deps.Repo == nil {
			return repoMsg{id: id, err: errNotAvailable}
		}

		repo, err := deps.Repo(ctx)

		return repoMsg{id: id, repo: repo, err: err}
	}
}

// openAccessCmd asks the root to open the access view of cluster.
func openAccessCmd(cluster string) tea.Cmd {
	return func() tea.Msg { return openAccessMsg{cluster: cluster} }
}
