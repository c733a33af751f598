package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/fhir"
)

// A client's record out of and into the practice as FHIR R4: the export
// is a download from the record page, for the client's practitioners; an
// import runs in the background while its page, refreshing itself, shows
// how far it has come.

func init() { clientSections = append(clientSections, recordsSection) }

// recordRoutes registers the export and import of records; New calls it.
func (s *Server) recordRoutes() {
	imports := &importJobs{jobs: map[string]*importJob{}}
	s.route("POST /clients/{id}/export", Practitioner, s.handle(s.exportRecord))
	s.route("GET /record-imports", Practitioner, s.handle(s.importPage))
	s.route("POST /record-imports", Practitioner, s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return s.startImport(w, r, imports)
	}))
	s.route("GET /record-imports/{job}", Practitioner, s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return s.importStatus(w, r, imports)
	}))
}

// RecordsSectionView is the export part of a client's record page.
type RecordsSectionView struct {
	ClientID int64
}

// recordsSection offers the client's practitioners the record's export;
// nil for anyone else (an admin under emergency access reads, never takes
// the record away).
func recordsSection(s *Server, r *http.Request, rec *practice.ClientRecord) (*ClientSection, error) {
	if !rec.Access.Assigned {
		return nil, nil
	}
	return &ClientSection{ID: "export", Title: "Export the record", Block: "records-section", Data: RecordsSectionView{ClientID: rec.Client.ID}}, nil
}

