package portfolio

import (
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/certboard/certboard/date"
)

// Validate checks the rules that span fields: the format marker, unique ids,
// references between items, periods that end before they start, and the shape
// of clinical blocks and group sessions. Decode calls it; call it yourself on a
// portfolio built in code.
func Validate(p *Portfolio) Errors {
	var v validator
	v.check(p)
	return v.errs
}

type validator struct {
	errs Errors
	ids  map[string]string // id -> path of the item that has it
}

func (v *validator) fail(path, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) id(path, id string) {
	if id == "" {
		return
	}
	if first, dup := v.ids[id]; dup {
		v.fail(path+".id", "id %q is already used by %s; ids must be unique within the portfolio", id, first)
		return
	}
	v.ids[id] = path
}

func (v *validator) period(path string, from, to date.Date, fromName, toName string) {
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		v.fail(path+"."+toName, "%s %s is before %s %s", toName, to, fromName, from)
	}
}

// unique rejects a value listed twice.
func (v *validator) unique(path, what string, values []string) {
	seen := map[string]bool{}
	for j, x := range values {
		if seen[x] {
			v.fail(fmt.Sprintf("%s[%d]", path, j), "%s %q is listed twice", what, x)
		}
		seen[x] = true
	}
}

func (v *validator) check(p *Portfolio) {
	v.ids = map[string]string{}
	if p.Format != FormatV1 {
		v.fail("$.format", "must be %q, not %q", FormatV1, p.Format)
	}
	// Decode checks the length of a list before reading it; a portfolio
	// built in code, or grown by WithItem, is checked here.
	pv := reflect.ValueOf(p).Elem()
	for i := range pv.NumField() {
		f := pv.Type().Field(i)
		if f.Type.Kind() != reflect.Slice {
			continue
		}
		if msg := tooMany(pv.Field(i).Len(), parseTag(f.Tag.Get("cb"))); msg != "" {
			v.fail("$."+jsonName(f), "%s", msg)
		}
	}
	v.id("$.person", p.Person.ID)
	for i, x := range p.Degrees {
		v.id(fmt.Sprintf("$.degrees[%d]", i), x.ID)
	}
	for i, x := range p.Licenses {
		path := fmt.Sprintf("$.licenses[%d]", i)
		v.id(path, x.ID)
		v.period(path, x.ValidFrom, x.ValidTo, "valid_from", "valid_to")
	}
	for i, x := range p.Memberships {
		path := fmt.Sprintf("$.memberships[%d]", i)
		v.id(path, x.ID)
		v.period(path, x.From, x.To, "from", "to")
	}
	for i, x := range p.Insurance {
		path := fmt.Sprintf("$.insurance[%d]", i)
		v.id(path, x.ID)
		v.period(path, x.From, x.To, "from", "to")
	}
	for i, x := range p.Experience {
		path := fmt.Sprintf("$.experience[%d]", i)
		v.id(path, x.ID)
		v.period(path, x.From, x.To, "from", "to")
	}
	for i, x := range p.Credentials {
		path := fmt.Sprintf("$.credentials[%d]", i)
		v.id(path, x.ID)
		v.period(path, x.ValidFrom, x.ValidTo, "valid_from", "valid_to")
	}
	for i, x := range p.Education {
		path := fmt.Sprintf("$.education[%d]", i)
		v.id(path, x.ID)
		for _, tax := range slices.Sorted(maps.Keys(x.Areas)) {
			codes := x.Areas[tax]
			if len(codes) == 0 {
				v.fail(path+".areas."+tax, "lists no area; remove the taxonomy or name at least one area")
			}
			seen := map[string]bool{}
			for j, c := range codes {
				if c == "" {
					v.fail(fmt.Sprintf("%s.areas.%s[%d]", path, tax, j), "must not be empty")
				}
				if seen[c] {
					v.fail(fmt.Sprintf("%s.areas.%s[%d]", path, tax, j), "area %q is listed twice", c)
				}
				seen[c] = true
			}
		}
	}
	supervisors := map[string]bool{}
	for i, x := range p.Supervisors {
		path := fmt.Sprintf("$.supervisors[%d]", i)
		v.id(path, x.ID)
		supervisors[x.ID] = true
		for j, c := range x.Credentials {
			v.period(fmt.Sprintf("%s.credentials[%d]", path, j), c.ValidFrom, c.ValidTo, "valid_from", "valid_to")
		}
	}
	memberships := map[string]bool{}
	for _, m := range p.Memberships {
		memberships[m.ID] = true
	}
	contracts := map[string]bool{}
	for i, x := range p.Contracts {
		path := fmt.Sprintf("$.supervision_contracts[%d]", i)
		v.id(path, x.ID)
		contracts[x.ID] = true
		v.period(path, x.Start, x.End, "start", "end")
		if !supervisors[x.Supervisor] {
			v.fail(path+".supervisor", "%q is not the id of an entry in supervisors", x.Supervisor)
		}
		if x.SuperviseeMembership != "" && !memberships[x.SuperviseeMembership] {
			v.fail(path+".supervisee_membership", "%q is not the id of an entry in memberships", x.SuperviseeMembership)
		}
	}
	for i, x := range p.ClinicalHours {
		path := fmt.Sprintf("$.clinical_hours[%d]", i)
		v.id(path, x.ID)
		switch {
		case x.Date.IsZero() && (x.From.IsZero() || x.To.IsZero()):
			v.fail(path, "needs either date or both from and to")
		case !x.Date.IsZero() && (!x.From.IsZero() || !x.To.IsZero()):
			v.fail(path, "give either date or from and to, not both")
		}
		v.period(path, x.From, x.To, "from", "to")
		if x.Contract != "" && !contracts[x.Contract] {
			v.fail(path+".contract", "%q is not the id of an entry in supervision_contracts", x.Contract)
		}
		v.unique(path+".focus", "focus", x.Focus)
	}
	for i, x := range p.Cases {
		path := fmt.Sprintf("$.cases[%d]", i)
		v.id(path, x.ID)
		v.period(path, x.Opened, x.Closed, "opened", "closed")
		if x.Completed && x.Closed.IsZero() {
			v.fail(path+".closed", "a completed case needs closed, the day it ended")
		}
		if x.Contract != "" && !contracts[x.Contract] {
			v.fail(path+".contract", "%q is not the id of an entry in supervision_contracts", x.Contract)
		}
		v.unique(path+".focus", "focus", x.Focus)
	}
	for i, x := range p.Sessions {
		path := fmt.Sprintf("$.supervision_sessions[%d]", i)
		v.id(path, x.ID)
		if !supervisors[x.Supervisor] {
			v.fail(path+".supervisor", "%q is not the id of an entry in supervisors", x.Supervisor)
		}
		if x.Contract != "" && !contracts[x.Contract] {
			v.fail(path+".contract", "%q is not the id of an entry in supervision_contracts", x.Contract)
		}
		switch {
		case x.Format == "group" && x.GroupSize < 2:
			v.fail(path+".group_size", "a group session needs group_size, the number of supervisees, of at least 2")
		case x.Format == "individual" && x.GroupSize > 1:
			v.fail(path+".group_size", "an individual session has one supervisee, not %d; use format group", x.GroupSize)
		}
	}
	for i, x := range p.SupervisionGiven {
		v.id(fmt.Sprintf("$.supervision_given[%d]", i), x.ID)
	}
	for i, x := range p.Exams {
		path := fmt.Sprintf("$.exams[%d]", i)
		v.id(path, x.ID)
		v.period(path, x.Date, x.ValidTo, "date", "valid_to")
	}
	for i, x := range p.Attestations {
		v.id(fmt.Sprintf("$.attestations[%d]", i), x.ID)
	}
	for i, x := range p.PeerReviews {
		v.id(fmt.Sprintf("$.peer_reviews[%d]", i), x.ID)
	}
	for i, x := range p.Documents {
		v.id(fmt.Sprintf("$.documents[%d]", i), x.ID)
	}
	// Documents may support any item, so check them once every id is known.
	for i, x := range p.Documents {
		for j, s := range x.Supports {
			if _, ok := v.ids[s]; !ok {
				v.fail(fmt.Sprintf("$.documents[%d].supports[%d]", i, j), "%q is not the id of any item in this portfolio", s)
			}
		}
	}
}
