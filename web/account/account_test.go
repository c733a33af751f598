package account

import "testing"

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "/applications",
		"/account":                "/account",
		"/applications/3?tab=x":   "/applications/3?tab=x",
		"//evil.example":          "/applications",
		"//evil.example/account":  "/applications",
		`/\evil.example`:          "/applications",
		`/a\b`:                    "/applications",
		"https://evil.example/":   "/applications",
		"javascript:alert(1)":     "/applications",
		"evil.example":            "/applications",
		"/ok\r\nLocation: x":      "/applications",
		"/\t/evil.example":        "/applications",
		"///evil.example":         "/applications",
		"/account#sessions":       "/account#sessions",
		"/search?q=a%20b&page=2":  "/search?q=a%20b&page=2",
		"http:/evil.example/path": "/applications",
	} {
		if got := SafeNext(in, "/applications"); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDescribeAgent(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36 Edg/140.0":                   "Edge on Windows",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1": "Safari on iOS",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15":                      "Safari on macOS",
		"curl/8.5.0": "curl",
		"":           "",
	} {
		if got := describeAgent(ua); got != want {
			t.Errorf("describeAgent(%q) = %q, want %q", ua, got, want)
		}
	}
}
