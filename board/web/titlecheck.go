package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// titleSetID is the requirement set a title check applies: may this person
// market themselves as a sex therapist in Florida?
const titleSetID = "florida-sex-therapist"

// maxTitlePortfolio bounds a portfolio sent to be checked: the most
// portfolio.Decode reads.
const maxTitlePortfolio = portfolio.MaxSize

// titleCheckRoutes registers the regulators' title-use check: anyone may
// check a portfolio they upload (nothing is stored); regulators and staff
// may check a person in the registry by a credential of theirs, which is
// audited.
func (s *Server) titleCheckRoutes() {
	// The page and the API share one limit.
	limit := s.limiter(titleCheckLimit)
	s.route("GET /title-check", Public, http.HandlerFunc(s.titleCheckPage))
	s.route("POST /title-check", Public, limit(s.handle(s.titleCheckUpload)))
	s.route("POST /title-check/person", Regulator, s.handle(s.titleCheckPerson))
	s.route("POST /api/v1/title-check", Public, limit(s.handle(s.apiTitleCheck)))
	s.route("GET /api/v1/title-check/credentials/{id}", Regulator, s.handle(s.apiTitleCheckPerson))
}

// The evidence a title check judges: what its answer may claim depends on
// who vouches for it.
const (
	// evidenceUploaded is a portfolio someone sent: its evidence and its
	// verification states are as they typed them, and nobody has checked
	// any of it.
	evidenceUploaded = "uploaded"
	// evidenceBoardSnapshot is the portfolio the board approved when it
	// issued a credential, with the verification states the board
	// recorded.
	evidenceBoardSnapshot = "board_snapshot"
)

// titleResult is a title check's answer: the explainable report of the
// title's requirement set, and the answer in a sentence.
type titleResult struct {
	Set    *requirements.Set
	Report *eligibility.Report
	// Problems are validation problems of a stored portfolio (an uploaded
	// one has none: it is decoded strictly).
	Problems portfolio.Errors
	// Evidence is evidenceUploaded or evidenceBoardSnapshot.
	Evidence string
	// Met says that the evidence judged meets every requirement (the
	// engine's verdict is eligible), whoever vouches for it.
	Met bool
	// MayUse says that the person may use the title on the evidence: it
	// is met on evidence the board verified. Evidence someone entered
	// themselves never shows it.
	MayUse bool
	Answer string
	// AsOf is the day judged on.
	AsOf string
}

// SelfDeclared says whether the evidence judged is what someone entered
// themselves, which nobody has verified.
func (r *titleResult) SelfDeclared() bool { return r.Evidence == evidenceUploaded }

// titleCheck judges a portfolio against the title's requirement set in
// force today (pure but for the clock and the sets in force); evidence
// says where the portfolio comes from (evidenceUploaded or
// evidenceBoardSnapshot), which decides what the answer may claim.
func (s *Server) titleCheck(p *portfolio.Portfolio, evidence string) (*titleResult, error) {
	today := s.today()
	set, why, err := eligibility.Select(s.sets(), titleSetID, p, today)
	if err != nil {
		return nil, fmt.Errorf("the title's requirement set: %w", err)
	}
	rep := eligibility.Evaluate(p, set, today)
	if rep.Set.Why == "" {
		rep.Set.Why = "The version " + why + "."
	}
	res := &titleResult{Set: set, Report: rep, Problems: portfolio.Validate(p), Evidence: evidence, Met: rep.Eligible,
		MayUse: rep.Eligible && evidence == evidenceBoardSnapshot, AsOf: today.String()}
	who := strings.TrimSpace(p.Person.Name)
	if who == "" {
		who = "this person"
	}
	credential := set.Credential
	if credential == "" {
		credential = set.Title
	}
	var missing []string
	for _, r := range rep.Results {
		if r.Status == eligibility.Unmet {
			missing = append(missing, r.Title)
		}
	}
	rule := fmt.Sprintf("%s, version %s", set.Title, set.Version)
	if res.SelfDeclared() {
		// What the engine found, said of the evidence: an uploaded
		// portfolio states its own verification, so no answer about it
		// says that anyone may use the title.
		switch {
		case rep.Eligible:
			res.Answer = fmt.Sprintf("The evidence entered meets every requirement of %s, as of %s. It was entered by whoever sent it and nobody has verified it, so this does not show that %s may use the title.", rule, today, who)
		case rep.Verdict == eligibility.VerdictPending:
			res.Answer = fmt.Sprintf("Not yet: the evidence entered would meet %s once the items it marks as unverified were verified; as of %s it does not. Nobody has verified any of it. The report says which items.", rule, today)
		default:
			res.Answer = fmt.Sprintf("The evidence entered does not meet %s (%s). Not met as of %s: %s. The report says what is missing.", rule, credential, today, strings.Join(missing, "; "))
		}
		return res, nil
	}
	switch {
	case rep.Eligible:
		res.Answer = fmt.Sprintf("Yes: %s may use the title. The evidence the board verified meets every requirement of %s, as of %s.", who, rule, today)
	case rep.Verdict == eligibility.VerdictPending:
		res.Answer = fmt.Sprintf("Not yet: %s may not use the title until the evidence still unverified is verified; with it, it would meet %s, as of %s. The report says which.", who, rule, today)
	default:
		res.Answer = fmt.Sprintf("No: %s may not use the title (%s) on the evidence the board holds. Not met as of %s: %s. The report says what is missing.", who, credential, today, strings.Join(missing, "; "))
	}
	return res, nil
}

