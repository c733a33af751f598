package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/practice/session"
)

// MaxBundleSize is the largest bundle ParseBundle reads: room for a
// record of years of notes and measures.
const MaxBundleSize = 32 << 20

// MaxEntries is the most resources a bundle may hold.
const MaxEntries = 50000

// ParseOptions say how a bundle is read.
type ParseOptions struct {
	// Now is the time notes are checked against (none may be signed or
	// written later).
	Now time.Time
	// Progress, when set, is told after each resource how many are read
	// of how many.
	Progress func(done, total int)
}

// ParseBundle reads a Bundle that Export wrote (by this or another
// certboard) back into a Record. The bundle is bounded in size
// (MaxBundleSize), nesting (jsonlimit.MaxDepth) and entries (MaxEntries),
// and each resource in size (MaxResourceSize), list length
// (MaxArrayLength) and values (MaxResourceValues), by a scan of the bytes
// before anything is decoded; every resource is checked against the FHIR R4 schema's definition of its
// type, decoded refusing any element certboard does not keep, and checked
// for what certboard needs: one Patient, references that resolve, answers
// an instrument allows, scores that agree with the answers, codes that
// agree with the concern, sessions whose status, class, codes and times
// agree, notes that record an attended session of their own case. A bundle with any problem is refused whole: a
// TooLarge or Malformed *certboard.Error, or an Invalid one whose Fields
// name each bad resource and field, as `entry[3] Observation "score-1":
// valueQuantity.value`. Nothing of a refused bundle is returned.
func ParseBundle(data []byte, opts ParseOptions) (Record, error) {
	if err := jsonlimit.Check(data, jsonlimit.Limits{MaxBytes: MaxBundleSize}); err != nil {
		var le *jsonlimit.Error
		if errors.As(err, &le) && le.TooLarge() {
			return Record{}, certboard.Errorf(certboard.TooLarge, "the bundle is %s; export the record in parts", le.Error())
		}
		return Record{}, certboard.Errorf(certboard.Malformed, "the bundle is %s; certboard reads bundles nested at most %d levels", err, jsonlimit.MaxDepth)
	}
	if se := scanBundle(data); se != nil {
		if se.entries {
			return Record{}, certboard.Errorf(certboard.TooLarge, "the bundle holds more than %d resources; certboard reads at most %d", MaxEntries, MaxEntries)
		}
		var ps certboard.Problems
		ps.Add(se.field(), se.problem)
		return Record{}, ps.Err("The bundle cannot be imported")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return Record{}, certboard.Errorf(certboard.Malformed, "the file is not a JSON object: %v", err)
	}
	var rt string
	_ = json.Unmarshal(top["resourceType"], &rt)
	if rt != "Bundle" {
		return Record{}, certboard.FieldError(certboard.Invalid, "resourceType", fmt.Sprintf("the file is a %q; give a FHIR Bundle that certboard exported", rt))
	}
	var entries []map[string]json.RawMessage
	if e, ok := top["entry"]; ok {
		if err := json.Unmarshal(e, &entries); err != nil {
			return Record{}, certboard.FieldError(certboard.Invalid, "entry", "is not a list of entries")
		}
	}
	if len(entries) > MaxEntries {
		return Record{}, certboard.Errorf(certboard.TooLarge, "the bundle holds %d resources; certboard reads at most %d", len(entries), MaxEntries)
	}
	p := &parser{opts: opts, byURL: map[string]*entry{}}
	p.checkShell(top, entries)
	total := len(entries)
	for i, e := range entries {
		if p.problems.Len() >= certboard.MaxProblems {
			// As many problems as a refusal lists: checking the rest
			// would cost work and say nothing more.
			return Record{}, p.problems.Err("The bundle cannot be imported")
		}
		var url string
		_ = json.Unmarshal(e["fullUrl"], &url)
		p.read(i, url, e["resource"])
		if opts.Progress != nil {
			opts.Progress(i+1, total)
		}
	}
	rec := p.assemble()
	if err := p.problems.Err("The bundle cannot be imported"); err != nil {
		return Record{}, err
	}
	return rec, nil
}

// entry is one resource read.
type entry struct {
	index int
	typ   string
	id    string
	url   string
	res   any
	// labelled says the resource carries Part2Label.
	labelled bool
}

// field names a field of an entry: `entry[3] Observation "score-1": path`.
func (e *entry) field(path string) string {
	f := fmt.Sprintf("entry[%d] %s %q", e.index, e.typ, e.id)
	if path != "" {
		f += ": " + path
	}
	return f
}

type parser struct {
	opts     ParseOptions
	problems certboard.Problems
	entries  []*entry
	byURL    map[string]*entry
	// noteSessions are the progress notes that name the session they
	// record, checked once every session is read.
	noteSessions []noteSession
	// shellLabelled says the bundle carries Part2Label.
	shellLabelled bool
}

// labelled reads a meta certboard wrote: whether it holds Part2Label,
// refusing any other label (at path, "" for the bundle's).
func (p *parser) labelled(e *entry, m *Meta) bool {
	if m == nil {
		return false
	}
	found := false
	for i, c := range m.Security {
		if c.System == Part2Label.System && c.Code == Part2Label.Code {
			found = true
			continue
		}
		where, how := fmt.Sprintf("meta.security[%d]", i), fmt.Sprintf("%s|%s; certboard keeps only the label %s|%s (42 CFR Part 2); remove it", c.System, c.Code, Part2Label.System, Part2Label.Code)
		if e == nil {
			p.problems.Add("bundle "+where, how)
		} else {
			p.add(e, where, how)
		}
	}
	return found
}

