package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/portfolio"
)

// A regulator searches the registry by name, licence number and region
// (board.SearchHolders): a page and its API, for regulators and staff
// with two factors. A search is a POST, so that licence numbers stay out
// of addresses (and so out of browser histories and access logs), and so
// that another site cannot make a regulator's browser run searches, which
// are audited under their name.

// regulatorRoutes registers the regulator's search of holders.
func (s *Server) regulatorRoutes() {
	s.route("GET /regulator/search", Regulator, s.handle(s.holderSearchPage))
	s.route("POST /regulator/search", Regulator, s.handle(s.holderSearch))
	s.route("POST /api/v1/regulator/search", Regulator, s.handle(s.apiHolderSearch))
}

// holderCredentialView is one public credential of a holder found, as the
// page shows it: its status now and what that means in a few words.
type holderCredentialView struct {
	ID, Name, Status string
	Valid            bool
	// Detail says until when it is valid, or since when it is not.
	Detail string
}

// holderView is one holder found.
type holderView struct {
	Name, Practice, Place string
	Credentials           []holderCredentialView
	// Licences are the licences of the number searched, as the board has
	// them on file.
	Licences []portfolio.License
}

// holderSearchView is the search page.
type holderSearchView struct {
	Searched  bool
	ByLicence bool
	Holders   []holderView
	More      bool
	AsOf      string
}

// holderCredential describes a registry credential's status at now.
func (s *Server) holderCredential(c board.RegistryCredential, now time.Time) holderCredentialView {
	v := holderCredentialView{ID: c.ID, Name: s.credentialName(c.SetID), Status: c.StatusAt(now)}
	v.Valid = v.Status == board.StatusValid
	switch v.Status {
	case board.StatusValid:
		if !c.ValidUntil.IsZero() {
			v.Detail = "until " + c.ValidUntil.UTC().Format("2006-01-02")
		}
	case board.StatusExpired:
		v.Detail = "on " + c.ValidUntil.UTC().Format("2006-01-02")
	case board.StatusSuspended:
		v.Detail = "since " + c.SuspendedAt.UTC().Format("2006-01-02")
	case board.StatusRevoked:
		v.Detail = "on " + c.RevokedAt.UTC().Format("2006-01-02")
	case board.StatusSuperseded:
		v.Detail = "by a renewal"
	}
	return v
}

func (s *Server) holderViews(res *board.HolderResults, now time.Time) []holderView {
	var out []holderView
	for _, m := range res.Matches {
		h := holderView{Name: m.DisplayName, Practice: m.Practice, Licences: m.Licences}
		for _, part := range []string{m.City, m.Region, m.Country} {
			if part == "" {
				continue
			}
			if h.Place != "" {
				h.Place += ", "
			}
			h.Place += part
		}
		for _, c := range m.Credentials {
			h.Credentials = append(h.Credentials, s.holderCredential(c, now))
		}
		out = append(out, h)
	}
	return out
}

func (s *Server) renderHolderSearch(w http.ResponseWriter, r *http.Request, status int, form url.Values, errs map[string]string, v holderSearchView) {
	s.render(w, r, status, "regulator_search", page{Title: "Search holders", Form: form, Errors: errs, Data: v})
}

// holderSearchPage shows the search form.
func (s *Server) holderSearchPage(w http.ResponseWriter, r *http.Request) error {
	s.renderHolderSearch(w, r, http.StatusOK, nil, nil, holderSearchView{})
	return nil
}

// holderSearch runs a search from the form and shows what it found; a
// search refused shows the form again with what to fix, by field.
func (s *Server) holderSearch(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	f := r.PostForm
	form := url.Values{"name": {f.Get("name")}, "licence_number": {f.Get("licence_number")}, "region": {f.Get("region")}}
	res, err := s.board.SearchHolders(r.Context(), userFrom(r), board.HolderQuery{Name: f.Get("name"), Licence: f.Get("licence_number"), Region: f.Get("region")})
	var ce *certboard.Error
	if errors.As(err, &ce) && ce.Code == certboard.Invalid && len(ce.Fields) > 0 {
		errs := map[string]string{"": "Nothing was searched: " + ce.Message}
		for k, m := range ce.Fields {
			errs[k] = m
		}
		s.renderHolderSearch(w, r, http.StatusUnprocessableEntity, form, errs, holderSearchView{})
		return nil
	}
	if err != nil {
		return err
	}
	now := s.now()
	v := holderSearchView{Searched: true, ByLicence: res.ByLicence, More: res.More, Holders: s.holderViews(res, now),
		AsOf: now.UTC().Format("2006-01-02 15:04 UTC")}
	w.Header().Set("Cache-Control", "no-store")
	s.renderHolderSearch(w, r, http.StatusOK, form, nil, v)
	return nil
}

// maxHolderSearchBody bounds a search sent to the API: three short fields.
const maxHolderSearchBody = 8 << 10

// holderSearchRequest is the API's search.
type holderSearchRequest struct {
	Name          string `json:"name"`
	LicenceNumber string `json:"licence_number"`
	Region        string `json:"region"`
}

// holderLicenceJSON is a licence on file that a search matched.
type holderLicenceJSON struct {
	Jurisdiction string `json:"jurisdiction"`
	Number       string `json:"number"`
	Profession   string `json:"profession"`
	Title        string `json:"title,omitempty"`
	ValidFrom    string `json:"valid_from"`
	ValidTo      string `json:"valid_to,omitempty"`
	// Verification is the state the board recorded: verified, claimed or
	// rejected.
	Verification string `json:"verification"`
}

// holderJSON is a holder found: their listing and the licences matched.
type holderJSON struct {
	registryEntryJSON
	Licences []holderLicenceJSON `json:"licences"`
}

// holderSearchJSON is the API's answer.
type holderSearchJSON struct {
	Holders         []holderJSON `json:"holders"`
	More            bool         `json:"more"`
	ByLicenceNumber bool         `json:"by_licence_number"`
	AsOf            string       `json:"as_of"`
}

// apiHolderSearch is the search as JSON: 200 with what was found, 422
// naming each field at fault.
func (s *Server) apiHolderSearch(w http.ResponseWriter, r *http.Request) error {
	var in holderSearchRequest
	if !decodeBody(w, r, &in, "name, licence_number and region (any of them)", maxHolderSearchBody) {
		return nil
	}
	res, err := s.board.SearchHolders(r.Context(), userFrom(r), board.HolderQuery{Name: in.Name, Licence: in.LicenceNumber, Region: in.Region})
	if err != nil {
		return err
	}
	now := s.now()
	out := holderSearchJSON{Holders: []holderJSON{}, More: res.More, ByLicenceNumber: res.ByLicence, AsOf: now.UTC().Format(time.RFC3339)}
	for i := range res.Matches {
		m := &res.Matches[i]
		h := holderJSON{registryEntryJSON: s.registryEntry(&m.Listing, now), Licences: []holderLicenceJSON{}}
		for _, l := range m.Licences {
			lj := holderLicenceJSON{Jurisdiction: l.Jurisdiction, Number: l.Number, Profession: l.Profession, Title: l.Title,
				ValidFrom: l.ValidFrom.String(), Verification: string(l.Verification.State)}
			if !l.ValidTo.IsZero() {
				lj.ValidTo = l.ValidTo.String()
			}
			if lj.Verification == "" {
				lj.Verification = string(portfolio.Claimed)
			}
			h.Licences = append(h.Licences, lj)
		}
		out.Holders = append(out.Holders, h)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, out)
	return nil
}
