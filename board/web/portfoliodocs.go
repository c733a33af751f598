package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/portfolio"
)

// Documents in an export and an import. A portfolio's document items
// describe files that travel separately: the interchange format carries no
// file. So that exporting a portfolio and importing it again keeps its
// documents, an export names each file the board holds by its SHA-256
// (file_sha256), and an import finds the file again:
//
//   - an item whose id is a document this application holds keeps that file
//     (its file_sha256, if given, must be that file's);
//   - otherwise an item with file_sha256 gets a copy of a file with that
//     digest from one of the importer's own applications (their own
//     uploads only, never anyone else's);
//   - otherwise the item is imported "not on file": the documents page lists
//     it so that the file can be uploaded for it, and staff see it marked.
//
// Documents this application holds that the import does not name keep their
// items, as before: an import never leaves an uploaded file without its item.
// The stored portfolio never holds file_sha256; the documents table links
// items and files.

// exportedPortfolio returns a stored portfolio (data, of application appID)
// in the interchange format, each document item the application holds a
// file for naming it by SHA-256.
func (s *Server) exportedPortfolio(ctx context.Context, appID int64, data []byte) ([]byte, error) {
	docs, err := s.board.Documents(ctx, appID)
	if err != nil || len(docs) == 0 {
		return data, err
	}
	p, err := portfolio.DecodeStored(data)
	if err != nil {
		return nil, fmt.Errorf("application %d: the portfolio no longer decodes: %w", appID, err)
	}
	held := map[string]string{}
	for _, d := range docs {
		held[d.ItemID] = d.SHA256
	}
	for i := range p.Documents {
		p.Documents[i].FileSHA256 = held[p.Documents[i].ID]
	}
	return portfolio.Encode(p)
}

// docCopy is a file an import copies into the application from another
// upload of the importer's.
type docCopy struct {
	From board.Document
	// Doc is the new document; its BlobKey is set and filled once copied.
	Doc board.Document
}

// importDocs is what an import does with documents.
type importDocs struct {
	// OnFile are the items that keep a file the application holds; Copied
	// the items that get a copy of one of the importer's other uploads;
	// NotOnFile the items imported without a file.
	OnFile, Copied, NotOnFile []string
	copies                    []docCopy
}

// planImportDocs decides where the file of each document item of the
// imported portfolio p is (see above), changing p: file_sha256 dropped,
// the verification of an unchanged item on file kept, and the document
// items of cur (the live portfolio) with a file that p does not name
// added. It reads and writes nothing else; problems name what cannot be
// imported.
func (s *Server) planImportDocs(ctx context.Context, u *auth.User, app *board.Application, cur, p *portfolio.Portfolio) (*importDocs, portfolio.Errors, error) {
	docs, err := s.board.Documents(ctx, app.ID)
	if err != nil {
		return nil, nil, err
	}
	held := map[string]board.Document{}
	for _, d := range docs {
		held[d.ItemID] = d
	}
	plan := &importDocs{OnFile: []string{}, Copied: []string{}, NotOnFile: []string{}}
	var problems portfolio.Errors
	for i := range p.Documents {
		d := &p.Documents[i]
		digest := d.FileSHA256
		d.FileSHA256 = ""
		if h, ok := held[d.ID]; ok {
			if digest != "" && digest != h.SHA256 {
				problems = append(problems, portfolio.FieldError{Path: fmt.Sprintf("$.documents[%d].file_sha256", i),
					Message: fmt.Sprintf("document %q of this application is another file (%s); give this item another id to add it as a new document, or leave file_sha256 out to keep the file on record", d.ID, h.Filename)})
				continue
			}
			if it, ok := portfolio.Find(cur, d.ID); ok && staffSameItem(it.Value, d) {
				d.Verification = portfolio.VerificationOf(it.Value)
			}
			plan.OnFile = append(plan.OnFile, d.ID)
			continue
		}
		var from *board.Document
		if digest != "" && s.cfg.Files != nil {
			from, err = s.board.ApplicantDocument(ctx, u.ID, digest)
			if errors.Is(err, certboard.ErrNotFound) {
				from = nil
			} else if err != nil {
				return nil, nil, err
			}
		}
		if from == nil {
			plan.NotOnFile = append(plan.NotOnFile, d.ID)
			continue
		}
		plan.Copied = append(plan.Copied, d.ID)
		plan.copies = append(plan.copies, docCopy{From: *from, Doc: board.Document{ApplicationID: app.ID, ItemID: d.ID, Filename: from.Filename,
			ContentType: from.ContentType, Size: from.Size, SHA256: from.SHA256, UploadedBy: u.ID, UploadedByName: u.Name}})
	}
	// A file on record keeps its item when the import does not name it.
	for _, k := range cur.Documents {
		if _, ok := held[k.ID]; !ok {
			continue // no file: the item is the import's to keep or drop
		}
		it, named := portfolio.Find(p, k.ID)
		switch {
		case !named:
			p.Documents = append(p.Documents, k)
			plan.OnFile = append(plan.OnFile, k.ID)
		case it.List != "documents":
			problems = append(problems, portfolio.FieldError{Path: "$", Message: fmt.Sprintf("id %q is taken by a document already uploaded to this application; rename the item", k.ID)})
		}
	}
	return plan, problems, nil
}

