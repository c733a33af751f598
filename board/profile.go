package board

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
)

// A holder keeps a public profile for the registry: it lists them while
// the profile is visible (their choice; not listed by default) and they
// hold at least one public credential. The search index entry of a
// profile holds the labels of its vocabularies and the names of the
// holder's public credentials, so that a search by credential name finds
// the listing.

// Option is one code of a fixed vocabulary and its label.
type Option struct{ Code, Label string }

// Specialties is the fixed vocabulary of specialties a holder may
// list, in the order forms show them.
var Specialties = []Option{
	{"desire", "Desire and arousal concerns"},
	{"interests", "Sexual interests and orientation"},
	{"compulsive", "Compulsive sexual behaviour"},
	{"ed", "Erectile dysfunction"},
	{"pe", "Premature ejaculation"},
	{"anorgasmia", "Anorgasmia"},
	{"pain", "Painful intercourse"},
	{"disability", "Intimacy with a disability or chronic condition"},
	{"relationship", "Relationship concerns"},
}

// Languages are the languages a holder may list, by ISO 639-1 code.
var Languages = []Option{
	{"af", "Afrikaans"}, {"am", "Amharic"}, {"ar", "Arabic"}, {"bg", "Bulgarian"}, {"bn", "Bengali"}, {"bs", "Bosnian"},
	{"ca", "Catalan"}, {"cs", "Czech"}, {"cy", "Welsh"}, {"da", "Danish"}, {"de", "German"}, {"el", "Greek"}, {"en", "English"},
	{"es", "Spanish"}, {"et", "Estonian"}, {"eu", "Basque"}, {"fa", "Persian"}, {"fi", "Finnish"}, {"fil", "Filipino"},
	{"fr", "French"}, {"ga", "Irish"}, {"gl", "Galician"}, {"gu", "Gujarati"}, {"ha", "Hausa"}, {"he", "Hebrew"}, {"hi", "Hindi"},
	{"hr", "Croatian"}, {"ht", "Haitian Creole"}, {"hu", "Hungarian"}, {"hy", "Armenian"}, {"id", "Indonesian"}, {"ig", "Igbo"},
	{"is", "Icelandic"}, {"it", "Italian"}, {"ja", "Japanese"}, {"ka", "Georgian"}, {"kk", "Kazakh"}, {"km", "Khmer"},
	{"kn", "Kannada"}, {"ko", "Korean"}, {"ku", "Kurdish"}, {"lt", "Lithuanian"}, {"lv", "Latvian"}, {"mk", "Macedonian"},
	{"ml", "Malayalam"}, {"mn", "Mongolian"}, {"mr", "Marathi"}, {"ms", "Malay"}, {"mt", "Maltese"}, {"my", "Burmese"},
	{"ne", "Nepali"}, {"nl", "Dutch"}, {"no", "Norwegian"}, {"pa", "Punjabi"}, {"pl", "Polish"}, {"ps", "Pashto"},
	{"pt", "Portuguese"}, {"ro", "Romanian"}, {"ru", "Russian"}, {"sgn", "Sign language"}, {"si", "Sinhala"}, {"sk", "Slovak"},
	{"sl", "Slovenian"}, {"so", "Somali"}, {"sq", "Albanian"}, {"sr", "Serbian"}, {"sv", "Swedish"}, {"sw", "Swahili"},
	{"ta", "Tamil"}, {"te", "Telugu"}, {"th", "Thai"}, {"tl", "Tagalog"}, {"tr", "Turkish"}, {"uk", "Ukrainian"}, {"ur", "Urdu"},
	{"uz", "Uzbek"}, {"vi", "Vietnamese"}, {"xh", "Xhosa"}, {"yi", "Yiddish"}, {"yo", "Yoruba"}, {"yue", "Cantonese"},
	{"zh", "Chinese (Mandarin)"}, {"zu", "Zulu"},
}

// Countries are the ISO 3166-1 alpha-2 codes.
var Countries = strings.Fields(`AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR
LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK
PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`)

// OptionLabel is the label of a code, or the code when the vocabulary
// has none.
func OptionLabel(opts []Option, code string) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

// LanguageCode finds a language by code or English name, ignoring case.
func LanguageCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, o := range Languages {
		if strings.EqualFold(o.Code, s) || strings.EqualFold(o.Label, s) {
			return o.Code, true
		}
	}
	return "", false
}

