package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/onramp-dev/onramp/actions"
)

// Column layout of the mapping table. The marker column shows the cursor; the flexible
// columns (ARN, Username, Groups / Policies) share what the fixed ones leave.
const (
	markerWidth   = 2
	sourceWidth   = 12
	problemsWidth = 3
	columnGap     = 2
	minFlexWidth  = 10
)

// mappingTable is a scrollable table of mappings with one selected row. It is drawn by hand
// rather than with bubbles/table so that the selection stays visible without colour (a
// marker, not only a highlight) and the ARN column can be cut at its start.
type mappingTable struct {
	styles *styles
	keys   *keyMap
	rows   []actions.Mapping
	cursor int
	offset int
	width  int
	height int
}

// widths are the widths of the flexible columns.
type widths struct {
	arn, user, groups int
}

// newMappingTable returns an empty table.
func newMappingTable(st *styles, keys *keyMap) mappingTable {
	return mappingTable{styles: st, keys: keys}
}

// SetRows replaces the rows, keeping the cursor on the same mapping if it is still there.
func (t *mappingTable) SetRows(rows []actions.Mapping) {
	prev, had := t.Selected()
	t.rows = rows
	t.cursor = 0

	for i, r := range rows {
		if had && r.Source == prev.Source && r.ARN == prev.ARN {
			t.cursor = i
		}
	}

	t.scroll()
}

// SetSize sets the table's width and the number of rows it shows under its header.
func (t *mappingTable) SetSize(width, height int) {
	t.width, t.height = width, max(height, 1)
	t.scroll()
}

// Selected returns the mapping under the cursor.
func (t *mappingTable) Selected() (actions.Mapping, bool) {
	if t.cursor >= len(t.rows) {
		return actions.Mapping{}, false
	}

	return t.rows[t.cursor], true
}

// Update moves the cursor for the movement keys.
func (t *mappingTable) Update(msg tea.KeyMsg) {
	switch {
	case key.Matches(msg, t.keys.Up):
		t.cursor--
	case key.Matches(msg, t.keys.Down):
		t.cursor++
	case key.Matches(msg, t.keys.PageUp):
		t.cursor -= t.height
	case key.Matches(msg, t.keys.PageDown):
		t.cursor += t.height
	case key.Matches(msg, t.keys.Top):
		t.cursor = 0
	case key.Matches(msg, t.keys.Bottom):
		t.cursor = len(t.rows) - 1
	}

	t.scroll()
}

// scroll keeps the cursor on a row and the offset where the cursor is visible.
func (t *mappingTable) scroll() {
	t.cursor = min(max(t.cursor, 0), max(len(t.rows)-1, 0))
	t.offset = min(t.offset, t.cursor)

	if t.height > 0 && t.cursor >= t.offset+t.height {
		t.offset = t.cursor - t.height + 1
	}

	t.offset = max(min(t.offset, len(t.rows)-t.height), 0)
}

// Position says which row is selected, as "2 of 6".
func (t *mappingTable) Position() string {
	if len(t.rows) == 0 {
		return ""
	}

	return fmt.Sprintf("%d of %d", t.cursor+1, len(t.rows))
}

// View draws the header and the visible rows.
func (t *mappingTable) View() string {
	w := t.widths()
	header := strings.TrimRight(t.line(w, headerCells(), true), " ")
	lines := []string{t.styles.TableHeader.Render(header)}

	end := min(t.offset+t.height, len(t.rows))
	for i := t.offset; i < end; i++ {
		lines = append(lines, t.rowView(i, w))
	}

	return strings.Join(lines, "\n")
}

// rowView draws row i: plain with a marker and a highlight when selected, else with its
// problem count in the warning style.
func (t *mappingTable) rowView(i int, w widths) string {
	cells := rowCells(t.rows[i])
	if i == t.cursor {
		return t.styles.Selected.Render(padRight("›"+t.line(w, cells, false)[1:], t.width))
	}

	line := t.line(w, cells[:4], false)
	if cells[4] == "" {
		return strings.TrimRight(line, " ")
	}

	return line + strings.Repeat(" ", columnGap) + t.styles.Warning.Render(cells[4])
}

// line lays cells out in the columns; the ARN column keeps the end of the ARN.
func (t *mappingTable) line(w widths, cells []string, header bool) string {
	sizes := []int{sourceWidth, w.arn, w.user, w.groups, problemsWidth}
	parts := make([]string, 0, len(cells))

	for i, c := range cells {
		if i == 1 && !header {
			c = truncateLeft(c, sizes[i])
		}

		parts = append(parts, padRight(c, sizes[i]))
	}

	return strings.Repeat(" ", markerWidth) + strings.Join(parts, strings.Repeat(" ", columnGap))
}

// widths shares the room between the flexible columns. Username and Groups / Policies get
// up to a fifth each; the ARN gets the rest, and what it does not need goes back to them.
func (t *mappingTable) widths() widths {
	fixed := markerWidth + sourceWidth + problemsWidth + 4*columnGap
	room := max(t.width-fixed, 3*minFlexWidth)
	natural := t.naturalWidths()

	w := widths{
		user:   min(natural.user, max(room/5, minFlexWidth)),
		groups: min(natural.groups, max(room/5, minFlexWidth)),
	}
	w.arn = room - w.user - w.groups

	spare := max(w.arn-natural.arn, 0)
	w.arn -= spare
	give := min(spare, natural.groups-w.groups)
	w.groups += give
	w.user += min(spare-give, natural.user-w.user)

	return w
}

// naturalWidths are the widths the flexible columns would take uncut.
func (t *mappingTable) naturalWidths() widths {
	h := headerCells()
	w := widths{ansi.StringWidth(h[1]), ansi.StringWidth(h[2]), ansi.StringWidth(h[3])}

	for _, r := range t.rows {
		c := rowCells(r)
		w.arn = max(w.arn, ansi.StringWidth(c[1]))
		w.user = max(w.user, ansi.StringWidth(c[2]))
		w.groups = max(w.groups, ansi.StringWidth(c[3]))
	}

	return w
}

// headerCells are the column titles.
func headerCells() []string {
	return []string{"Source", "ARN", "Username", "Groups / Policies", "⚠"}
}

// rowCells are a mapping's cells, in column order.
func rowCells(m actions.Mapping) []string {
	var problems string
	if n := len(m.Problems); n > 0 {
		problems = fmt.Sprintf("⚠ %d", n)
	}

	return []string{m.Source, m.ARN, m.Username, grants(m), problems}
}

// grants joins a mapping's groups and access policies.
func grants(m actions.Mapping) string {
	return strings.Join(append(append([]string{}, m.Groups...), m.Policies...), ", ")
}
