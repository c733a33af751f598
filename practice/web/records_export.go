package web

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
)

// The export of a client's record from the browser: the record page's
// form starts it in the background, and its page, reloading itself, shows
// how many resources are written, then offers the file for download once.
// The file is held in the process's memory only, never on disk, for its
// owner alone, and forgotten when downloaded, after exportKept, or when
// its owner starts another export.

// The bounds of the exports in the background: a practitioner runs one at
// a time, the process a few (a large record's file is held in memory while
// it is written and until it is downloaded).
const (
	maxRunningExports = 2
	exportKept        = 10 * time.Minute
	// exportRefresh is how often a running export's page reloads itself.
	exportRefresh = 2
)

// exportBounds bound the exports (see jobs): one kept per practitioner.
var exportBounds = jobBounds{
	running: maxRunningExports,
	kept:    exportKept,
	one:     true,
	busy:    "an export of yours is still being written; wait until its page offers the download, then export the next record",
	full:    "other records are being exported in the practice now; try again in a minute",
}

// exportJob is what an export in the background holds.
type exportJob struct {
	client      int64
	done, total int
	// file is the bundle, until it is downloaded.
	file       []byte
	downloaded bool
	err        error
}

// ExportStatusView is what an export's page shows.
type ExportStatusView struct {
	// Job is the export's id.
	Job     string
	Running bool
	// Done and Total are how many resources are written of how many.
	Done, Total int
	Client      int64
	// Ready is a file waiting to be downloaded; Downloaded one that was.
	Ready, Downloaded bool
	// Problem says why the export failed.
	Problem string
	Refresh int
	// KeptMinutes is how long a finished export's file waits.
	KeptMinutes int
}

// startExport starts the export of a client's record (psychotherapy=yes:
// with the reader's own psychotherapy notes) in the background: the use
// case (practice.Practice.ExportRecord) checks access and audits as ever.
// Once it has read the record and begun writing it, the export's page is
// shown; a refusal, or anything failing before, is answered here as the
// area answers it, and the job is forgotten. It is a POST, which the kit
// refuses from another site: a disclosure, audited, never follows a link.
func (s *Server) startExport(w http.ResponseWriter, r *http.Request, jobs *jobs[exportJob]) error {
	clientID, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	if err := textForm(w, r, 0); err != nil {
		return err
	}
	by := actor(r)
	id, err := jobs.start(by.UserID, s.now())
	if err != nil {
		return err
	}
	begun := make(chan error, 1)
	var once sync.Once
	opts := practice.ExportOptions{PsychotherapyNotes: r.PostForm.Get("psychotherapy") == "yes", Progress: func(done, total int) {
		jobs.update(id, func(j *exportJob) { j.done, j.total = done, total })
		once.Do(func() { begun <- nil })
	}}
	ctx := context.WithoutCancel(r.Context())
	go func() {
		out, err := s.practice.ExportRecord(ctx, by, clientID, opts)
		jobs.finish(id, s.now(), func(j *exportJob) {
			j.client, j.err = clientID, err
			if err == nil {
				j.file = append(out, '\n')
			}
		})
		answered := false
		once.Do(func() { answered = true; begun <- err })
		if !answered && err != nil && certboard.ErrorCode(err) == certboard.Internal {
			s.cfg.Log.Error("exporting a record", "error", err)
		}
	}()
	if err := <-begun; err != nil {
		jobs.drop(id)
		return err
	}
	redirect(w, r, "/record-exports/"+id, "")
	return nil
}

// notExport is the answer for an export that is not the reader's or no
// longer kept.
func notExport() error {
	return certboard.Errorf(certboard.NotFound, "there is no such export of yours; an export's file is kept %d minutes after it is written, until it is downloaded", int(exportKept/time.Minute)).WithTitle("Export not found")
}

// exportStatus shows how far an export has come: a page that reloads
// itself while the record is written, then offers its file.
func (s *Server) exportStatus(w http.ResponseWriter, r *http.Request, jobs *jobs[exportJob]) error {
	id := r.PathValue("job")
	var v ExportStatusView
	ok := jobs.with(id, actor(r).UserID, s.now(), func(finished time.Time, j *exportJob) {
		v = ExportStatusView{Job: id, Running: finished.IsZero(), Done: j.done, Total: j.total, Client: j.client,
			Ready: j.file != nil, Downloaded: j.downloaded, KeptMinutes: int(exportKept / time.Minute)}
		if v.Running {
			v.Refresh = exportRefresh
		}
		if j.err != nil {
			v.Problem = "The record could not be exported because of a fault of certboard. Try again later."
			if e := certboard.As(j.err); e.Code != certboard.Internal {
				v.Problem = e.Message
			}
		}
	})
	if !ok {
		return notExport()
	}
	title := "Exporting a client's record"
	if !v.Running {
		title = "Export of a client's record"
	}
	s.render(w, r, http.StatusOK, "records_export", page{Title: title, Data: v})
	return nil
}

// exportFile hands an export's file to its owner, once, as a download,
// and forgets it. It is a POST (the file is a disclosure): a link of
// another site cannot fetch it.
func (s *Server) exportFile(w http.ResponseWriter, r *http.Request, jobs *jobs[exportJob]) error {
	if err := textForm(w, r, 0); err != nil {
		return err
	}
	var file []byte
	var client int64
	var running, downloaded bool
	ok := jobs.with(r.PathValue("job"), actor(r).UserID, s.now(), func(finished time.Time, j *exportJob) {
		running, downloaded, client = finished.IsZero(), j.downloaded, j.client
		file, j.file = j.file, nil
		if file != nil {
			j.downloaded = true
		}
	})
	switch {
	case !ok:
		return notExport()
	case running:
		return certboard.Errorf(certboard.Conflict, "the record is still being written; wait until its page offers the download")
	case downloaded:
		return certboard.Errorf(certboard.NotFound, "the file was downloaded already, and is not kept after; export the record again for another copy").WithTitle("Export downloaded")
	case file == nil:
		return certboard.Errorf(certboard.NotFound, "the export failed and there is no file; export the record again").WithTitle("Export failed")
	}
	w.Header().Set("Content-Type", "application/fhir+json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="client-%d-record.fhir.json"`, client))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(file)
	return nil
}
