package board

import (
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// FrozenSet returns the version of app's requirement set that was frozen
// with its snapshot, as cat holds it, or nil when app has none frozen or
// cat no longer holds that version.
func FrozenSet(cat *requirements.Catalog, app *Application) *requirements.Set {
	if app.SnapshotSetVersion == "" {
		return nil
	}
	return cat.Version(app.SetID, app.SnapshotSetVersion)
}

// SetOf returns the requirement set that judges p, the portfolio of app:
// with frozen, the version frozen with the snapshot (FrozenSet) when cat
// holds it; otherwise the version eligibility.Select chooses for p as of
// asOf.
func SetOf(cat *requirements.Catalog, app *Application, p *portfolio.Portfolio, frozen bool, asOf date.Date) (*requirements.Set, error) {
	if frozen {
		if set := FrozenSet(cat, app); set != nil {
			return set, nil
		}
	}
	set, _, err := eligibility.Select(cat, app.SetID, p, asOf)
	return set, err
}
