package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/fhir"
)

// A client's record out of and into the practice as FHIR R4: the export
// (records_export.go), for the client's practitioners, and the import
// each run in the background (records_jobs.go) while their page,
// refreshing itself, shows how far they have come.

func init() { clientSections = append(clientSections, recordsSection) }

// recordRoutes registers the export and import of records; New calls it.
func (s *Server) recordRoutes() {
	imports := newJobs[importJob](importBounds)
	exports := newJobs[exportJob](exportBounds)
	s.route("POST /clients/{id}/export", Practitioner, s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return s.startExport(w, r, exports)
	}))
	s.route("GET /record-exports/{job}", Practitioner, s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return s.exportStatus(w, r, exports)
	}))
	s.route("POST /record-exports/{job}/file", Practitioner, s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return s.exportFile(w, r, exports)
	}))
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

// importBounds bound the imports (see jobs).
var importBounds = jobBounds{
	running: maxRunningImports,
	kept:    importKept,
	busy:    "an import of yours is still running; wait until it ends, then import the next record",
	full:    "another record is being imported in the practice now, and imports run one at a time; try again in a minute",
}

// importJob is what an import in the background holds.
type importJob struct {
	stage  string
	done   int
	total  int
	client int64
	err    error
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
func (s *Server) startImport(w http.ResponseWriter, r *http.Request, jobs *jobs[importJob]) error {
	by := actor(r)
	id, err := jobs.start(by.UserID, s.now())
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
		jobs.finish(id, s.now(), func(j *importJob) { j.client, j.err = client, err })
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

// importView is an import as its owner sees it; false for an import that
// is not theirs or no longer kept.
func (s *Server) importView(jobs *jobs[importJob], id string, owner int64) (ImportStatusView, bool) {
	var v ImportStatusView
	ok := jobs.with(id, owner, s.now(), func(finished time.Time, job *importJob) {
		v = ImportStatusView{Running: finished.IsZero(), Stage: job.stage, Done: job.done, Total: job.total, Client: job.client}
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
	})
	return v, ok
}

// importStatus shows how far an import has come: a page that reloads
// itself while it runs, then links to the new client or says what was
// wrong.
func (s *Server) importStatus(w http.ResponseWriter, r *http.Request, jobs *jobs[importJob]) error {
	v, ok := s.importView(jobs, r.PathValue("job"), actor(r).UserID)
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
