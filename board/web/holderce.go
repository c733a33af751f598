package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/ce"
	"github.com/certboard/certboard/portfolio"
	kit "github.com/certboard/certboard/web"
)

// holderCERoutes registers the holder's own CE entry for the renewal of
// a credential: one activity by a form, or many from a CSV file, which is
// checked row by row first and added only once the holder confirms.
func (s *Server) holderCERoutes() {
	s.route("GET /credentials/{id}/renewal/ce", Authenticated, s.handle(s.cePage))
	s.route("POST /credentials/{id}/renewal/ce", Authenticated, s.handle(s.ceAddOne))
	s.route("POST /credentials/{id}/renewal/ce/file", Authenticated, s.handle(s.ceCheckFile))
	s.route("POST /credentials/{id}/renewal/ce/file/confirm", Authenticated, s.handle(s.ceConfirmFile))
}

// ceTemplatePath is where the CSV template is served (static/).
const ceTemplatePath = "/static/ce-template.csv"

// ceConfirmLimit bounds the confirming form, which carries the checked file
// back (base64, so a third larger) with room for the other fields.
const ceConfirmLimit = ce.MaxEntryFileSize*4/3 + 64<<10

// ceOption is a choice of a select on the CE form.
type ceOption struct{ Value, Label string }

// ceChoices are the form's choices, by column, in ce's order of values.
var ceChoices = map[string][]ceOption{
	"kind": {{"ce", "Continuing education program"}, {"training", "Training"}, {"university_course", "University course"},
		{"sar", "Sexual Attitude Reassessment (SAR)"}, {"teaching", "Teaching you designed or gave"}},
	"provider_kind": {{"approved_provider", "An approved CE provider"}, {"accredited_university", "An accredited university"},
		{"faith_based_institution", "A faith-based institution"}, {"other_ce", "Another CE provider"}},
	"delivery": {{"in_person", "In person"}, {"live_online", "Live online"}, {"elearning", "Self-paced online (e-learning)"}},
}

// ceFieldNames are the CE form's fields as its labels name them, by column.
var ceFieldNames = map[string]string{"date": "Date completed", "title": "Title", "provider": "Provider", "provider_kind": "Kind of provider",
	"approved_by": "Other bodies that approved it", "kind": "Kind of activity", "delivery": "How it was given", "hours": "Hours",
	"sexuality_related": "Related to sexuality?"}

// ceItem is one education item of the renewal, as the CE page lists it.
type ceItem struct {
	Date, Title, Provider, Hours, Kind, ApprovedBy, State, Note string
}

// ceProblem is one problem of a refused row, for the report.
type ceProblem struct {
	Line    int
	Column  string
	Message string
}

// ceView is the holder's CE page: the forms, the renewal's CE, and the
// report of a file checked or added.
type ceView struct {
	Own     *board.OwnCE
	Items   []ceItem
	Choices map[string][]ceOption
	// Template is where the CSV template is downloaded.
	Template string
	Columns  []string
	// Check is the report of a file, when one was checked.
	Check *board.CECheck
	// FileName is the checked file's name, for people.
	FileName string
	// Payload is the checked file, base64, for the confirming form.
	Payload  string
	Accepted []ceAccepted
	Refused  []ceProblem
}

// ceAccepted is a row of a file that can be added, as the report lists it.
type ceAccepted struct {
	Line int
	ceItem
}

// ceItems lists the renewal's education items.
func ceItems(acts []portfolio.Activity) []ceItem {
	var out []ceItem
	for _, a := range acts {
		vr := a.Verification
		note := ""
		if vr.EffectiveState() == portfolio.Verified && strings.HasPrefix(vr.By, "provider:") {
			note = "reported by " + strings.TrimPrefix(vr.By, "provider:")
		}
		out = append(out, ceItem{Date: a.Date.String(), Title: a.Title, Provider: a.Provider.Name, Hours: formatNum(a.Hours),
			Kind: ceChoiceLabel("kind", a.Kind), ApprovedBy: strings.Join(a.Provider.ApprovedBy, ", "), State: string(vr.EffectiveState()), Note: note})
	}
	return out
}

// ceChoiceLabel is the label of a value of a column with choices.
func ceChoiceLabel(col, value string) string {
	for _, o := range ceChoices[col] {
		if o.Value == value {
			return o.Label
		}
	}
	return strings.ReplaceAll(value, "_", " ")
}

