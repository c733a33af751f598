package dashboard

import "testing"

func TestVersion(t *testing.T) {
	tests := []struct {
		page string
		want int
		ok   bool
	}{
		{`<form><input type="hidden" name="version" value="12"></form>`, 12, true},
		{`<input name="version" value="3"><input name="version" value="4">`, 3, true},
		{`<p>no form here</p>`, 0, false},
		{`<input name="version" value="x">`, 0, false},
		{`<input name="version" value="0">`, 0, false},
		{`<input name="version" value="-2">`, 0, false},
		{`<input name="version" value="">`, 0, false},
		{`<input name="version" value="7`, 0, false},
	}
	for _, tt := range tests {
		got, ok := Version([]byte(tt.page))
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("Version(%q) = %d, %v; want %d, %v", tt.page, got, ok, tt.want, tt.ok)
		}
	}
}
