package practice

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard/practice/session"
)

// SessionInput is a session as a practitioner schedules or reschedules
// it, in a form or a request: text as typed, checked by checkSession.
type SessionInput struct {
	// Date ("2026-12-08") and Time ("15:00", 24-hour) are when it starts,
	// in the practice's time zone.
	Date, Time string
	// Minutes is how long it lasts.
	Minutes string
	// Modality is "in_person" or "video"; VideoLink is the https address
	// of a video session.
	Modality, VideoLink string
	// Kind is "individual" or "couple".
	Kind string
	// CPT is the code it is billed under (session.CPTs).
	CPT string
	// Fee is what it costs ("120.00") in Currency (ISO 4217, "USD" when
	// blank).
	Fee, Currency string
}

// MaxVideoLink bounds a video link, in characters.
const MaxVideoLink = 500

// sessionYears bounds how far from now a session may start: a session
// held before it was scheduled may be recorded, a typo of the year is
// caught.
const sessionYears = 2

// checkSession checks in, read in loc at now, and returns the session it
// describes (its time, length, modality, link, kind, code and fee), or an
// Invalid error naming each field to fix.
func checkSession(in SessionInput, loc *time.Location, now time.Time) (Session, error) {
	var f caseForm
	var s Session
	day, derr := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.Date), loc)
	if derr != nil {
		f.add("date", "write the day as YYYY-MM-DD, such as 2026-12-08")
	}
	clock, terr := time.Parse("15:04", strings.TrimSpace(in.Time))
	if terr != nil {
		f.add("time", "write the time as HH:MM on the 24-hour clock, such as 15:00")
	}
	if derr == nil && terr == nil {
		s.Start = time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc).UTC()
		if s.Start.Before(now.AddDate(-sessionYears, 0, 0)) || s.Start.After(now.AddDate(sessionYears, 0, 0)) {
			f.add("date", fmt.Sprintf("choose a day within %d years of today", sessionYears))
		}
	}
	m, err := strconv.Atoi(strings.TrimSpace(in.Minutes))
	if err != nil || m < session.MinMinutes || m > session.MaxMinutes {
		f.add("minutes", fmt.Sprintf("write the length in minutes, from %d to %d", session.MinMinutes, session.MaxMinutes))
	}
	s.Minutes = m
	s.Modality = session.Modality(in.Modality)
	if !s.Modality.Known() {
		f.add("modality", "choose in person or video")
	}
	if s.Modality == session.Video {
		s.VideoLink = checkVideoLink(&f, in.VideoLink)
	}
	s.Kind = session.Kind(in.Kind)
	if !s.Kind.Known() {
		f.add("kind", "choose individual or couple")
	}
	s.CPT = strings.TrimSpace(in.CPT)
	if _, ok := session.LookupCPT(s.CPT); !ok {
		f.add("cpt", "choose one of the psychotherapy codes "+session.CPTList())
	}
	fee, err := session.ParseAmount(in.Fee)
	if err != nil {
		f.add("fee", err.Error())
	}
	s.FeeCents = fee
	s.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if s.Currency == "" {
		s.Currency = "USD"
	}
	if !session.ValidCurrency(s.Currency) {
		f.add("currency", "write the currency's three-letter code, such as USD or EUR")
	}
	if err := f.err("Check the session"); err != nil {
		return Session{}, err
	}
	return s, nil
}

// checkVideoLink checks the address of a video session: an https URL
// with a host, one line, at most MaxVideoLink characters.
func checkVideoLink(f *caseForm, link string) string {
	link = f.text("video_link", link, MaxVideoLink, false, "paste the address of the video call, starting with https://")
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		f.add("video_link", "paste the whole address of the video call, starting with https://")
	}
	return link
}