// ProfileFields are the public fields of a profile, as the profile API,
// the registry and the audit log write them.
type ProfileFields struct {
	City        string   `json:"city"`
	Region      string   `json:"region"`
	Country     string   `json:"country"`
	Specialties []string `json:"specialties"`
	Telehealth  bool     `json:"telehealth"`
	// AcceptingReferrals says the holder takes clients referred by other
	// practitioners.
	AcceptingReferrals bool     `json:"accepting_referrals"`
	Languages          []string `json:"languages"`
	Practice           string   `json:"practice"`
	Statement          string   `json:"statement"`
	Website            string   `json:"website"`
	Email              string   `json:"email"`
}

// ProfileRecord is a holder's profile as the profile API and the audit
// log write it.
type ProfileRecord struct {
	DisplayName string `json:"display_name"`
	ProfileFields
	Visible bool `json:"visible"`
	Version int  `json:"version"`
	// Listed says whether the registry shows the holder now: a visible
	// profile and at least one public credential (read only).
	Listed bool `json:"listed"`
}

// Fields returns the profile's public fields; lists are never nil.
func (p *Profile) Fields() ProfileFields {
	return ProfileFields{City: p.City, Region: p.Region, Country: p.Country, Specialties: append([]string{}, p.Specialties...),
		Telehealth: p.Telehealth, AcceptingReferrals: p.AcceptingReferrals, Languages: append([]string{}, p.Languages...),
		Practice: p.Practice, Statement: p.Statement, Website: p.Website, Email: p.Email}
}

// Record returns the profile as the API writes it; listed says whether
// the registry shows the holder now.
func (p *Profile) Record(listed bool) ProfileRecord {
	return ProfileRecord{DisplayName: p.DisplayName, ProfileFields: p.Fields(), Visible: p.Visible, Version: p.Version, Listed: listed}
}

// Profile returns the profile of r's holder (the fields of the profile
// API; HolderID and UpdatedAt left zero).
func (r *ProfileRecord) Profile() Profile {
	f := r.ProfileFields
	return Profile{DisplayName: r.DisplayName, City: f.City, Region: f.Region, Country: f.Country, Specialties: f.Specialties,
		Telehealth: f.Telehealth, AcceptingReferrals: f.AcceptingReferrals, Languages: f.Languages, Practice: f.Practice, Statement: f.Statement, Website: f.Website,
		Email: f.Email, Visible: r.Visible, Version: r.Version}
}

// hasControl reports characters that have no place in a one-line field.
func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return true
		}
	}
	return !utf8.ValidString(s)
}

// checkProfile trims a profile and says what to fix, by field. Lists are
// put in vocabulary order without repeats.
func checkProfile(p *Profile) map[string]string {
	errs := map[string]string{}
	for _, f := range []*string{&p.DisplayName, &p.City, &p.Region, &p.Country, &p.Practice, &p.Statement, &p.Website, &p.Email} {
		*f = strings.TrimSpace(*f)
	}
	p.Country = strings.ToUpper(p.Country)
	text := func(field, v string, max int, multiline bool) {
		switch {
		case utf8.RuneCountInString(v) > max:
			errs[field] = fmt.Sprintf("%s: at most %d characters", field, max)
		case hasControl(v, multiline):
			errs[field] = field + ": remove the control characters"
		}
	}
	if p.DisplayName == "" {
		errs["display_name"] = "display_name: give the name the registry shows, such as Dr. Jordan Reyes"
	} else {
		text("display_name", p.DisplayName, 120, false)
	}
	text("city", p.City, 100, false)
	text("region", p.Region, 100, false)
	text("practice", p.Practice, 200, false)
	text("statement", p.Statement, 1000, true)
	if p.Country != "" && !slices.Contains(Countries, p.Country) {
		errs["country"] = "country: give the two-letter ISO 3166 code of the country, such as US, CA or GB"
	}
	var spec []string
	for _, code := range p.Specialties {
		if !slices.ContainsFunc(Specialties, func(o Option) bool { return o.Code == code }) {
			var codes []string
			for _, o := range Specialties {
				codes = append(codes, o.Code)
			}
			errs["specialties"] = fmt.Sprintf("specialties: %q is not one of the specialties the registry lists (%s)", code, strings.Join(codes, ", "))
			break
		}
	}
	for _, o := range Specialties {
		if slices.Contains(p.Specialties, o.Code) {
			spec = append(spec, o.Code)
		}
	}
	p.Specialties = spec
	var langs []string
	for _, l := range p.Languages {
		code, ok := LanguageCode(l)
		if !ok {
			errs["languages"] = fmt.Sprintf("languages: %q is not a language we know; give names such as English, Spanish or codes such as en, es", l)
			break
		}
		if !slices.Contains(langs, code) {
			langs = append(langs, code)
		}
	}
	if len(langs) > 12 {
		errs["languages"] = "languages: list at most 12"
	}
	p.Languages = langs
	if p.Website != "" {
		u, err := url.Parse(p.Website)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(p.Website) > 500 {
			errs["website"] = "website: give an address that starts with https://, such as https://practice.example.org"
		}
	}
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || !strings.Contains(p.Email, "@") || len(p.Email) > 320 {
			errs["email"] = "email: give just an e-mail address, such as office@practice.example.org, or leave it empty"
		}
	}
	return errs
}