// checkPart2 checks that the bundle and every resource carry Part2Label
// when the record carries the 42 CFR Part 2 notice, and none does when it
// does not.
func (p *parser) checkPart2(covered bool) {
	how := "labelled 42CFRPart2, but the record carries no 42 CFR Part 2 notice (a DocumentReference of note-kind " + part2NoticeKind + "); give the notice or remove the label"
	if covered {
		how = "missing the label 42CFRPart2; the record carries the 42 CFR Part 2 notice, so the bundle and every resource are labelled"
	}
	if p.shellLabelled != covered {
		p.problems.Add("bundle meta.security", how)
	}
	for _, e := range p.entries {
		if e.res != nil && e.labelled != covered {
			p.add(e, "meta.security", how)
		}
	}
}

// noteSession is a progress note (from, of case c) that names the
// Encounter (to) it records.
type noteSession struct {
	from, to *entry
	c        *RecordCase
}

// checkNoteSessions checks that each note that records a session names
// one of its own case that was attended, and that no session has two
// notes.
func (p *parser) checkNoteSessions(sessionCase map[*entry]*RecordCase) {
	recorded := map[*entry]*entry{}
	for _, l := range p.noteSessions {
		c := sessionCase[l.to]
		if c == nil {
			continue // the Encounter's own problems are reported
		}
		if c != l.c {
			p.add(l.from, "context.encounter[0]", "names a session of another case; a note records a session of its own case")
			continue
		}
		i := slices.IndexFunc(c.Sessions, func(s RecordSession) bool { return s.Key == l.to.id })
		if st := c.Sessions[i].Status; st != session.Attended {
			p.add(l.from, "context.encounter[0]", fmt.Sprintf("names session %q, which is %s; a progress note records a session that was attended",
				l.to.id, strings.ToLower(st.Label())))
		}
		if first := recorded[l.to]; first != nil {
			p.add(l.from, "context.encounter[0]", fmt.Sprintf("names session %q, which entry[%d] records already; a session has one progress note", l.to.id, first.index))
			continue
		}
		recorded[l.to] = l.from
	}
}

func (p *parser) add(e *entry, path, how string) { p.problems.Add(e.field(path), how) }

// checkShell checks the bundle without its resources against the schema,
// and that it is a collection.
func (p *parser) checkShell(top map[string]json.RawMessage, entries []map[string]json.RawMessage) {
	shell := map[string]json.RawMessage{}
	for k, v := range top {
		if k != "entry" {
			shell[k] = v
		}
		if !slices.Contains([]string{"resourceType", "id", "meta", "identifier", "type", "timestamp", "total", "entry"}, k) {
			p.problems.Add("bundle "+k, "certboard does not keep this element; remove it")
		}
	}
	if entries != nil {
		bare := make([]map[string]json.RawMessage, len(entries))
		for i, e := range entries {
			bare[i] = map[string]json.RawMessage{}
			for k, v := range e {
				if k != "resource" {
					bare[i][k] = v
				}
			}
		}
		shell["entry"], _ = json.Marshal(bare) // raw JSON re-marshalled: never fails
	}
	b, _ := json.Marshal(shell)
	if err := ValidateJSON(b); err != nil {
		var se *SchemaError
		if errors.As(err, &se) {
			for _, pr := range se.Problems {
				p.problems.Add("bundle "+pr.Path, pr.Message)
			}
			return
		}
		p.problems.Add("bundle", err.Error())
	}
	if m, ok := top["meta"]; ok {
		var meta Meta
		dec := json.NewDecoder(bytes.NewReader(m))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&meta); err != nil {
			p.problems.Add("bundle meta", "holds what certboard does not keep: "+strings.TrimPrefix(err.Error(), "json: "))
		}
		p.shellLabelled = p.labelled(nil, &meta)
	}
	var typ string
	_ = json.Unmarshal(top["type"], &typ)
	if typ != "collection" {
		p.problems.Add("bundle type", fmt.Sprintf("is %q; certboard reads the collection bundles it exports", typ))
	}
}

// newResource returns a value to decode a resource of the type into.
func newResource(typ string) any {
	switch typ {
	case "Patient":
		return &Patient{}
	case "EpisodeOfCare":
		return &EpisodeOfCare{}
	case "Condition":
		return &Condition{}
	case "CarePlan":
		return &CarePlan{}
	case "Encounter":
		return &Encounter{}
	case "QuestionnaireResponse":
		return &QuestionnaireResponse{}
	case "Observation":
		return &Observation{}
	case "DocumentReference":
		return &DocumentReference{}
	case "Consent":
		return &Consent{}
	}
	return nil
}

// read checks and decodes one entry.
func (p *parser) read(i int, url string, res json.RawMessage) {
	var head struct {
		ResourceType string `json:"resourceType"`
		ID           string `json:"id"`
		Meta         *Meta  `json:"meta"`
	}
	_ = json.Unmarshal(res, &head)
	e := &entry{index: i, typ: head.ResourceType, id: head.ID, url: url}
	if e.typ == "" {
		e.typ = "resource"
	}
	p.entries = append(p.entries, e)
	if len(res) == 0 {
		p.add(e, "", "the entry has no resource")
		return
	}
	if err := ValidateJSON(res); err != nil {
		var se *SchemaError
		if errors.As(err, &se) {
			for _, pr := range se.Problems {
				p.add(e, pr.Path, pr.Message)
			}
		} else {
			p.add(e, "resourceType", err.Error())
		}
		return
	}
	v := newResource(e.typ)
	if v == nil {
		p.add(e, "resourceType", "certboard does not import "+e.typ+" resources; export the record from certboard")
		return
	}
	dec := json.NewDecoder(bytes.NewReader(res))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		p.add(e, "", "holds what certboard does not keep: "+strings.TrimPrefix(err.Error(), "json: "))
		return
	}
	switch {
	case e.id == "":
		p.add(e, "id", "missing; every resource certboard imports has an id")
	case url == "":
		p.add(e, "fullUrl", "missing; references between resources use it")
	case p.byURL[url] != nil:
		p.add(e, "fullUrl", fmt.Sprintf("%s is also entry[%d]'s", url, p.byURL[url].index))
	default:
		p.byURL[url] = e
	}
	e.labelled = p.labelled(e, head.Meta)
	e.res = v
}