// renderCE shows the CE page of the {id} credential, with v's report when
// one is set.
func (s *Server) renderCE(w http.ResponseWriter, r *http.Request, status int, v *ceView, errs map[string]string, form url.Values) error {
	if v.Own == nil {
		own, err := s.board.HeldCE(r.Context(), userFrom(r), r.PathValue("id"))
		if err != nil {
			return err
		}
		v.Own = own
	}
	v.Items = ceItems(v.Own.Education)
	v.Choices, v.Template, v.Columns = ceChoices, ceTemplatePath, ce.EntryColumns
	if form == nil {
		form = url.Values{}
	}
	s.render(w, r, status, "holder_ce", page{Title: "Add CE: " + v.Own.Title, Data: v, Errors: errs, Form: form})
	return nil
}

func (s *Server) cePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCE(w, r, http.StatusOK, &ceView{}, nil, nil)
}

// ceFormEntry reads the form's activity: its fields are the CSV columns,
// but for AASECT's approval, a checkbox beside the other bodies.
func ceFormEntry(form url.Values) func(string) string {
	return func(col string) string {
		if col == "approved_by" {
			v := form.Get("approved_by")
			if form.Get("approved_aasect") == "yes" {
				v = "AASECT; " + v
			}
			return v
		}
		return form.Get(col)
	}
}

func (s *Server) ceAddOne(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	e, probs := ce.ParseEntry(ceFormEntry(r.PostForm), s.today())
	res, err := s.board.AddOwnCE(r.Context(), userFrom(r), r.PathValue("id"), []board.CERow{{Entry: e, Problems: probs}}, "the form")
	if err != nil {
		return err
	}
	row := res.Rows[0]
	if len(row.Problems) > 0 {
		errs := map[string]string{}
		var fields []string
		for _, p := range row.Problems {
			if p.Field == "" {
				errs[""] = "The activity was not added: it is " + p.Message + "."
				continue
			}
			if errs[p.Field] == "" {
				errs[p.Field] = p.Message
				fields = append(fields, ceFieldNames[p.Field])
			}
		}
		if errs[""] == "" {
			errs[""] = "The activity was not added; fix " + strings.Join(fields, ", ") + " (marked below)."
		}
		return s.renderCE(w, r, http.StatusUnprocessableEntity, &ceView{}, errs, r.PostForm)
	}
	msg := fmt.Sprintf("Added %q (%s hours on %s). It counts as claimed until the board verifies it.", e.Title, formatNum(e.Hours), e.Date)
	if res.Started {
		msg += " Your renewal is open: submit it once your CE and membership are complete."
	}
	redirect(w, r, ceURL(r), msg)
	return nil
}

// ceURL is the CE page of the {id} credential.
func ceURL(r *http.Request) string {
	return "/credentials/" + url.PathEscape(r.PathValue("id")) + "/renewal/ce"
}

