package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func TestTruncation(t *testing.T) {
	arn := "arn:aws:iam::111122223333:role/deployer"

	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "fits", got: truncate("iris-dev", 8), want: "iris-dev"},
		{name: "cut at the end", got: truncate("system:masters", 8), want: "system:…"},
		{name: "zero width", got: truncate("iris", -3), want: ""},
		{name: "ARN fits", got: truncateLeft(arn, len(arn)), want: arn},
		{name: "ARN cut at the start", got: truncateLeft(arn, 15), want: "…:role/deployer"},
		{name: "pad", got: padRight("a", 4), want: "a   "},
		{name: "pad cuts", got: padRight("abcdef", 4), want: "abc…"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestNoColor(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	t.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })

	tests := []struct {
		name      string
		noColor   bool
		wantColor bool
	}{
		{name: "colour", noColor: false, wantColor: true},
		{name: "NO_COLOR", noColor: true, wantColor: false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStyles(tt.noColor)
			out := st.Warning.Render("w") + st.Label.Render("l") + st.Selected.Render("s") +
				st.Help.ShortKey.Render("k")

			// 38;2 and 48;2 open a true-colour foreground and background.
			hasColor := strings.Contains(out, "38;2;") || strings.Contains(out, "48;2;")
			if hasColor != tt.wantColor {
				t.Errorf("colour in %q: %v, want %v", out, hasColor, tt.wantColor)
			}
		})
	}
}