// profileFieldOrder is the order in which messages list a profile's fields.
var profileFieldOrder = []string{"display_name", "city", "region", "country", "specialties", "languages", "practice", "statement", "website", "email"}

// listingExtra is the searchable text of a profile beyond its own fields:
// the labels of its specialties and languages, and the names of the
// holder's public credentials (set id, title, credential name).
func (b *Board) listingExtra(p *Profile, sets []string) string {
	var words []string
	for _, c := range p.Specialties {
		words = append(words, OptionLabel(Specialties, c))
	}
	for _, l := range p.Languages {
		words = append(words, OptionLabel(Languages, l))
	}
	for _, id := range sets {
		words = append(words, id)
		if set := b.Catalog().Latest(id); set != nil {
			words = append(words, set.Title, set.Credential)
		}
	}
	return strings.Join(words, " ")
}

// ReindexListing rewrites a holder's search-index entry in the caller's
// transaction. Use cases call it where a holder's public credentials
// change (issue, visibility), so that credential names find the listing;
// the listing and its statuses never depend on it.
func (b *Board) ReindexListing(ctx context.Context, tx Tx, holderID int64) error {
	sets, err := tx.PublicCredentialSets(ctx, holderID)
	if err != nil {
		return err
	}
	return tx.ReindexProfile(ctx, holderID, func(p *Profile) string { return b.listingExtra(p, sets) })
}

// SaveProfile checks and stores the profile of the user by, if it is
// still at p.Version (0 for a first save; the store's conflict
// otherwise), with its search-index entry and an audit entry, in one
// transaction; it returns the new version. A profile refused is an
// Invalid error ("Invalid profile") whose Fields say what to fix, by
// field, and whose message lists them in the form's order.
func (b *Board) SaveProfile(ctx context.Context, by *auth.User, p Profile) (int, error) {
	p.HolderID = by.ID
	if errs := checkProfile(&p); len(errs) > 0 {
		var msgs []string
		for _, k := range profileFieldOrder {
			if m := errs[k]; m != "" {
				msgs = append(msgs, m)
			}
		}
		return 0, &certboard.Error{Code: certboard.Invalid, Title: "Invalid profile", Message: strings.Join(msgs, "; "), Fields: errs}
	}
	old, err := b.store.Profile(ctx, by.ID)
	if err != nil && !isNotFound(err) {
		return 0, err
	}
	before := ""
	if old != nil {
		out, _ := json.Marshal(old.Record(false))
		before = string(out)
	}
	p.UpdatedAt = b.clock.Now()
	var version int
	err = b.store.InTx(ctx, func(tx Tx) error {
		sets, err := tx.PublicCredentialSets(ctx, by.ID)
		if err != nil {
			return err
		}
		if version, err = tx.SaveProfile(ctx, p, b.listingExtra(&p, sets)); err != nil {
			return err
		}
		p.Version = version
		after, _ := json.Marshal(p.Record(false))
		_, err = tx.AppendAudit(ctx, audit.Entry{At: p.UpdatedAt, Actor: fmt.Sprintf("user/%d", by.ID), Action: "profile.save",
			Subject: fmt.Sprintf("profile/%d", by.ID), Before: before, After: string(after)})
		return err
	})
	return version, err
}

// HolderProfile is what a holder sees of their own profile.
type HolderProfile struct {
	// Profile is nil before the first save.
	Profile *Profile
	// HasPublic says whether the holder has a public credential now;
	// Listed whether the registry lists them now.
	HasPublic, Listed bool
}

// MyProfile returns the profile of the user by and whether the registry
// lists them.
func (b *Board) MyProfile(ctx context.Context, by *auth.User) (*HolderProfile, error) {
	p, err := b.store.Profile(ctx, by.ID)
	if isNotFound(err) {
		p, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	creds, err := b.store.CredentialsOf(ctx, by.ID)
	if err != nil {
		return nil, err
	}
	out := &HolderProfile{Profile: p}
	for _, c := range creds {
		if c.Public {
			out.HasPublic = true
		}
	}
	out.Listed = out.HasPublic && p != nil && p.Visible
	return out, nil
}