// resolve returns the entry a reference points to, of the type wanted.
func (p *parser) resolve(from *entry, path string, r *Reference, typ string) *entry {
	if r == nil || r.Reference == "" {
		p.add(from, path, "missing; give the reference to the "+typ)
		return nil
	}
	to := p.byURL[r.Reference]
	if to == nil || to.typ != typ {
		p.add(from, path, fmt.Sprintf("%s is no %s of the bundle", r.Reference, typ))
		return nil
	}
	return to
}

// extension returns the extension of certboard's with the name, or nil.
func extension(es []Extension, name string) *Extension {
	for i := range es {
		if es[i].URL == ext(name) {
			return &es[i]
		}
	}
	return nil
}

func extString(es []Extension, name string) string {
	if x := extension(es, name); x != nil {
		if x.ValueString != nil {
			return *x.ValueString
		}
		return x.ValueCode
	}
	return ""
}

// checkExtensions refuses an extension certboard does not know.
func (p *parser) checkExtensions(e *entry, path string, es []Extension, allowed ...string) {
	for i, x := range es {
		ok := false
		for _, a := range allowed {
			ok = ok || x.URL == ext(a) || x.URL == a
		}
		if !ok {
			p.add(e, fmt.Sprintf("%sextension[%d]", path, i), fmt.Sprintf("certboard does not keep %s; remove it", x.URL))
		}
	}
}

// parseTime reads a dateTime certboard wrote; "" is the zero time.
func (p *parser) parseTime(e *entry, path, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		p.add(e, path, fmt.Sprintf("%q is not a date and time with its zone", s))
	}
	return t.UTC()
}

func (p *parser) parseDate(e *entry, path, s string) date.Date {
	if s == "" {
		return date.Date{}
	}
	d, err := date.Parse(s)
	if err != nil {
		p.add(e, path, fmt.Sprintf("%q is not a date", s))
	}
	return d
}

func (p *parser) caseOf(e *entry, es []Extension, cases map[*entry]*RecordCase) *RecordCase {
	x := extension(es, extCase)
	if x == nil {
		p.add(e, "extension", "names no case; give the "+ext(extCase)+" extension")
		return nil
	}
	to := p.resolve(e, "extension("+extCase+")", x.ValueReference, "EpisodeOfCare")
	if to == nil {
		return nil
	}
	return cases[to]
}