// titleView is the title check page.
type titleView struct {
	// Input is the portfolio pasted, to show again.
	Input    string
	Problems portfolio.Errors
	Result   *titleResult
	// Person is set for a regulator's look-up of a person in the registry.
	Person *titlePerson
	// Credential is the credential id asked for.
	Credential string
	// CanLookUp says whether the caller may look people up.
	CanLookUp bool
	// NeedsTwoFactor: the caller could look people up once they turn on
	// two-factor sign-in.
	NeedsTwoFactor bool
	SetTitle       string
}

// titlePerson is the person a regulator looked up, and the credential by
// which they did.
type titlePerson struct {
	Name         string
	Credential   *board.IssuedCredential
	Standing     string
	StandingText string
	SetTitle     string
}

// mayLookUp reports whether a user may look people up: regulators and
// staff, signed in with two factors (personal data needs both).
func mayLookUp(u *auth.User) bool {
	return u != nil && (u.HasRole(auth.Regulator) || u.IsStaff()) && u.TwoFactor()
}

func (s *Server) titleView(r *http.Request) titleView {
	u := userFrom(r)
	v := titleView{CanLookUp: mayLookUp(u), NeedsTwoFactor: u != nil && (u.HasRole(auth.Regulator) || u.IsStaff()) && !u.TwoFactor()}
	if set := s.sets().Latest(titleSetID); set != nil {
		v.SetTitle = set.Title
	}
	return v
}

// titleCheckPage shows the forms: upload a portfolio, or (regulators) give
// a credential id.
func (s *Server) titleCheckPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "title_check", page{Title: "Title-use check", Data: s.titleView(r)})
}

// decodeTitlePortfolio decodes a portfolio strictly; problems name the
// field.
func decodeTitlePortfolio(data []byte) (*portfolio.Portfolio, portfolio.Errors) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, portfolio.Errors{{Path: "$", Message: "empty: choose a portfolio JSON file or paste its text"}}
	}
	p, err := portfolio.Decode(data)
	if err == nil {
		return p, nil
	}
	var list portfolio.Errors
	var one portfolio.FieldError
	switch {
	case errors.As(err, &list):
		return nil, list
	case errors.As(err, &one):
		return nil, portfolio.Errors{one}
	}
	return nil, portfolio.Errors{{Path: "$", Message: err.Error()}}
}

// titleCheckUpload checks a portfolio uploaded as a file or pasted; nothing
// is stored.
func (s *Server) titleCheckUpload(w http.ResponseWriter, r *http.Request) error {
	v := s.titleView(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxTitlePortfolio+8192)
	if err := r.ParseMultipartForm(maxTitlePortfolio); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		status, msg := http.StatusBadRequest, "The form could not be read; choose the file again and send it once more."
		if tooLarge(err) {
			status, msg = http.StatusRequestEntityTooLarge, "The portfolio is larger than 4 MiB; send a smaller file."
		}
		s.render(w, r, status, "title_check", page{Title: "Title-use check",
			Errors: map[string]string{"portfolio": msg}, Data: v})
		return nil
	}
	data := []byte(r.FormValue("portfolio"))
	if f, _, err := r.FormFile("file"); err == nil {
		// One byte over the limit, for Decode to refuse naming the limit.
		data, err = io.ReadAll(io.LimitReader(f, maxTitlePortfolio+1))
		f.Close()
		if err != nil {
			return err
		}
	}
	if len(data) <= 256<<10 {
		v.Input = string(data)
	}
	p, problems := decodeTitlePortfolio(data)
	if problems != nil {
		v.Problems = problems
		status, msg := http.StatusUnprocessableEntity, "The portfolio was not checked: fix the problems listed and send it again."
		if le := overLimit(problems); le != nil {
			status, msg = limitStatus(le), "The portfolio was not checked: "+problems[0].Message+"."
		}
		s.render(w, r, status, "title_check", page{Title: "Title-use check",
			Errors: map[string]string{"portfolio": msg}, Data: v})
		return nil
	}
	res, err := s.titleCheck(p, evidenceUploaded)
	if err != nil {
		return err
	}
	v.Result = res
	s.render(w, r, http.StatusOK, "title_check", page{Title: "Title-use check", Data: v})
	return nil
}

