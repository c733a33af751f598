package web

import (
	"net/url"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board/web/evidenceform"
	"github.com/certboard/certboard/portfolio"
)

// An imported portfolio carries its own person details (name, e-mail
// address, region...). Where the application has a detail and the file
// gives another (or none), the import form shows both and the applicant
// chooses, detail by detail or for all at once, which to keep: nothing
// replaces their details without that choice. A detail the application
// does not have yet is taken from the file. The form posts the choice
// with the portfolio's text again:
//
//	details=chosen    each detail-NAME=current (kept, also when missing) or imported
//	details=imported  every detail from the file
//
// The API's PUT of a whole portfolio replaces the details with the
// document's, as it replaces everything else.

// detailChange is one person detail in which the import differs from the
// application: its form name, label and both values ("" when not given).
type detailChange struct {
	Name, Label, Current, Imported string
}

// chooseDetails applies the applicant's choice of person details, in
// form, to the imported portfolio p: the details the application (cur)
// has are kept but where the applicant chose the file's. Without a
// choice it leaves p as it is and returns the details the file would
// replace, for the form to ask about (none when it replaces none); kept
// are the labels of the details kept from cur where the file's differed.
func chooseDetails(form url.Values, cur, p *portfolio.Portfolio) (ask []detailChange, kept []string, err error) {
	if cur == nil {
		return nil, nil, nil
	}
	var differ []string
	for _, name := range portfolio.DifferentDetails(cur.Person, p.Person) {
		if cur.Person.Detail(name) != "" {
			differ = append(differ, name)
		}
	}
	if len(differ) == 0 {
		return nil, nil, nil
	}
	switch form.Get("details") {
	case "":
		for _, name := range differ {
			ask = append(ask, detailChange{Name: name, Label: evidenceform.Label(name),
				Current: cur.Person.Detail(name), Imported: p.Person.Detail(name)})
		}
		return ask, nil, nil
	case "imported":
		return nil, nil, nil
	case "chosen":
		var keep []string
		for _, name := range differ {
			switch form.Get("detail-" + name) {
			case "", "current":
				keep = append(keep, name)
				kept = append(kept, evidenceform.Label(name))
			case "imported":
			default:
				return nil, nil, certboard.FieldError(certboard.Invalid, "detail-"+name,
					"choose current (keep this application's) or imported (use the file's)").WithTitle("Invalid choice")
			}
		}
		p.Person = p.Person.WithDetails(cur.Person, keep)
		return nil, kept, nil
	}
	return nil, nil, certboard.FieldError(certboard.Invalid, "details",
		"choose chosen (the details chosen one by one) or imported (every detail from the file)").WithTitle("Invalid choice")
}