// assemble builds the record from the entries read.
func (p *parser) assemble() Record {
	var rec Record
	var patient *entry
	for _, e := range p.entries {
		if e.typ == "Patient" && e.res != nil {
			if patient != nil {
				p.add(e, "", fmt.Sprintf("a second Patient (entry[%d] is the first); a record is one client's", patient.index))
				continue
			}
			patient = e
		}
	}
	if patient == nil {
		if p.problems.Len() == 0 {
			p.problems.Add("bundle entry", "holds no Patient; a record is one client's")
		}
		return rec
	}
	rec.Client = p.client(patient)
	subject := func(e *entry, path string, r *Reference) {
		if to := p.resolve(e, path, r, "Patient"); to != nil && to != patient {
			p.add(e, path, "is not the record's Patient")
		}
	}
	cases := map[*entry]*RecordCase{}
	var order []*entry
	for _, e := range p.entries {
		if ep, ok := e.res.(*EpisodeOfCare); ok {
			subject(e, "patient", &ep.Patient)
			c := p.episode(e, ep)
			cases[e] = &c
			order = append(order, e)
		}
	}
	responses := map[*entry]*RecordResponse{}
	respCase := map[*entry]*RecordCase{}
	var respOrder []*entry
	// Responses first: comorbidities and scores refer to them.
	for _, e := range p.entries {
		qr, ok := e.res.(*QuestionnaireResponse)
		if !ok {
			continue
		}
		subject(e, "subject", qr.Subject)
		c := p.caseOf(e, qr.Extension, cases)
		r := p.response(e, qr)
		if c != nil && r != nil {
			responses[e] = r
			respCase[e] = c
			respOrder = append(respOrder, e)
		}
	}
	// Corrections name responses by key, once all are read.
	for _, e := range p.entries {
		qr, ok := e.res.(*QuestionnaireResponse)
		if !ok || responses[e] == nil {
			continue
		}
		r := responses[e]
		if x := extension(qr.Extension, extCorrects); x != nil {
			if to := p.resolve(e, "extension("+extCorrects+")", x.ValueReference, "QuestionnaireResponse"); to != nil {
				r.Corrects = to.id
				if respCase[to] != respCase[e] {
					p.add(e, "extension("+extCorrects+")", "corrects a response of another case")
				}
			}
		}
		if qr.Status == "amended" && r.Corrects == "" {
			p.add(e, "status", "amended, but names no response it corrects; give the "+ext(extCorrects)+" extension or the status completed")
		}
	}
	sessionCase := map[*entry]*RecordCase{}
	for _, e := range p.entries {
		switch res := e.res.(type) {
		case *Condition:
			subject(e, "subject", &res.Subject)
			if c := p.caseOf(e, res.Extension, cases); c != nil {
				p.condition(e, res, c, responses)
			}
		case *CarePlan:
			subject(e, "subject", &res.Subject)
			if c := p.caseOf(e, res.Extension, cases); c != nil {
				if c.Plan != nil {
					p.add(e, "", "a second treatment plan for the case; certboard exports the latest only")
				}
				c.Plan = p.plan(e, res)
			}
		case *Encounter:
			subject(e, "subject", &res.Subject)
			if len(res.EpisodeOfCare) != 1 {
				p.add(e, "episodeOfCare", "give the one case the session belongs to")
				continue
			}
			if to := p.resolve(e, "episodeOfCare[0]", &res.EpisodeOfCare[0], "EpisodeOfCare"); to != nil {
				c := cases[to]
				if slices.ContainsFunc(c.Sessions, func(s RecordSession) bool { return s.Key == e.id }) {
					p.add(e, "id", "a second session of the case with this id; give each its own")
					continue
				}
				c.Sessions = append(c.Sessions, p.session(e, res))
				sessionCase[e] = c
			}
		case *Observation:
			subject(e, "subject", &res.Subject)
			p.observation(e, res, responses)
		case *DocumentReference:
			subject(e, "subject", &res.Subject)
			if extString(res.Extension, extNoteKind) == part2NoticeKind {
				if rec.Part2 {
					p.add(e, "", "a second 42 CFR Part 2 notice; the record carries one")
				}
				rec.Part2 = true
				p.part2Notice(e, res)
				continue
			}
			if c := p.caseOf(e, res.Extension, cases); c != nil {
				p.document(e, res, c)
			}
		case *Consent:
			subject(e, "patient", &res.Patient)
			rec.Consents = append(rec.Consents, p.consent(e, res))
		}
	}
	p.checkNoteSessions(sessionCase)
	p.checkPart2(rec.Part2)
	// Every score's response has its Observation, and only one.
	scoredBy := map[*entry]int{}
	for _, e := range p.entries {
		if o, ok := e.res.(*Observation); ok && len(o.DerivedFrom) == 1 {
			if to := p.byURL[o.DerivedFrom[0].Reference]; to != nil {
				scoredBy[to]++
			}
		}
	}
	for e, r := range responses {
		if r.Result != nil && scoredBy[e] != 1 {
			p.add(e, "", fmt.Sprintf("is scored, and %d Observations give its score; give one", scoredBy[e]))
		}
	}
	for _, e := range respOrder {
		respCase[e].Responses = append(respCase[e].Responses, *responses[e])
	}
	for _, e := range order {
		rec.Cases = append(rec.Cases, *cases[e])
	}
	return rec
}

func (p *parser) client(e *entry) RecordClient {
	pt := e.res.(*Patient)
	p.checkExtensions(e, "", pt.Extension, extPronouns, extGenderIdentity)
	c := RecordClient{
		DateOfBirth:    p.parseDate(e, "birthDate", pt.BirthDate),
		Pronouns:       extString(pt.Extension, extPronouns),
		GenderIdentity: extString(pt.Extension, extGenderIdentity),
	}
	for i, n := range pt.Name {
		switch {
		case n.Use == "official" && c.Name == "":
			c.Name = n.Text
		case n.Use == "usual" && c.PreferredName == "":
			c.PreferredName = n.Text
		default:
			p.add(e, fmt.Sprintf("name[%d]", i), "give one official name and at most one usual (preferred) name, each as text")
		}
	}
	if strings.TrimSpace(c.Name) == "" {
		p.add(e, "name", "missing; give the client's name as the official name's text")
	}
	for i, t := range pt.Telecom {
		switch {
		case t.System == "email" && c.Email == "":
			c.Email = t.Value
		case t.System == "phone" && c.Phone == "":
			c.Phone = t.Value
		default:
			p.add(e, fmt.Sprintf("telecom[%d]", i), "give at most one email and one phone")
		}
	}
	switch len(pt.Contact) {
	case 0:
	case 1:
		pc := pt.Contact[0]
		if len(pc.Relationship) > 0 {
			c.EmergencyRelationship = pc.Relationship[0].Text
		}
		if pc.Name != nil {
			c.EmergencyName = pc.Name.Text
		}
		if len(pc.Telecom) > 0 {
			c.EmergencyPhone = pc.Telecom[0].Value
		}
	default:
		p.add(e, "contact", "give at most one emergency contact")
	}
	return c
}

func (p *parser) episode(e *entry, ep *EpisodeOfCare) RecordCase {
	p.checkExtensions(e, "", ep.Extension, extStage, extCloseReason, extTaxonomy)
	c := RecordCase{Key: e.id, Stage: plissit.Stage(extString(ep.Extension, extStage)),
		CloseReason: extString(ep.Extension, extCloseReason), Taxonomy: extString(ep.Extension, extTaxonomy)}
	switch ep.Status {
	case "active":
		c.Status = "open"
	case "finished":
		c.Status = "closed"
	default:
		p.add(e, "status", fmt.Sprintf("%q; a case is active (open) or finished (closed)", ep.Status))
	}
	if _, err := plissit.ParseStage(string(c.Stage)); err != nil {
		p.add(e, "extension("+extStage+")", certboard.ErrorMessage(err))
	}
	if ep.Period == nil || ep.Period.Start == "" {
		p.add(e, "period.start", "missing; give when the case was opened")
	} else {
		c.OpenedAt = p.parseTime(e, "period.start", ep.Period.Start)
		c.ClosedAt = p.parseTime(e, "period.end", ep.Period.End)
	}
	if (c.Status == "closed") != !c.ClosedAt.IsZero() {
		p.add(e, "period.end", "a finished case has an end, an active one none")
	}
	return c
}