// copyFiles copies the files of the planned copies into the file store
// under new keys. A copy whose source file cannot be read whole (gone, or
// not matching its digest) becomes not on file. On error the files copied
// so far are deleted again.
func (s *Server) copyFiles(ctx context.Context, plan *importDocs) error {
	var kept []docCopy
	for _, c := range plan.copies {
		data, err := s.cfg.Files.Get(ctx, c.From.BlobKey)
		if err == nil {
			if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != c.From.SHA256 {
				err = fmt.Errorf("document %d of application %d does not match its recorded SHA-256", c.From.ID, c.From.ApplicationID)
			}
		}
		if err != nil {
			if !errors.Is(err, blob.ErrNotFound) {
				s.cfg.Log.Error("reading a file to copy it into an import; the item is imported not on file", "document", c.From.ID, "error", err)
			}
			plan.moveToNotOnFile(c.Doc.ItemID)
			continue
		}
		c.Doc.BlobKey = docBlobKey(c.Doc.ApplicationID)
		if err := s.cfg.Files.Put(ctx, c.Doc.BlobKey, data); err != nil {
			plan.copies = kept
			s.dropCopies(ctx, plan)
			return err
		}
		kept = append(kept, c)
	}
	plan.copies = kept
	return nil
}

// moveToNotOnFile records that a planned copy did not happen.
func (plan *importDocs) moveToNotOnFile(item string) {
	for i, id := range plan.Copied {
		if id == item {
			plan.Copied = append(plan.Copied[:i], plan.Copied[i+1:]...)
			break
		}
	}
	plan.NotOnFile = append(plan.NotOnFile, item)
}

// dropCopies deletes the files copied for an import that was not saved.
func (s *Server) dropCopies(ctx context.Context, plan *importDocs) {
	for _, c := range plan.copies {
		if err := s.cfg.Files.Delete(context.WithoutCancel(ctx), c.Doc.BlobKey); err != nil {
			s.cfg.Log.Error("deleting the file copied for a failed import", "key", c.Doc.BlobKey, "error", err)
		}
	}
}

// recordCopies writes, in the import's transaction, a document row, a
// history event and an audit entry for each file copied.
func (s *Server) recordCopies(ctx context.Context, tx board.Tx, u *auth.User, plan *importDocs, now time.Time) error {
	for i := range plan.copies {
		c := &plan.copies[i]
		c.Doc.CreatedAt = now
		id, err := tx.AddDocument(ctx, c.Doc)
		if err != nil {
			return err
		}
		c.Doc.ID = id
		if err := tx.AddEvent(ctx, board.Event{ApplicationID: c.Doc.ApplicationID, At: now, ActorID: u.ID, Action: "document_added",
			Message: fmt.Sprintf("%s: %s, copied on import from another application of the applicant's", c.Doc.ItemID, c.Doc.Filename)}); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"item": c.Doc.ItemID, "filename": c.Doc.Filename, "content_type": c.Doc.ContentType,
			"size": c.Doc.Size, "sha256": c.Doc.SHA256, "from": fmt.Sprintf("application/%d/document/%d", c.From.ApplicationID, c.From.ID)})
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "application.document.copy",
			Subject: fmt.Sprintf("application/%d/document/%d", c.Doc.ApplicationID, id), After: string(after)}); err != nil {
			return err
		}
	}
	return nil
}

// notOnFile lists the document items of p that no document of docs holds
// a file for (board.NotOnFile).
func notOnFile(p *portfolio.Portfolio, docs []board.Document) []*portfolio.Document {
	return board.NotOnFile(p, docs)
}

// markNotOnFile adds "not on file" to the label of each document item of
// groups that no stored document holds a file for, so that staff and
// reviewers never take a listed document for one the board holds.
func markNotOnFile(groups []evidenceGroup, docs []board.Document) {
	held := board.FilesHeld(docs)
	for gi := range groups {
		if groups[gi].List != "documents" {
			continue
		}
		for ii := range groups[gi].Items {
			if it := &groups[gi].Items[ii]; !held[it.ID] {
				it.Label += " · not on file (no file uploaded)"
			}
		}
	}
}
