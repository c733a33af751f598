package practice

import (
	"context"
	"errors"
	"fmt"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/measure"
)

// InstrumentSubject is how the audit log names an instrument's setting:
// "instrument:<id>".
func InstrumentSubject(id string) string { return "instrument:" + id }

// defaultSetting is an instrument's setting before an admin configures
// it: a free instrument enabled, a licensed one not.
func defaultSetting(in measure.Instrument) InstrumentSetting {
	return InstrumentSetting{Instrument: in.ID, Enabled: in.ShipsItems}
}

// viewOf puts an instrument, its setting and its latest import together.
func viewOf(in measure.Instrument, s *InstrumentSetting, latest *ImportedTexts) InstrumentView {
	v := InstrumentView{Instrument: in, Setting: defaultSetting(in)}
	if s != nil {
		v.Setting = *s
	}
	if t, ok := measure.ShippedTexts(in.ID); ok {
		v.Texts, v.TextsRef = &t, ShippedTextsRef
	} else if latest != nil && v.Setting.Permission != nil {
		t := latest.Texts
		v.Texts, v.TextsRef = &t, ImportRef(latest.ID)
	}
	return v
}

// Instruments lists every instrument with the practice's setting and the
// wording in use, in the order of measure.IDs, for the admin's page and
// for a practitioner choosing a measure. It holds nothing of a client.
// Practitioners and practice admins may read it.
func (p *Practice) Instruments(ctx context.Context, by Actor) ([]InstrumentView, error) {
	if !by.IsPractitioner() && !by.IsAdmin() {
		return nil, certboard.Errorf(certboard.Forbidden, "only the practice's practitioners and admins see its instruments")
	}
	settings, err := p.store.MeasureSettings(ctx)
	if err != nil {
		return nil, err
	}
	latest, err := p.store.LatestMeasureTexts(ctx)
	if err != nil {
		return nil, err
	}
	bySetting := map[string]*InstrumentSetting{}
	for i := range settings {
		bySetting[settings[i].Instrument] = &settings[i]
	}
	var out []InstrumentView
	for _, in := range measure.Instruments() {
		var l *ImportedTexts
		if t, ok := latest[in.ID]; ok {
			l = &t
		}
		out = append(out, viewOf(in, bySetting[in.ID], l))
	}
	return out, nil
}

// instrumentIn reads an instrument's view in tx, locking its setting.
func instrumentIn(ctx context.Context, tx Tx, in measure.Instrument) (InstrumentView, error) {
	s, err := tx.LockMeasureSetting(ctx, in.ID)
	if errors.Is(err, certboard.ErrNotFound) {
		s = nil
	} else if err != nil {
		return InstrumentView{}, err
	}
	var latest *ImportedTexts
	if !in.ShipsItems {
		imports, err := tx.MeasureTextsOf(ctx, in.ID)
		if err != nil {
			return InstrumentView{}, err
		}
		if len(imports) > 0 {
			latest = &imports[0]
		}
	}
	return viewOf(in, s, latest), nil
}

// mustAdmin refuses anyone but a practice admin, saying what they tried.
func mustAdmin(by Actor, what string) error {
	if !by.IsAdmin() {
		return certboard.Errorf(certboard.Forbidden, "only a practice admin may %s", what)
	}
	return nil
}

// adminInstrument is the instrument whose setting a practice admin
// changes (what they do, for the refusal of anyone else): mustAdmin,
// then checkInstrument.
func adminInstrument(by Actor, what, instrument string) (measure.Instrument, error) {
	if err := mustAdmin(by, what); err != nil {
		return measure.Instrument{}, err
	}
	return checkInstrument(instrument)
}

// staleSetting is the answer to an edit of a setting changed meanwhile.
func staleSetting(in measure.Instrument) error {
	return certboard.Errorf(certboard.Conflict,
		"the settings of %s were changed by someone else since you opened them; reload the page and try again", in.Name)
}

// saveSetting writes s if it is still at version and returns the new
// version.
func saveSetting(ctx context.Context, tx Tx, in measure.Instrument, s InstrumentSetting, version int) (int, error) {
	if s.Version != version {
		return 0, staleSetting(in)
	}
	next, err := tx.SaveMeasureSetting(ctx, s)
	if errors.Is(err, certboard.ErrConflict) {
		return 0, staleSetting(in)
	}
	return next, err
}

// SetInstrumentEnabled enables or disables an instrument for the
// practice's practitioners (practice admins only), if its setting is
// still at version (0 for one never configured; Conflict otherwise:
// reload). A licensed instrument is enabled only once the practice has
// confirmed it holds permission and imported the item texts. Responses
// already recorded stay. It is audited ("measure.instrument.enable" or
// ".disable") and returns the new version.
func (p *Practice) SetInstrumentEnabled(ctx context.Context, by Actor, instrument string, enabled bool, version int) (int, error) {
	in, err := adminInstrument(by, "enable or disable an instrument", instrument)
	if err != nil {
		return 0, err
	}
	return p.changeSetting(ctx, by, in, version, func(v InstrumentView, s *InstrumentSetting) (settingAudit, error) {
		if enabled && v.Texts == nil {
			what := "confirm that the practice holds permission to use its items, then import their texts"
			if v.Setting.Permission != nil {
				what = "import the texts of its items"
			}
			return settingAudit{}, certboard.Errorf(certboard.Conflict, "%s ships its scoring only: before enabling it, %s", in.Name, what)
		}
		was := s.Enabled
		s.Enabled, s.UpdatedAt = enabled, p.clock.Now().UTC()
		action := "measure.instrument.disable"
		if enabled {
			action = "measure.instrument.enable"
		}
		return settingAudit{action, map[string]any{"enabled": was}, map[string]any{"enabled": enabled}}, nil
	})
}

