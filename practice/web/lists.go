package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/certboard/certboard/practice/paging"
)

// Pager is the page links of a long list (templates/_pager.html): plain
// links that keep the list's other query values, so that they work
// without JavaScript; "" for a link that does not apply.
type Pager struct {
	// Label names the list for screen readers ("Pages of your clients").
	Label                   string
	Page                    paging.Page
	First, Prev, Next, Last string
}

// pagerOf returns the links of page p of the list at path, with the
// query values q (the page number replaced).
func pagerOf(label, path string, q url.Values, p paging.Page) Pager {
	href := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "page" {
				v[k] = vs
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	out := Pager{Label: label, Page: p}
	if prev := p.Prev(); prev != 0 {
		out.Prev = href(prev)
		if prev > 1 {
			out.First = href(1)
		}
	}
	if next := p.Next(); next != 0 {
		out.Next = href(next)
		if next < p.Pages() {
			out.Last = href(p.Pages())
		}
	}
	return out
}

// pageOf reads the page number a request asks for (paging.Parse).
func pageOf(r *http.Request) (int, error) { return paging.Parse(r.URL.Query().Get("page")) }
