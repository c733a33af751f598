// Package ical writes iCalendar (RFC 5545) calendars of events: the
// VCALENDAR object with its VEVENT components, text escaped (3.3.11),
// times in UTC (3.3.5, form #2), lines ended by CRLF and folded at 75
// octets without splitting a UTF-8 character (3.1). It writes only what
// a read-only feed of appointments needs, and does no I/O beyond the
// writer it is given.
package ical

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar is a calendar to publish.
type Calendar struct {
	// ProdID names the program that made the calendar (PRODID, required):
	// "-//certboard//practice sessions//EN".
	ProdID string
	// Name is the calendar's name as calendar programs show it
	// (X-WR-CALNAME, widely read though not in RFC 5545); "" for none.
	Name   string
	Events []Event
}

// Status is an event's STATUS.
type Status string

// The statuses of an event (RFC 5545 3.8.1.11).
const (
	Tentative Status = "TENTATIVE"
	Confirmed Status = "CONFIRMED"
	Cancelled Status = "CANCELLED"
)

// Event is one VEVENT.
type Event struct {
	// UID identifies the event for good (required): the same event keeps
	// it in every feed, so that programs update it rather than add it.
	UID string
	// Stamp is when this version of the event was written (DTSTAMP,
	// required).
	Stamp time.Time
	// Start and End bound the event (DTSTART, DTEND).
	Start, End time.Time
	// Summary is its title, Description and Location say more; "" leaves
	// one out.
	Summary, Description, Location string
	// Status is its STATUS; "" leaves it out.
	Status Status
	// Sequence counts the event's revisions (SEQUENCE).
	Sequence int
	// Modified is when the event last changed (LAST-MODIFIED); zero
	// leaves it out.
	Modified time.Time
}

// lineOctets is the most octets a line holds before its CRLF (3.1).
const lineOctets = 75

// Encode writes c to w as an iCalendar object. A calendar without a
// PRODID, or an event without a UID, a stamp or a start before its end, is
// refused before anything is written.
func Encode(w io.Writer, c Calendar) error {
	if strings.TrimSpace(c.ProdID) == "" {
		return errors.New("ical: a calendar needs a PRODID")
	}
	for i, e := range c.Events {
		switch {
		case e.UID == "":
			return fmt.Errorf("ical: event %d has no UID", i)
		case e.Stamp.IsZero():
			return fmt.Errorf("ical: event %s has no DTSTAMP", e.UID)
		case e.Start.IsZero() || !e.End.After(e.Start):
			return fmt.Errorf("ical: event %s must start before it ends", e.UID)
		}
	}
	b := bufio.NewWriter(w)
	line := func(name, value string) { b.WriteString(Fold(name + ":" + value)) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", Text(c.ProdID))
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if c.Name != "" {
		line("X-WR-CALNAME", Text(c.Name))
	}
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", Text(e.UID))
		line("DTSTAMP", UTC(e.Stamp))
		line("DTSTART", UTC(e.Start))
		line("DTEND", UTC(e.End))
		if !e.Modified.IsZero() {
			line("LAST-MODIFIED", UTC(e.Modified))
		}
		line("SEQUENCE", strconv.Itoa(e.Sequence))
		if e.Summary != "" {
			line("SUMMARY", Text(e.Summary))
		}
		if e.Description != "" {
			line("DESCRIPTION", Text(e.Description))
		}
		if e.Location != "" {
			line("LOCATION", Text(e.Location))
		}
		if e.Status != "" {
			line("STATUS", string(e.Status))
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return b.Flush()
}

// UTC writes t as a DATE-TIME in UTC: "20261207T150405Z".
func UTC(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// Text escapes s as a TEXT value (3.3.11): a backslash, semicolon and
// comma are escaped with a backslash, a line break becomes \n, and other
// control characters, which TEXT may not hold, are dropped.
func Text(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r < 0x20 && r != '\t', r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Fold ends the content line l with CRLF, folding it first (3.1): after
// every 75 octets a CRLF and one space, never inside a UTF-8 character,
// so that no line is longer than 75 octets before its CRLF (the space
// that starts a continuation counts among them).
func Fold(l string) string {
	var b strings.Builder
	room := lineOctets
	for len(l) > room {
		cut := room
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		b.WriteString(l[:cut])
		b.WriteString("\r\n ")
		l = l[cut:]
		room = lineOctets - 1
	}
	b.WriteString(l)
	b.WriteString("\r\n")
	return b.String()
}