// exportRecord downloads a client's record as a FHIR R4 Bundle; with
// psychotherapy=yes, the reader's own psychotherapy notes too. It is a
// POST, which the kit refuses from another site: a disclosure, audited,
// never follows a link.
func (s *Server) exportRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	if err := textForm(w, r, 0); err != nil {
		return err
	}
	out, err := s.practice.ExportRecord(r.Context(), actor(r), id, practice.ExportOptions{PsychotherapyNotes: r.PostForm.Get("psychotherapy") == "yes"})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/fhir+json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="client-%d-record.fhir.json"`, id))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(append(out, '\n'))
	return nil
}

// ImportPageView is what the import page shows.
type ImportPageView struct {
	MaxMiB int
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "records_import", page{Title: "Import a client's record", Data: ImportPageView{MaxMiB: fhir.MaxBundleSize >> 20}})
	return nil
}

// The bounds of the imports in the background: one runs at a time in the
// process (checking a bundle takes memory of a few times its size; see
// docs/benchmarks.md), and anyone who starts another while it runs is
// told to try again in a minute; a finished import's page is kept a while.
const (
	maxRunningImports = 1
	importKept        = time.Hour
	// importRefresh is how often a running import's page reloads itself.
	importRefresh = 2
)

// importJobs are the imports started from the browser, by their
// unguessable id.
type importJobs struct {
	mu   sync.Mutex
	jobs map[string]*importJob
}

// importJob is one import in the background.
type importJob struct {
	owner    int64
	stage    string
	done     int
	total    int
	client   int64
	err      error
	finished time.Time
}

// ImportStatusView is what an import's page shows.
type ImportStatusView struct {
	Running bool
	// Stage is "read" while the bundle is checked, "write" while the
	// record is stored.
	Stage       string
	Done, Total int
	Client      int64
	// Problem says why the import was refused, and Fields what is wrong
	// where, each "where: what".
	Problem string
	Fields  []string
	Refresh int
}

// startImport takes the import's place (refusing while another runs,
// before reading the upload), reads the uploaded bundle and imports it in
// the background, then shows its page.
func (s *Server) startImport(w http.ResponseWriter, r *http.Request, jobs *importJobs) error {
	by := actor(r)
	id, err := jobs.start(by.UserID, time.Now())
	if err != nil {
		return err
	}
	bundle, err := readBundle(w, r)
	if err != nil {
		jobs.drop(id)
		return err
	}
	ctx := context.WithoutCancel(r.Context())
	go func() {
		client, err := s.practice.ImportRecord(ctx, by, bundle, practice.ImportOptions{Progress: func(stage string, done, total int) {
			jobs.update(id, func(j *importJob) { j.stage, j.done, j.total = stage, done, total })
		}})
		if err != nil && certboard.ErrorCode(err) == certboard.Internal {
			s.cfg.Log.Error("importing a record", "error", err)
		}
		jobs.update(id, func(j *importJob) { j.client, j.err, j.finished = client, err, time.Now() })
	}()
	redirect(w, r, "/record-imports/"+id, "")
	return nil
}

// readBundle reads the file of the import form, at most
// fhir.MaxBundleSize.
func readBundle(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	tooLarge := certboard.FieldError(certboard.TooLarge, "file", fmt.Sprintf("the file is larger than the %d MiB a record may have", fhir.MaxBundleSize>>20))
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil, certboard.FieldError(certboard.Invalid, "file", "choose the file of the record to import")
	}
	r.Body = http.MaxBytesReader(w, r.Body, fhir.MaxBundleSize+formOverhead)
	if err := r.ParseMultipartForm(formOverhead); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, tooLarge
		}
		return nil, &certboard.Error{Code: certboard.Malformed, Title: "The form could not be read", Message: "Send the form again.", Err: err}
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil || hdr.Size == 0 {
		return nil, certboard.FieldError(certboard.Invalid, "file", "choose the file of the record to import")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, fhir.MaxBundleSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > fhir.MaxBundleSize {
		return nil, tooLarge
	}
	return data, nil
}

// start registers a new import of owner's, refusing a second one of
// theirs while one runs, or more than maxRunningImports in all: the
// place it takes is freed when the import ends (or by drop).
func (j *importJobs) start(owner int64, now time.Time) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b)
	j.mu.Lock()
	defer j.mu.Unlock()
	running := 0
	for k, job := range j.jobs {
		switch {
		case !job.finished.IsZero() && now.Sub(job.finished) > importKept:
			delete(j.jobs, k)
		case job.finished.IsZero() && job.owner == owner:
			return "", certboard.Errorf(certboard.Conflict, "an import of yours is still running; wait until it ends, then import the next record")
		case job.finished.IsZero():
			running++
		}
	}
	if running >= maxRunningImports {
		return "", &certboard.Error{Code: certboard.RateLimited, Message: "another record is being imported in the practice now, and imports run one at a time; try again in a minute", RetryAfterSeconds: 60}
	}
	j.jobs[id] = &importJob{owner: owner}
	return id, nil
}

// drop forgets an import that never began (its upload was refused).
func (j *importJobs) drop(id string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.jobs, id)
}

// update changes an import under the lock.
func (j *importJobs) update(id string, f func(*importJob)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if job, ok := j.jobs[id]; ok {
		f(job)
	}
}

// view is an import as its owner sees it; false for an import that is
// not theirs or no longer kept.
func (j *importJobs) view(id string, owner int64) (ImportStatusView, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job, ok := j.jobs[id]
	if !ok || job.owner != owner {
		return ImportStatusView{}, false
	}
	v := ImportStatusView{Running: job.finished.IsZero(), Stage: job.stage, Done: job.done, Total: job.total, Client: job.client}
	if v.Running {
		v.Refresh = importRefresh
	}
	if job.err != nil {
		e := certboard.As(job.err)
		v.Problem = e.Message
		if e.Code == certboard.Internal {
			v.Problem = "The record could not be imported because of a fault of certboard; nothing was imported. Try again later."
		}
		if len(e.Fields) > 1 {
			v.Problem = "The record was not imported, and nothing of it was kept. Correct these in the file and import it again:"
			for _, m := range e.Fields {
				v.Fields = append(v.Fields, m)
			}
			slices.Sort(v.Fields)
		}
	}
	return v, true
}

// importStatus shows how far an import has come: a page that reloads
// itself while it runs, then links to the new client or says what was
// wrong.
func (s *Server) importStatus(w http.ResponseWriter, r *http.Request, jobs *importJobs) error {
	v, ok := jobs.view(r.PathValue("job"), actor(r).UserID)
	if !ok {
		return certboard.Errorf(certboard.NotFound, "there is no such import of yours; imports are kept for an hour after they end").WithTitle("Import not found")
	}
	title := "Importing a client's record"
	if !v.Running {
		title = "Import of a client's record"
	}
	s.render(w, r, http.StatusOK, "records_status", page{Title: title, Data: v})
	return nil
}
