package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap holds every key binding of the program, each with its help text. Screens pick the
// bindings that apply to them for the footer.
type keyMap struct {
	Quit  key.Binding
	Back  key.Binding
	Help  key.Binding
	Calls key.Binding

	Refresh     key.Binding
	Access      key.Binding
	NextCluster key.Binding
	PrevCluster key.Binding

	// Move only shows in the short help; Up and Down do the moving.
	Move     key.Binding
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
}

// newKeyMap returns the default bindings.
func newKeyMap() *keyMap {
	return &keyMap{
		Quit:  key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Back:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Help:  key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Calls: key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "calls")),

		Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Access:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "access")),
		NextCluster: key.NewBinding(key.WithKeys("]", "tab"),
			key.WithHelp("]/tab", "next cluster")),
		PrevCluster: key.NewBinding(key.WithKeys("[", "shift+tab"),
			key.WithHelp("[/shift+tab", "previous cluster")),

		Move:   key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "select")),
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp: key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"),
			key.WithHelp("pgdn", "page down")),
		Top:    key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom: key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
	}
}

// enabled returns a copy of b, enabled or not; help leaves disabled bindings out.
func enabled(b key.Binding, on bool) key.Binding {
	b.SetEnabled(on)
	return b
}
