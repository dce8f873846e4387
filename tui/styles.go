package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
)

// styles are the lipgloss styles every screen draws with. Colours adapt to a light or dark
// terminal; with noColor they are left out and only weight, faintness and markers remain.
type styles struct {
	Title   lipgloss.Style
	Crumb   lipgloss.Style
	Heading lipgloss.Style
	Label   lipgloss.Style
	Value   lipgloss.Style
	Dim     lipgloss.Style
	Warning lipgloss.Style
	Good    lipgloss.Style
	Key     lipgloss.Style
	Spinner lipgloss.Style
	Box     lipgloss.Style

	TableHeader lipgloss.Style
	Selected    lipgloss.Style

	Help help.Styles
}

// newStyles builds the styles, without colour when noColor is set.
func newStyles(noColor bool) *styles {
	c := palette(noColor)
	s := &styles{
		Title:       lipgloss.NewStyle().Bold(true).Foreground(c.accent),
		Crumb:       lipgloss.NewStyle().Foreground(c.muted),
		Heading:     lipgloss.NewStyle().Bold(true),
		Label:       lipgloss.NewStyle().Foreground(c.muted),
		Value:       lipgloss.NewStyle(),
		Dim:         lipgloss.NewStyle().Foreground(c.muted).Faint(noColor),
		Warning:     lipgloss.NewStyle().Foreground(c.warning).Bold(noColor),
		Good:        lipgloss.NewStyle().Foreground(c.good),
		Key:         lipgloss.NewStyle().Bold(true).Foreground(c.accent),
		Spinner:     lipgloss.NewStyle().Foreground(c.accent),
		TableHeader: lipgloss.NewStyle().Bold(true).Foreground(c.muted),
		Selected:    lipgloss.NewStyle().Bold(true).Background(c.selected),
		Box: lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).
			BorderForeground(c.border).Padding(0, 1),
	}
	s.Help = helpStyles(c)

	return s
}

// colors is the small palette the styles draw from.
type colors struct {
	accent, muted, warning, good, selected, border lipgloss.TerminalColor
}

// palette returns adaptive colours, or no colour at all.
func palette(noColor bool) colors {
	if noColor {
		none := lipgloss.NoColor{}
		return colors{none, none, none, none, none, none}
	}

	return colors{
		accent:   lipgloss.AdaptiveColor{Light: "#5A4FCF", Dark: "#9D8CFF"},
		muted:    lipgloss.AdaptiveColor{Light: "#7A7A7A", Dark: "#8A8A8A"},
		warning:  lipgloss.AdaptiveColor{Light: "#A84E00", Dark: "#FFB454"},
		good:     lipgloss.AdaptiveColor{Light: "#1C7C3A", Dark: "#6BD68A"},
		selected: lipgloss.AdaptiveColor{Light: "#E4E0FF", Dark: "#3A3363"},
		border:   lipgloss.AdaptiveColor{Light: "#C8C8C8", Dark: "#4A4A4A"},
	}
}

// helpStyles styles the footer's key help.
func helpStyles(c colors) help.Styles {
	key := lipgloss.NewStyle().Foreground(c.accent)
	desc := lipgloss.NewStyle().Foreground(c.muted)
	sep := lipgloss.NewStyle().Foreground(c.border)

	return help.Styles{
		Ellipsis:       sep,
		ShortKey:       key,
		ShortDesc:      desc,
		ShortSeparator: sep,
		FullKey:        key,
		FullDesc:       desc,
		FullSeparator:  sep,
	}
}