func (p *parser) condition(e *entry, cd *Condition, c *RecordCase, responses map[*entry]*RecordResponse) {
	role := ""
	for _, cat := range cd.Category {
		for _, cg := range cat.Coding {
			if cg.System == ConditionRoleSystem {
				role = cg.Code
			}
		}
	}
	if cd.Code == nil {
		p.add(e, "code", "missing; give the concern or comorbidity")
		return
	}
	switch role {
	case "concern":
		p.checkExtensions(e, "", cd.Extension, extCase, extOnset, extContext, extSeverity)
		d := concern.Diagnosis{Specifiers: concern.Specifiers{
			Onset:    concern.Onset(extString(cd.Extension, extOnset)),
			Context:  concern.Context(extString(cd.Extension, extContext)),
			Severity: concern.Severity(extString(cd.Extension, extSeverity)),
		}}
		var icd []string
		for _, cg := range cd.Code.Coding {
			switch cg.System {
			case ConcernSystem:
				d.Concern = cg.Code
			case ICD10CMSystem:
				icd = append(icd, cg.Code)
			}
		}
		tax := concern.Default()
		if c.Taxonomy != tax.Version() {
			p.add(e, "code", fmt.Sprintf("recorded under %q; this certboard knows %s", c.Taxonomy, tax.Version()))
			return
		}
		if err := tax.Check(d); err != nil {
			p.add(e, "code", certboard.ErrorMessage(err))
			return
		}
		codes, err := tax.Codes(d)
		if err != nil {
			p.add(e, "code", certboard.ErrorMessage(err))
			return
		}
		var want []string
		for _, k := range codes.ICD10CM {
			want = append(want, k.Code)
		}
		if !slices.Equal(icd, want) {
			p.add(e, "code.coding", fmt.Sprintf("ICD-10-CM %s does not match concern %s, which is coded %s", strings.Join(icd, ", "), d.Concern, strings.Join(want, ", ")))
			return
		}
		con, _ := tax.Lookup(d.Concern)
		c.Concerns = append(c.Concerns, RecordConcern{Diagnosis: d, Name: con.Name, Codes: codes})
	case "comorbidity":
		p.checkExtensions(e, "", cd.Extension, extCase, extSource, extEndReason)
		cm := RecordComorbidity{Source: extString(cd.Extension, extSource), EndReason: extString(cd.Extension, extEndReason),
			RecordedAt: p.parseTime(e, "recordedDate", cd.RecordedDate), EndedAt: p.parseTime(e, "abatementDateTime", cd.AbatementDateTime)}
		for _, cg := range cd.Code.Coding {
			if cg.System == ComorbiditySystem {
				cm.Kind = cg.Code
			}
		}
		if _, err := escalation.ParseKind(cm.Kind); err != nil {
			p.add(e, "code", certboard.ErrorMessage(err))
		}
		if cm.RecordedAt.IsZero() {
			p.add(e, "recordedDate", "missing; give when the comorbidity was recorded")
		}
		if len(cd.Note) > 1 {
			p.add(e, "note", "give at most one note")
		} else if len(cd.Note) == 1 {
			cm.Note = cd.Note[0].Text
		}
		if len(cd.Evidence) > 0 {
			if len(cd.Evidence) != 1 || len(cd.Evidence[0].Detail) != 1 {
				p.add(e, "evidence", "give one response the comorbidity comes from, or none")
			} else if to := p.resolve(e, "evidence[0].detail[0]", &cd.Evidence[0].Detail[0], "QuestionnaireResponse"); to != nil {
				if responses[to] == nil {
					p.add(e, "evidence[0].detail[0]", "names a response that cannot be imported")
				}
				cm.Measure = to.id
			}
		}
		c.Comorbidities = append(c.Comorbidities, cm)
	default:
		p.add(e, "category", "say whether the condition is a concern or a comorbidity ("+ConditionRoleSystem+")")
	}
}