// ceFileName is an uploaded file's name fit to show and record: its last
// element, without control characters, at most 100 characters.
func ceFileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, path.Base(strings.ReplaceAll(name, `\`, "/")))
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	if name == "" || name == "." || name == "/" {
		return "a CSV file"
	}
	return name
}

// ceFileRefused answers a file that cannot be checked, on the page.
func (s *Server) ceFileRefused(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	return s.renderCE(w, r, status, &ceView{}, map[string]string{"": "The file was not checked; nothing was added.", "file": msg}, nil)
}

// ceCheckFile reads an uploaded CE file and shows the report of every row,
// with the button that adds the valid ones: nothing is added yet.
func (s *Server) ceCheckFile(w http.ResponseWriter, r *http.Request) error {
	// The holder's own credential first: nobody else learns anything from
	// the answer to an upload.
	own, err := s.board.HeldCE(r.Context(), userFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, ce.MaxEntryFileSize+64<<10)
	if err := r.ParseMultipartForm(ce.MaxEntryFileSize + 64<<10); err != nil {
		if tooLarge(err) {
			return s.ceFileRefused(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than %d MiB; split it into several files, each with the header row.", ce.MaxEntryFileSize>>20))
		}
		return &certboard.Error{Code: certboard.Malformed, Title: "The form could not be read",
			Message: "Send the file with the form on the CE page (multipart/form-data): " + err.Error(), Err: err}
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return s.ceFileRefused(w, r, http.StatusUnprocessableEntity, "Choose a CSV file to check.")
	}
	defer f.Close()
	if hdr.Size > ce.MaxEntryFileSize {
		return s.ceFileRefused(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than %d MiB; split it into several files, each with the header row.", ce.MaxEntryFileSize>>20))
	}
	data, err := io.ReadAll(io.LimitReader(f, ce.MaxEntryFileSize+1))
	if err != nil {
		return err
	}
	return s.ceReport(w, r, own, data, ceFileName(hdr.Filename), false)
}

// ceConfirmFile adds the valid rows of the file the holder checked and
// confirmed (sent back by the report's form), checked again as they are
// added.
func (s *Server) ceConfirmFile(w http.ResponseWriter, r *http.Request) error {
	if err := kit.ParseForm(w, r, ceConfirmLimit); err != nil {
		return err
	}
	data, err := base64.StdEncoding.DecodeString(r.PostForm.Get("file"))
	if err != nil || len(data) == 0 {
		return &certboard.Error{Code: certboard.Malformed, Title: "The file could not be read back",
			Message: "The confirmation did not carry the file checked; upload the file again and confirm from its report."}
	}
	return s.ceReport(w, r, nil, data, ceFileName(r.PostForm.Get("name")), true)
}

// ceReport reads a CE file and checks its rows (add false) or adds the
// valid ones (add true), then shows the report, or after adding goes back
// to the CE page saying what was added.
func (s *Server) ceReport(w http.ResponseWriter, r *http.Request, own *board.OwnCE, data []byte, name string, add bool) error {
	rows, err := ce.ReadEntries(strings.NewReader(string(data)), s.today())
	var fe *ce.FileError
	if errors.As(err, &fe) {
		status := http.StatusUnprocessableEntity
		if len(data) > ce.MaxEntryFileSize {
			status = http.StatusRequestEntityTooLarge
		}
		return s.ceFileRefused(w, r, status, upperFirst(fe.Message)+".")
	}
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return s.ceFileRefused(w, r, http.StatusUnprocessableEntity, "The file has a header row but no activities; add one row per activity under it.")
	}
	u, id := userFrom(r), r.PathValue("id")
	var res *board.CECheck
	if add {
		res, err = s.board.AddOwnCE(r.Context(), u, id, board.CERows(rows), name)
	} else {
		res, err = s.board.CheckOwnCE(r.Context(), u, id, board.CERows(rows))
	}
	if err != nil {
		return err
	}
	v := &ceView{Own: own, Check: res, FileName: name}
	for _, row := range res.Rows {
		if len(row.Problems) == 0 {
			e := row.Entry
			v.Accepted = append(v.Accepted, ceAccepted{Line: row.Line, ceItem: ceItem{Date: e.Date.String(), Title: e.Title, Provider: e.Provider,
				Hours: formatNum(e.Hours), Kind: ceChoiceLabel("kind", e.Kind), ApprovedBy: strings.Join(e.ApprovedBy, ", ")}})
		}
		for _, p := range row.Problems {
			col := p.Field
			if col == "" {
				col = "(the whole row)"
			}
			v.Refused = append(v.Refused, ceProblem{Line: row.Line, Column: col, Message: p.Message})
		}
	}
	if add && res.Accepted() > 0 {
		msg := fmt.Sprintf("Added %d CE %s from %s. They count as claimed until the board verifies them.", res.Accepted(), activities(res.Accepted()), name)
		if n := res.Refused(); n > 0 {
			var lines []string
			for _, row := range res.Rows {
				if len(row.Problems) > 0 {
					lines = append(lines, fmt.Sprint(row.Line))
				}
			}
			it := "them"
			if n == 1 {
				it = "it"
			}
			msg += fmt.Sprintf(" %d %s not added (%s %s); fix %s and add %s by the form or in a new file.", n, rowsWord(n), rowsWord(n), strings.Join(lines, ", "), it, it)
		}
		if res.Started {
			msg += " Your renewal is open: submit it once your CE and membership are complete."
		}
		redirect(w, r, ceURL(r), msg)
		return nil
	}
	var errs map[string]string
	status := http.StatusOK
	if res.Accepted() == 0 {
		status = http.StatusUnprocessableEntity
		errs = map[string]string{"": "No row of " + name + " can be added; nothing was added. Fix the rows below and upload the file again."}
	} else {
		v.Payload = base64.StdEncoding.EncodeToString(data)
	}
	return s.renderCE(w, r, status, v, errs, nil)
}

// activities is "activity" or "activities", by n.
func activities(n int) string {
	if n == 1 {
		return "activity"
	}
	return "activities"
}

// rowsWord is "row" or "rows", by n.
func rowsWord(n int) string {
	if n == 1 {
		return "row"
	}
	return "rows"
}

// upperFirst writes a message's first letter in capitals.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