// credentialIDPattern is what a credential id looks like (a UUID, or any
// id of letters, digits and hyphens).
var credentialIDPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,100}$`)

// parseCredentialRef takes a credential id, or its address ending in
// /credentials/{id}.
func parseCredentialRef(in string) (string, bool) {
	in = strings.TrimSpace(in)
	if i := strings.LastIndex(in, "/credentials/"); i >= 0 {
		in = in[i+len("/credentials/"):]
		if j := strings.IndexAny(in, "/?#"); j >= 0 {
			in = in[:j]
		}
	}
	return in, credentialIDPattern.MatchString(in)
}

// errLookUpNotAllowed refuses staff without two factors a person look-up.
var errLookUpNotAllowed = errors.New("look-up not allowed")

// needTwoFactor answers errLookUpNotAllowed (403).
func needTwoFactor() *certboard.Error {
	return &certboard.Error{Code: certboard.Forbidden, Title: "Two-factor sign-in required",
		Message: "Looking people up shows personal data: regulators and staff must turn on two-factor sign-in (Account, Two-factor) first."}
}

// lookUpPerson loads the holder of credential id and their frozen approved
// portfolio, judges it for the title, and records the look-up in the audit
// log (who looked up whom), all before anything is shown. A credential that
// does not exist is certboard.ErrNotFound; so is, to anyone but staff, a
// private holder (see board.LookUpHolder), so that a look-up cannot tell the two
// apart.
func (s *Server) lookUpPerson(ctx context.Context, u *auth.User, id string) (*titlePerson, *titleResult, error) {
	if !mayLookUp(u) {
		return nil, nil, errLookUpNotAllowed
	}
	found, err := s.board.LookUpHolder(ctx, u, id)
	if err != nil {
		return nil, nil, err
	}
	c, holder, app := found.Credential, found.Holder, found.App
	if len(app.Snapshot) == 0 {
		return nil, nil, fmt.Errorf("credential %s: application %d has no frozen portfolio", c.ID, app.ID)
	}
	p, err := portfolio.DecodeStored(app.Snapshot)
	if err != nil {
		return nil, nil, fmt.Errorf("credential %s: the frozen portfolio of application %d no longer decodes: %w", c.ID, app.ID, err)
	}
	res, err := s.titleCheck(p, evidenceBoardSnapshot)
	if err != nil {
		return nil, nil, err
	}
	person := &titlePerson{Name: holder.Name, Credential: c}
	person.Standing, person.StandingText = s.standing(c)
	person.SetTitle = s.credentialTitle(c)
	err = s.board.RecordLookUp(ctx, u, c, fmt.Sprintf("%s %s: %s", titleSetID, res.Set.Version, res.Report.Verdict))
	if err != nil {
		return nil, nil, err
	}
	return person, res, nil
}

// titleCheckPerson is a regulator's look-up of a person in the registry by
// a credential of theirs (?credential=id or its address).
func (s *Server) titleCheckPerson(w http.ResponseWriter, r *http.Request) error {
	// A POST, so that another site cannot make a regulator's browser run
	// (and put in the audit log under their name) look-ups they never asked for.
	if err := s.form(w, r); err != nil {
		return err
	}
	v := s.titleView(r)
	v.Credential = r.PostForm.Get("credential")
	id, ok := parseCredentialRef(v.Credential)
	if !ok {
		msg := "Give the id of one of the person's credentials, or its address ending in /credentials/{id}."
		if strings.TrimSpace(v.Credential) != "" {
			msg = "This is not a credential id or address: " + msg
		}
		s.render(w, r, http.StatusUnprocessableEntity, "title_check", page{Title: "Title-use check",
			Errors: map[string]string{"credential": msg}, Data: v})
		return nil
	}
	person, res, err := s.lookUpPerson(r.Context(), userFrom(r), id)
	switch {
	case errors.Is(err, errLookUpNotAllowed):
		return needTwoFactor()
	case errors.Is(err, certboard.ErrNotFound):
		s.render(w, r, http.StatusNotFound, "title_check", page{Title: "Title-use check",
			Errors: map[string]string{"credential": "No credential has the id " + id + "; check it against the registry."}, Data: v})
		return nil
	case err != nil:
		return err
	}
	v.Person, v.Result = person, res
	s.render(w, r, http.StatusOK, "title_check", page{Title: "Title-use check: " + person.Name, Data: v})
	return nil
}

// titleAnswer is a title check as the API answers it.
type titleAnswer struct {
	SetID string `json:"set_id"`
	// RequirementsMet: the evidence judged meets every requirement.
	RequirementsMet bool `json:"requirements_met"`
	// MayUseTitle: met on evidence the board verified; never for an
	// uploaded portfolio, which nobody has verified.
	MayUseTitle bool                `json:"may_use_title"`
	Answer      string              `json:"answer"`
	Evidence    string              `json:"evidence"`
	Report      *eligibility.Report `json:"report"`
	Problems    portfolio.Errors    `json:"problems"`
	Person      *titlePersonJSON    `json:"person,omitempty"`
}

// titlePersonJSON is the person looked up, as the API shows them.
type titlePersonJSON struct {
	Name       string                 `json:"name"`
	Credential titleCredentialJSON    `json:"credential"`
	Status     credentialStatusAnswer `json:"status"`
}

type titleCredentialJSON struct {
	ID         string `json:"id"`
	URL        string `json:"url"`
	SetID      string `json:"set_id"`
	SetVersion string `json:"set_version"`
	IssuedAt   string `json:"issued_at"`
}

func answerOf(res *titleResult) titleAnswer {
	return titleAnswer{SetID: titleSetID, RequirementsMet: res.Met, MayUseTitle: res.MayUse, Answer: res.Answer, Evidence: res.Evidence,
		Report: res.Report, Problems: res.Problems}
}

// apiTitleCheck checks a portfolio sent as the body (its JSON); nothing is
// stored. 200 whatever the answer; 422 with every problem, by JSON path,
// when the portfolio is not valid.
func (s *Server) apiTitleCheck(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTitlePortfolio))
	if err != nil {
		if tooLarge(err) {
			le := jsonlimit.SizeError(maxTitlePortfolio)
			refuseOverLimit(w, le, "the portfolio is "+le.Error())
			return nil
		}
		return &certboard.Error{Code: certboard.Malformed, Title: "Body not read", Message: "The request body could not be read; send the portfolio again."}
	}
	p, problems := decodeTitlePortfolio(data)
	if le := overLimit(problems); le != nil {
		refuseOverLimit(w, le, problems[0].Message)
		return nil
	}
	if problems != nil {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		_ = json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": "Invalid portfolio", "status": http.StatusUnprocessableEntity,
			"detail": problems[0].Error() + " (" + certboard.Plural(len(problems), "problem", "problems") + " in all; see errors)", "errors": problems})
		return nil
	}
	res, err := s.titleCheck(p, evidenceUploaded)
	if err != nil {
		return err
	}
	writeJSON(w, answerOf(res))
	return nil
}

// apiTitleCheckPerson is a regulator's look-up of a person by a credential
// of theirs, audited.
func (s *Server) apiTitleCheckPerson(w http.ResponseWriter, r *http.Request) error {
	id, ok := parseCredentialRef(r.PathValue("id"))
	if !ok {
		return notFound("Credential not found", "id: no credential has this id.")
	}
	person, res, err := s.lookUpPerson(r.Context(), userFrom(r), id)
	switch {
	case errors.Is(err, errLookUpNotAllowed):
		return needTwoFactor()
	case errors.Is(err, certboard.ErrNotFound):
		return notFound("Credential not found", "id: no credential has the id "+id+".")
	case err != nil:
		return err
	}
	a := answerOf(res)
	c := person.Credential
	// The reasons for a suspension or revocation are for the holder and
	// the board only: a regulator sees the status and its date.
	st := s.statusAnswer(c)
	st.RevokeReason, st.SuspendReason = "", ""
	a.Person = &titlePersonJSON{Name: person.Name, Status: st, Credential: titleCredentialJSON{ID: c.ID,
		URL: s.publicBase() + "/credentials/" + c.ID, SetID: c.SetID, SetVersion: c.SetVersion, IssuedAt: c.IssuedAt.UTC().Format("2006-01-02T15:04:05Z07:00")}}
	writeJSON(w, a)
	return nil
}

// tooLarge reports whether reading a body failed on its size limit.
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || errors.Is(err, multipart.ErrMessageTooLarge)
}