func (p *parser) plan(e *entry, cp *CarePlan) *RecordPlan {
	p.checkExtensions(e, "", cp.Extension, extCase, extPlanVersion, extPlan)
	rp := &RecordPlan{SavedAt: p.parseTime(e, "created", cp.Created)}
	if x := extension(cp.Extension, extPlanVersion); x != nil && x.ValueInteger != nil {
		rp.Version = *x.ValueInteger
	}
	if rp.Version < 1 {
		p.add(e, "extension("+extPlanVersion+")", "give the plan's version, 1 or more")
	}
	x := extension(cp.Extension, extPlan)
	if x == nil || x.ValueAttachment == nil {
		p.add(e, "extension("+extPlan+")", "missing; certboard reads the plan from it")
		return rp
	}
	dec := json.NewDecoder(bytes.NewReader(x.ValueAttachment.Data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rp.Plan); err != nil {
		p.add(e, "extension("+extPlan+")", "is not a treatment plan: "+strings.TrimPrefix(err.Error(), "json: "))
	}
	return rp
}

func (p *parser) session(e *entry, en *Encounter) RecordSession {
	p.checkExtensions(e, "", en.Extension, extSessionStatus, extCancelledBy, extCancelledAt)
	s := RecordSession{Key: e.id, Status: session.Status(extString(en.Extension, extSessionStatus)),
		CancelledBy: session.Canceller(extString(en.Extension, extCancelledBy))}
	if x := extension(en.Extension, extCancelledAt); x != nil {
		s.CancelledAt = p.parseTime(e, "extension("+extCancelledAt+")", x.ValueDateTime)
	}
	if want, ok := encounterStatus[s.Status]; !ok {
		p.add(e, "extension("+extSessionStatus+")", fmt.Sprintf("%q; a session is scheduled, attended, cancelled or no_show", s.Status))
	} else if en.Status != want {
		p.add(e, "status", fmt.Sprintf("%q, but a session %s is %q", en.Status, s.Status, want))
	}
	switch {
	case s.Status == session.Cancelled && (!s.CancelledBy.Known() || s.CancelledAt.IsZero()):
		p.add(e, "extension("+extCancelledBy+")", "a cancelled session says who cancelled it (client, client_late or practice) and when ("+ext(extCancelledAt)+")")
	case s.Status != session.Cancelled && (s.CancelledBy != "" || !s.CancelledAt.IsZero()):
		p.add(e, "extension("+extCancelledBy+")", "only a cancelled session says who cancelled it and when")
	}
	for m, c := range encounterClass {
		if en.Class.System == c.System && en.Class.Code == c.Code {
			s.Modality = m
		}
	}
	if s.Modality == "" {
		p.add(e, "class", fmt.Sprintf("%s|%s; a session is in person (AMB) or by video (VR), of %s", en.Class.System, en.Class.Code, ActCodeSystem))
	}
	for i, t := range en.Type {
		if len(t.Coding) != 1 {
			p.add(e, fmt.Sprintf("type[%d]", i), "give one coding: the CPT code or the kind of session")
			continue
		}
		switch cg := t.Coding[0]; cg.System {
		case CPTSystem:
			if s.CPT != "" {
				p.add(e, fmt.Sprintf("type[%d]", i), "a second CPT code; a session is billed under one")
			}
			s.CPT = cg.Code
		case SessionKindSystem:
			if s.Kind != "" {
				p.add(e, fmt.Sprintf("type[%d]", i), "a second kind; a session is of one")
			}
			s.Kind = session.Kind(cg.Code)
		default:
			p.add(e, fmt.Sprintf("type[%d].coding[0].system", i), fmt.Sprintf("%q; give the CPT code (%s) and the kind (%s)", cg.System, CPTSystem, SessionKindSystem))
		}
	}
	if _, ok := session.LookupCPT(s.CPT); !ok {
		p.add(e, "type", fmt.Sprintf("CPT %q; a session is billed under one of %s", s.CPT, session.CPTList()))
	}
	if !s.Kind.Known() {
		p.add(e, "type", fmt.Sprintf("kind %q; a session is individual or couple (%s)", s.Kind, SessionKindSystem))
	}
	if len(en.Participant) != 1 || en.Participant[0].Individual == nil || en.Participant[0].Individual.Display == "" {
		p.add(e, "participant", "name the one practitioner who held the session (participant[0].individual.display)")
	} else {
		s.Practitioner = en.Participant[0].Individual.Display
	}
	if en.Length == nil || en.Length.Value == nil || en.Length.Code != "min" || en.Length.System != UCUMSystem ||
		*en.Length.Value != float64(int(*en.Length.Value)) || *en.Length.Value < session.MinMinutes || *en.Length.Value > session.MaxMinutes {
		p.add(e, "length", fmt.Sprintf("give the length in whole minutes (UCUM min), from %d to %d", session.MinMinutes, session.MaxMinutes))
	} else {
		s.Minutes = int(*en.Length.Value)
	}
	if en.Period == nil || en.Period.Start == "" {
		p.add(e, "period.start", "missing; give when the session starts")
		return s
	}
	s.Start = p.parseTime(e, "period.start", en.Period.Start)
	if end := p.parseTime(e, "period.end", en.Period.End); s.Minutes > 0 && !end.Equal(session.End(s.Start, s.Minutes)) {
		p.add(e, "period.end", fmt.Sprintf("%q, but the session starts %s and lasts %d minutes; give its end", en.Period.End, en.Period.Start, s.Minutes))
	}
	now := p.opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	if (s.Status == session.Attended || s.Status == session.NoShow) && s.Start.After(now) {
		p.add(e, "period.start", fmt.Sprintf("%s, in the future, but the session is marked %s; a session is marked once it has started", en.Period.Start, s.Status.Label()))
	}
	return s
}

func (p *parser) response(e *entry, qr *QuestionnaireResponse) *RecordResponse {
	p.checkExtensions(e, "", qr.Extension, extCase, extSex, extErrorReason, extCorrects)
	id, ok := strings.CutPrefix(qr.Questionnaire, Base+"/Questionnaire/")
	in, known := measure.Lookup(id)
	if !ok || !known {
		p.add(e, "questionnaire", fmt.Sprintf("%q is none of certboard's instruments (%s/…)", qr.Questionnaire, Base+"/Questionnaire"))
		return nil
	}
	r := &RecordResponse{Key: e.id, Instrument: in.ID, Answers: make([]*int, len(in.Items)),
		ErrorReason: extString(qr.Extension, extErrorReason), TakenAt: p.parseTime(e, "authored", qr.Authored)}
	sex, err := measure.ParseSex(extString(qr.Extension, extSex))
	if err != nil {
		p.add(e, "extension("+extSex+")", certboard.ErrorMessage(err))
	}
	r.Sex = sex
	if r.TakenAt.IsZero() {
		p.add(e, "authored", "missing; give when the client answered")
	}
	var total *float64
	for i, it := range qr.Item {
		path := fmt.Sprintf("item[%d]", i)
		if len(it.Answer) != 1 {
			p.add(e, path+".answer", "give one answer")
			continue
		}
		a := it.Answer[0]
		switch it.LinkID {
		case LinkTotal:
			if a.ValueDecimal == nil {
				p.add(e, path+".answer[0]", "the total is a valueDecimal")
			}
			total = a.ValueDecimal
			continue
		case LinkClosing:
			if a.ValueString == nil || *a.ValueString == "" {
				p.add(e, path+".answer[0]", "the closing answer is a valueString")
			} else {
				r.Closing = *a.ValueString
			}
			continue
		}
		n, err := strconv.Atoi(it.LinkID)
		if err != nil || n < 1 || n > len(in.Items) || strconv.Itoa(n) != it.LinkID {
			p.add(e, path+".linkId", fmt.Sprintf("%q is no item of %s (1 to %d, total or closing)", it.LinkID, in.Name, len(in.Items)))
			continue
		}
		if r.Answers[n-1] != nil {
			p.add(e, path+".linkId", fmt.Sprintf("item %d is answered twice", n))
			continue
		}
		if a.ValueCoding == nil || a.ValueCoding.System != answerSystem(in.ID) {
			p.add(e, path+".answer[0].valueCoding", "give the answer as a code of "+answerSystem(in.ID))
			continue
		}
		v, err := strconv.Atoi(a.ValueCoding.Code)
		if err != nil || !slices.Contains(in.Items[n-1].Allowed, v) {
			p.add(e, path+".answer[0].valueCoding.code", fmt.Sprintf("%q is not an answer %s item %d allows", a.ValueCoding.Code, in.Name, n))
			continue
		}
		r.Answers[n-1] = &v
	}
	complete := !slices.Contains(r.Answers, nil)
	switch qr.Status {
	case "completed", "amended":
		r.Status = StatusCompleted
		if !complete {
			p.add(e, "status", "completed, but not every item is answered; answer them all or give the status in-progress")
		}
	case "in-progress":
		r.Status = StatusInProgress
		if complete {
			p.add(e, "status", "in-progress, but every item is answered; give the status completed")
		}
	case "entered-in-error":
		r.Status = StatusEnteredInError
	default:
		p.add(e, "status", fmt.Sprintf("%q; certboard imports completed, amended, in-progress and entered-in-error responses", qr.Status))
	}
	if complete {
		vals := make([]int, len(r.Answers))
		for i, a := range r.Answers {
			vals[i] = *a
		}
		res, err := measure.Score(in.ID, vals, r.Sex)
		if err != nil {
			p.add(e, "item", certboard.ErrorMessage(err))
			return r
		}
		r.Result = res
		if total == nil || *total != res.Total {
			p.add(e, "item(total)", fmt.Sprintf("the answers score %s; give that total", strconv.FormatFloat(res.Total, 'f', -1, 64)))
		}
	} else if total != nil {
		p.add(e, "item(total)", "a response not fully answered has no total")
	}
	return r
}

func (p *parser) observation(e *entry, o *Observation, responses map[*entry]*RecordResponse) {
	p.checkExtensions(e, "", o.Extension, extBand, extPositive, extFlag)
	if len(o.DerivedFrom) != 1 {
		p.add(e, "derivedFrom", "give the one QuestionnaireResponse the score is derived from")
		return
	}
	to := p.resolve(e, "derivedFrom[0]", &o.DerivedFrom[0], "QuestionnaireResponse")
	if to == nil {
		return
	}
	r := responses[to]
	if r == nil {
		return // the response's own problems are reported
	}
	if r.Result == nil {
		p.add(e, "derivedFrom[0]", "names a response that is not scored")
		return
	}
	if o.ValueQuantity == nil || o.ValueQuantity.Value == nil || *o.ValueQuantity.Value != r.Result.Total {
		p.add(e, "valueQuantity.value", fmt.Sprintf("the response's answers score %s; give that", strconv.FormatFloat(r.Result.Total, 'f', -1, 64)))
	}
	if want := observationStatus(*r); o.Status != want {
		p.add(e, "status", fmt.Sprintf("%q, but the response makes it %q", o.Status, want))
	}
	if got := extString(o.Extension, extBand); got != r.Result.Band {
		p.add(e, "extension("+extBand+")", fmt.Sprintf("%q, but the answers fall in %q", got, r.Result.Band))
	}
}

func (p *parser) document(e *entry, d *DocumentReference, c *RecordCase) {
	p.checkExtensions(e, "", d.Extension, extCase, extNoteKind)
	if len(d.Content) != 1 || d.Content[0].Attachment.ContentType != "application/json" {
		p.add(e, "content", "give one application/json attachment, as certboard exports notes")
		return
	}
	data := d.Content[0].Attachment.Data
	now := p.opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	strict := func(b []byte, v any) error {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		return dec.Decode(v)
	}
	switch extString(d.Extension, extNoteKind) {
	case "progress":
		var doc progressNoteDoc
		if err := strict(data, &doc); err != nil {
			p.add(e, "content[0].attachment.data", "is not a progress note: "+strings.TrimPrefix(err.Error(), "json: "))
			return
		}
		n := RecordNote{Key: e.id, Author: doc.Author, SignedBy: doc.SignedBy, CreatedAt: doc.CreatedAt.UTC()}
		if err := strict(doc.Note, &n.Note); err != nil {
			p.add(e, "content[0].attachment.data", "is not a progress note: "+strings.TrimPrefix(err.Error(), "json: "))
			return
		}
		check := n.Note
		if check.Signed() {
			check.SignedBy = 1 // the signer is named, not an account here
		}
		if err := check.Check(now); err != nil {
			p.addNested(e, "content[0].attachment.data note.", err)
		}
		if check.Signed() != (n.SignedBy != "") {
			p.add(e, "content[0].attachment.data signed_by", "a signed note names who signed it, an unsigned one nobody")
		}
		for i, a := range doc.Amendments {
			var am note.Amendment
			if err := strict(a.Amendment, &am); err != nil {
				p.add(e, fmt.Sprintf("content[0].attachment.data amendments[%d]", i), "is not an amendment: "+strings.TrimPrefix(err.Error(), "json: "))
				continue
			}
			am.By = 0
			n.Amendments = append(n.Amendments, RecordAmendment{By: a.By, Amendment: am})
		}
		n.Note.SignedBy = 0
		if d.Context != nil && len(d.Context.Encounter) > 0 {
			if len(d.Context.Encounter) != 1 {
				p.add(e, "context.encounter", "give the one session the note records, or none")
			} else if to := p.resolve(e, "context.encounter[0]", &d.Context.Encounter[0], "Encounter"); to != nil {
				n.Session = to.id
				p.noteSessions = append(p.noteSessions, noteSession{from: e, to: to, c: c})
			}
		}
		c.Notes = append(c.Notes, n)
	case "psychotherapy":
		var doc psychotherapyNoteDoc
		var n RecordPsychotherapyNote
		err := strict(data, &doc)
		if err == nil {
			err = strict(doc.Note, &n.Note)
		}
		if err != nil {
			p.add(e, "content[0].attachment.data", "is not a psychotherapy note: "+strings.TrimPrefix(err.Error(), "json: "))
			return
		}
		n.Key, n.Author = e.id, doc.Author
		if d.Context != nil && len(d.Context.Encounter) > 0 {
			p.add(e, "context.encounter", "a psychotherapy note is kept apart from the record's sessions; remove it")
		}
		check := n.Note
		check.Author = 1
		if err := check.Check(now); err != nil {
			p.addNested(e, "content[0].attachment.data note.", err)
		}
		n.Note.Author = 0
		n.Note.WrittenAt = n.Note.WrittenAt.UTC()
		c.PsychotherapyNotes = append(c.PsychotherapyNotes, n)
	default:
		p.add(e, "extension("+extNoteKind+")", "say whether the note is a progress or a psychotherapy note")
	}
}

// part2Notice checks the DocumentReference that carries the 42 CFR Part
// 2 notice: the notice's text, and nothing else. The text is not kept:
// the practice that imports the record marks it, and its own disclosures
// carry the notice as it words it.
func (p *parser) part2Notice(e *entry, d *DocumentReference) {
	p.checkExtensions(e, "", d.Extension, extNoteKind)
	if len(d.Content) != 1 || !strings.HasPrefix(d.Content[0].Attachment.ContentType, "text/plain") || len(d.Content[0].Attachment.Data) == 0 {
		p.add(e, "content", "give the notice as one text/plain attachment")
	}
	if d.Context != nil {
		p.add(e, "context", "the notice is of the whole record; remove it")
	}
}

// addNested adds the field problems of a part's refusal under a prefix.
func (p *parser) addNested(e *entry, prefix string, err error) {
	ce := certboard.As(err)
	if len(ce.Fields) == 0 {
		p.add(e, strings.TrimSuffix(prefix, "."), ce.Message)
		return
	}
	keys := make([]string, 0, len(ce.Fields))
	for k := range ce.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		p.add(e, prefix+k, ce.Fields[k])
	}
}