// settingAudit is how a change to an instrument's setting is audited:
// the action, what the entry gives before (nil for nothing) and after
// (changeSetting adds the new version).
type settingAudit struct {
	action        string
	before, after map[string]any
}

// changeSetting changes the setting of instrument in, if it is still at
// version, in a transaction: change alters s, the setting of v as
// instrumentIn reads it (locked), or refuses, and says how the change is
// audited. It returns the new version.
func (p *Practice) changeSetting(ctx context.Context, by Actor, in measure.Instrument, version int,
	change func(v InstrumentView, s *InstrumentSetting) (settingAudit, error)) (int, error) {
	var next int
	err := p.store.InTx(ctx, func(tx Tx) error {
		v, err := instrumentIn(ctx, tx, in)
		if err != nil {
			return err
		}
		s := v.Setting
		a, err := change(v, &s)
		if err != nil {
			return err
		}
		if next, err = saveSetting(ctx, tx, in, s, version); err != nil {
			return err
		}
		a.after["version"] = next
		var before any // no entry, not a JSON null, when before is nil
		if a.before != nil {
			before = a.before
		}
		return p.appendAudit(ctx, tx, by, a.action, InstrumentSubject(in.ID), before, a.after)
	})
	return next, err
}

// ConfirmPermission records a practice admin's confirmation that the
// practice holds permission to use a licensed instrument's items, in
// their words (statement: from whom, which licence or agreement, its
// date; MinPermissionStatement to MaxPermissionStatement characters), if
// the setting is still at version (Conflict otherwise). A later
// confirmation (a renewed licence) replaces it. The confirmation, with
// the statement, is audited ("measure.permission.confirm"). Free
// instruments need none (Invalid). It returns the new version.
func (p *Practice) ConfirmPermission(ctx context.Context, by Actor, instrument, statement string, version int) (int, error) {
	in, err := adminInstrument(by, "confirm the practice's permission to use an instrument", instrument)
	if err != nil {
		return 0, err
	}
	if in.ShipsItems {
		return 0, certboard.FieldError(certboard.Invalid, "instrument",
			fmt.Sprintf("%s is free to use and ships its item texts; it needs no permission", in.Name))
	}
	statement, err = checkWords("statement", statement, MinPermissionStatement, MaxPermissionStatement,
		"say what permission the practice holds: from whom, which licence or agreement, and its date")
	if err != nil {
		return 0, err
	}
	return p.changeSetting(ctx, by, in, version, func(_ InstrumentView, s *InstrumentSetting) (settingAudit, error) {
		now := p.clock.Now().UTC()
		s.Permission = &Permission{By: by.UserID, ByName: by.Name, At: now, Statement: statement}
		s.UpdatedAt = now
		return settingAudit{action: "measure.permission.confirm", after: map[string]any{"statement": statement}}, nil
	})
}

// ImportTexts stores the item texts of a licensed instrument from a file
// a practice admin uploads (measure.ParseTexts reads it; its refusal names
// the item, answer and line, and nothing is stored). The practice must
// have confirmed first that it holds permission (Conflict otherwise). The
// import becomes the wording of the instrument's form; responses keep the
// wording they were given on. It is audited ("measure.texts.import").
func (p *Practice) ImportTexts(ctx context.Context, by Actor, instrument string, file []byte) (*ImportedTexts, error) {
	in, err := adminInstrument(by, "import an instrument's item texts", instrument)
	if err != nil {
		return nil, err
	}
	texts, err := measure.ParseTexts(in.ID, file)
	if err != nil {
		return nil, err
	}
	var out *ImportedTexts
	err = p.store.InTx(ctx, func(tx Tx) error {
		v, err := instrumentIn(ctx, tx, in)
		if err != nil {
			return err
		}
		if v.Setting.Permission == nil {
			return certboard.Errorf(certboard.Conflict,
				"confirm that the practice holds permission to use the items of %s before importing their texts", in.Name).
				WithTitle("Permission not confirmed")
		}
		t := ImportedTexts{Instrument: in.ID, Texts: texts, By: by.UserID, At: p.clock.Now().UTC()}
		if t.ID, err = tx.CreateMeasureTexts(ctx, t); err != nil {
			return err
		}
		out = &t
		return p.appendAudit(ctx, tx, by, "measure.texts.import", InstrumentSubject(in.ID), nil,
			map[string]any{"import": t.ID, "items": len(texts.Items), "source": texts.Source})
	})
	return out, err
}

// MeasureForm is what the form to record a measure on a case shows: the
// instrument, usable in this practice, with its texts. Only someone who
// may read the case reaches it, and the read is audited like any read of
// the case; an instrument that is unknown is NotFound, one the practice
// has not enabled (or whose texts it has not imported) a Conflict.
func (p *Practice) MeasureForm(ctx context.Context, by Actor, caseID int64, instrument string) (InstrumentView, error) {
	err := p.store.InTx(ctx, func(tx Tx) error {
		_, _, err := p.readMeasureCase(ctx, tx, by, caseID)
		return err
	})
	if err != nil {
		return InstrumentView{}, err
	}
	all, err := p.Instruments(ctx, by)
	if err != nil {
		return InstrumentView{}, err
	}
	for _, v := range all {
		if v.Instrument.ID != instrument {
			continue
		}
		if !v.Usable() {
			return v, certboard.Errorf(certboard.Conflict, "%s cannot be recorded in this practice now; a practice admin enables it", v.Instrument.Name)
		}
		return v, nil
	}
	return InstrumentView{}, &certboard.Error{Code: certboard.NotFound, Title: "Instrument not found",
		Message: fmt.Sprintf("There is no instrument %q; choose one from the case's measures page.", instrument)}
}