func (p *parser) consent(e *entry, cs *Consent) RecordConsent {
	p.checkExtensions(e, "", cs.Extension, extConsentVersion, extSigner, extGuardian, extWitness, extWithdrawnAt, extWithdrawReason)
	c := RecordConsent{Key: e.id, Signer: extString(cs.Extension, extSigner), GuardianRelationship: extString(cs.Extension, extGuardian),
		Witness: extString(cs.Extension, extWitness), WithdrawalReason: extString(cs.Extension, extWithdrawReason),
		SignedAt: p.parseTime(e, "dateTime", cs.DateTime)}
	if x := extension(cs.Extension, extWithdrawnAt); x != nil {
		c.WithdrawnAt = p.parseTime(e, "extension("+extWithdrawnAt+")", x.ValueDateTime)
	}
	if x := extension(cs.Extension, extConsentVersion); x != nil && x.ValueInteger != nil {
		c.Version = *x.ValueInteger
	}
	if cs.SourceAttachment == nil || len(cs.SourceAttachment.Data) == 0 {
		p.add(e, "sourceAttachment", "missing; give the text that was signed")
	} else {
		c.Title, c.Text = cs.SourceAttachment.Title, string(cs.SourceAttachment.Data)
	}
	if len(cs.Performer) != 1 || cs.Performer[0].Display == "" {
		p.add(e, "performer", "give the name the consent was signed with")
	} else {
		c.SignedName = cs.Performer[0].Display
	}
	if c.Signer != "client" && c.Signer != "guardian" {
		p.add(e, "extension("+extSigner+")", fmt.Sprintf("%q; the signer is the client or a guardian", c.Signer))
	}
	if c.SignedAt.IsZero() {
		p.add(e, "dateTime", "missing; give when the consent was signed")
	}
	if (cs.Status == "inactive") != !c.WithdrawnAt.IsZero() || (cs.Status != "active" && cs.Status != "inactive") {
		p.add(e, "status", "active for a consent in force, inactive with the time it was withdrawn")
	}
	return c
}
