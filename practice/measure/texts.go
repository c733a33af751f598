package measure

import (
	"embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/internal/strictyaml"
)

// Texts is the wording of one instrument as a client reads it: the lead-in,
// every item's text and every answer's label with the value it scores. The
// validated wording is the instrument, so it is kept exactly as printed and
// never paraphrased. As JSON it is one object with members instrument,
// source, read (shipped texts only), unconfirmed (shipped texts only),
// lead_in, items and closing (PHQ-9 only).
type Texts struct {
	// Instrument is the instrument's id ("phq-9").
	Instrument string `json:"instrument"`
	// Source says where the wording comes from: the publication for a
	// shipped text, the practice's licensed copy for an imported one.
	Source string `json:"source"`
	// Read is the day the shipped wording was read from its source; zero
	// for imported texts.
	Read date.Date `json:"read,omitzero"`
	// Unconfirmed lists what could not be confirmed against the primary
	// source, each note starting "UNCONFIRMED"; nil when nothing is
	// doubtful and for imported texts.
	Unconfirmed []string `json:"unconfirmed,omitempty"`
	// LeadIn is the question or instruction printed before the items.
	LeadIn string `json:"lead_in"`
	// Items are every item of the instrument, in order of their numbers.
	Items []ItemText `json:"items"`
	// Closing is an unscored question printed after the items (PHQ-9's
	// difficulty question); nil when there is none.
	Closing *Closing `json:"closing,omitempty"`
}

// ItemText is one item's wording: its number (from 1), its text, and its
// answers in the order the instrument prints them, one for each value the
// item allows (Item.Allowed) and no other.
type ItemText struct {
	// Number is the item's number, from 1 (Item.Number).
	Number int `json:"number"`
	// Text is the item as the instrument prints it.
	Text string `json:"text"`
	// Answers are the item's answers in the order printed.
	Answers []Answer `json:"answers"`
}

// Answer is one answer of an item: the value it scores and its label.
type Answer struct {
	// Value is what the answer scores, one of the item's Allowed.
	Value int `json:"value"`
	// Label is the answer as the instrument prints it.
	Label string `json:"label"`
}

// Closing is an unscored question after the items. Its answers carry no
// value and never count towards the total; a response records the label
// chosen.
type Closing struct {
	// Text is the question as the instrument prints it.
	Text string `json:"text"`
	// Labels are its answers in the order printed, at least two.
	Labels []string `json:"labels"`
}

// The limits of an item-text file. They leave room for the longest
// instructions of the licensed instruments (FSFI defines its terms before
// the items) while keeping a file small enough to read at once.
const (
	// MaxTextsSize is the largest item-text file ParseTexts reads, in
	// bytes.
	MaxTextsSize = 64 << 10
	// MaxLeadInLen is the most characters a lead-in may have.
	MaxLeadInLen = 4000
	// MaxItemTextLen is the most characters an item's text may have.
	MaxItemTextLen = 1000
	// MaxLabelLen is the most characters an answer's label may have.
	MaxLabelLen = 200
	// MaxSourceLen is the most characters a source may have.
	MaxSourceLen = 500
)

// textsFile is an item-text file as a practice admin writes it.
type textsFile struct {
	Instrument string     `yaml:"instrument"`
	Source     string     `yaml:"source"`
	LeadIn     string     `yaml:"lead_in"`
	Items      []itemFile `yaml:"items"`
}

type itemFile struct {
	Number  *int         `yaml:"number"`
	Text    string       `yaml:"text"`
	Answers []answerFile `yaml:"answers"`
}

type answerFile struct {
	Value *int   `yaml:"value"`
	Label string `yaml:"label"`
}

// shippedFile is an item-text file certboard ships: an import file and
// the day the wording was read, what could not be confirmed, and the
// closing question.
type shippedFile struct {
	textsFile   `yaml:",inline"`
	Read        string       `yaml:"read"`
	Unconfirmed []string     `yaml:"unconfirmed"`
	Closing     *closingFile `yaml:"closing"`
}

type closingFile struct {
	Text   string   `yaml:"text"`
	Labels []string `yaml:"labels"`
}

// ParseTexts reads the item texts a practice admin imports for a licensed
// instrument (IIEF-5, PEDT, FSFI or ASEX), once the practice has confirmed
// it holds permission to use them. The file is YAML (docs/measures.md,
// "Item texts"): instrument, source, lead_in and items, each item with its
// number, text and answers, each answer with its value and label. It is
// read strictly: unknown fields, anchors and aliases, more than one
// document and files over MaxTextsSize are refused, and every text is
// bounded. It is checked against the instrument: every item present once,
// each with exactly the answers the item allows and a label for each.
//
// Errors are *certboard.Error: TooLarge for a file over the limit,
// Malformed for a file that cannot be read as an item-text file, Invalid
// for one that does not fit the instrument (its field names the item and
// answer, "item 3, answer 4", and Fields holds every problem found) or an
// instrument that is unknown or ships its own texts.
func ParseTexts(instrumentID string, data []byte) (Texts, error) {
	in, ok := Lookup(instrumentID)
	if !ok {
		return Texts{}, certboard.FieldError(certboard.Invalid, "instrument",
			fmt.Sprintf("unknown instrument %q; item texts can be imported for %s", instrumentID, orList(licensedIDs())))
	}
	if in.ShipsItems {
		return Texts{}, certboard.FieldError(certboard.Invalid, "instrument",
			fmt.Sprintf("%s ships its item texts with certboard, so there is nothing to import; item texts can be imported for %s",
				in.Name, orList(licensedIDs())))
	}
	var f textsFile
	root, err := decodeTexts(data, &f)
	if err != nil {
		return Texts{}, err
	}
	var ps problems
	if f.Instrument != in.ID {
		if f.Instrument == "" {
			ps.add(at(root, "instrument"), "instrument", "is missing; write instrument: %s at the top of the file", in.ID)
		} else {
			ps.add(at(root, "instrument"), "instrument", "the file is for %q but is being imported for %s; import it for its own instrument or correct it", f.Instrument, in.ID)
		}
	}
	t := checkTexts(in, f, root, &ps)
	if err := ps.err(); err != nil {
		return Texts{}, err
	}
	return t, nil
}

// ShippedTexts returns the item texts certboard ships for the instrument
// with the given id (PHQ-9, GAD-7, AUDIT-C and AUDIT), as the caller's own
// copy; false for an instrument that ships only its scoring, or none.
// AUDIT-C's texts are AUDIT's items 1 to 3.
func ShippedTexts(id string) (Texts, bool) {
	all := shippedTexts()
	t, ok := all[id]
	if !ok {
		return Texts{}, false
	}
	return t.clone(), true
}

//go:embed items/*.yaml
var itemFiles embed.FS

// shippedTexts parses the shipped files once. A file that does not parse
// is a defect of the build, which the package's tests catch, so it panics.
var shippedTexts = sync.OnceValue(func() map[string]Texts {
	out := map[string]Texts{}
	for _, id := range []string{"phq-9", "gad-7", "audit"} {
		name := "items/" + id + ".yaml"
		data, err := itemFiles.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("measure: shipped item texts %s: %v", name, err))
		}
		t, err := parseShipped(id, data)
		if err != nil {
			panic(fmt.Sprintf("measure: shipped item texts %s: %v", name, err))
		}
		out[id] = t
	}
	c := out["audit"].clone()
	c.Instrument = "audit-c"
	c.Source += " AUDIT-C is items 1 to 3."
	c.Items = c.Items[:3]
	out["audit-c"] = c
	return out
})

// parseShipped reads a shipped item-text file for the instrument id: the
// import format plus read, unconfirmed and closing.
func parseShipped(id string, data []byte) (Texts, error) {
	in, ok := Lookup(id)
	if !ok || !in.ShipsItems {
		return Texts{}, fmt.Errorf("%s does not ship its item texts", id)
	}
	var f shippedFile
	root, err := decodeTexts(data, &f)
	if err != nil {
		return Texts{}, err
	}
	var ps problems
	if f.Instrument != id {
		ps.add(at(root, "instrument"), "instrument", "is %q, not %s", f.Instrument, id)
	}
	t := checkTexts(in, f.textsFile, root, &ps)
	read, err := date.Parse(f.Read)
	if err != nil {
		ps.add(at(root, "read"), "read", "the day the wording was read, YYYY-MM-DD: %v", err)
	}
	t.Read = read
	for i, u := range f.Unconfirmed {
		u = strings.TrimSpace(u)
		if !strings.HasPrefix(u, "UNCONFIRMED") {
			ps.add(at(root, "unconfirmed"), fmt.Sprintf("unconfirmed entry %d", i+1), "must start with UNCONFIRMED")
		}
		t.Unconfirmed = append(t.Unconfirmed, strings.Join(strings.Fields(u), " "))
	}
	if f.Closing != nil {
		c := &Closing{Text: strings.TrimSpace(f.Closing.Text)}
		ps.text(at(root, "closing", "text"), "closing", "text", c.Text, MaxItemTextLen, true)
		seen := map[string]bool{}
		for i, l := range f.Closing.Labels {
			l = strings.TrimSpace(l)
			ps.text(at(root, "closing", "labels"), fmt.Sprintf("closing, label %d", i+1), "label", l, MaxLabelLen, false)
			if seen[l] {
				ps.add(at(root, "closing", "labels"), fmt.Sprintf("closing, label %d", i+1), "repeats %q", l)
			}
			seen[l] = true
			c.Labels = append(c.Labels, l)
		}
		if len(c.Labels) < 2 {
			ps.add(at(root, "closing"), "closing", "needs at least two labels")
		}
		t.Closing = c
	}
	if err := ps.err(); err != nil {
		return Texts{}, err
	}
	return t, nil
}

// licensedIDs returns the ids of the instruments whose item texts a
// practice imports.
func licensedIDs() []string {
	var out []string
	for _, in := range Instruments() {
		if !in.ShipsItems {
			out = append(out, in.ID)
		}
	}
	return out
}

// decodeTexts reads data into f strictly and returns the document's
// top-level mapping, to find the lines of what the checks refuse.
func decodeTexts(data []byte, f any) (*yaml.Node, error) {
	root, ps := strictyaml.Load("", data, f, textsFormat)
	if len(ps) == 0 {
		return root, nil
	}
	p := ps[0]
	if errors.Is(p, strictyaml.ErrTooLarge) {
		e := certboard.FieldError(certboard.TooLarge, "file", p.Message)
		e.Extra = map[string]any{"limit": MaxTextsSize}
		return nil, e
	}
	return nil, certboard.FieldError(certboard.Malformed, "file", fmt.Sprintf("line %d: %s", p.Line, p.Message))
}

// textsFormat is an item-text file, as strictyaml reads it.
var textsFormat = strictyaml.Format{
	Name: "an item-text file", Holds: "instrument, source, lead_in and items",
	OnePerFile: "put one instrument's texts in a file, without a second ---", MaxSize: MaxTextsSize,
}

// checkTexts checks f against the instrument, adding every problem to ps,
// and returns the texts it describes (meaningful only when ps is empty).
func checkTexts(in Instrument, f textsFile, root *yaml.Node, ps *problems) Texts {
	t := Texts{Instrument: in.ID, Source: oneLine(f.Source), LeadIn: strings.TrimSpace(f.LeadIn)}
	ps.text(at(root, "source"), "source", "source", t.Source, MaxSourceLen, false)
	ps.text(at(root, "lead_in"), "lead_in", "lead-in", t.LeadIn, MaxLeadInLen, true)
	itemNodes := strictyaml.Items(strictyaml.Value(root, "items"))
	if len(f.Items) == 0 {
		ps.add(at(root, "items"), "items", "no items; list all %d items of %s, each with its number, text and answers", len(in.Items), in.Name)
		return t
	}
	byNumber := map[int]int{} // item number -> line of its first entry
	for i, fi := range f.Items {
		n := strictyaml.Item(itemNodes, i)
		line := lineOf(n)
		if fi.Number == nil {
			ps.add(line, fmt.Sprintf("items entry %d", i+1), "has no number; give the item's number, 1 to %d", len(in.Items))
			continue
		}
		num := *fi.Number
		field := fmt.Sprintf("item %d", num)
		if num < 1 || num > len(in.Items) {
			ps.add(line, field, "%s has items 1 to %d; remove this entry or correct its number", in.Name, len(in.Items))
			continue
		}
		if ps.twice(byNumber, num, line, field) {
			continue
		}
		it := ItemText{Number: num, Text: strings.TrimSpace(fi.Text)}
		ps.text(at(n, "text"), field, "text", it.Text, MaxItemTextLen, true)
		it.Answers = checkAnswers(in, in.Items[num-1], fi.Answers, n, ps)
		t.Items = append(t.Items, it)
	}
	for _, it := range in.Items {
		if _, ok := byNumber[it.Number]; !ok {
			ps.add(at(root, "items"), fmt.Sprintf("item %d", it.Number), "is missing; add item %d with its text and its answers (%s)", it.Number, allowedList(it))
		}
	}
	slices.SortFunc(t.Items, func(a, b ItemText) int { return a.Number - b.Number })
	return t
}

// checkAnswers checks one item's answers: exactly the values the item
// allows, each once, each with its own label. They keep the file's order,
// which is the order the instrument prints them in.
func checkAnswers(in Instrument, item Item, fas []answerFile, itemNode *yaml.Node, ps *problems) []Answer {
	itemField := fmt.Sprintf("item %d", item.Number)
	answerNodes := strictyaml.Items(strictyaml.Value(itemNode, "answers"))
	if len(fas) == 0 {
		ps.add(at(itemNode, "answers"), itemField, "has no answers; list one answer for each of %s, each with its value and label", allowedList(item))
		return nil
	}
	var out []Answer
	seen := map[int]int{}      // value -> line of its first answer
	labels := map[string]int{} // label -> value of its first answer
	for j, fa := range fas {
		n := strictyaml.Item(answerNodes, j)
		line := lineOf(n)
		if fa.Value == nil {
			ps.add(line, fmt.Sprintf("%s, answers entry %d", itemField, j+1), "has no value; give the score this answer carries, one of %s", allowedList(item))
			continue
		}
		v := *fa.Value
		field := fmt.Sprintf("%s, answer %d", itemField, v)
		if !slices.Contains(item.Allowed, v) {
			ps.add(line, field, "%s item %d takes only %s; remove this answer or correct its value", in.Name, item.Number, allowedList(item))
			continue
		}
		if ps.twice(seen, v, line, field) {
			continue
		}
		a := Answer{Value: v, Label: strings.TrimSpace(fa.Label)}
		if ps.text(at(n, "label"), field, "label", a.Label, MaxLabelLen, false) {
			if other, ok := labels[a.Label]; ok {
				ps.add(at(n, "label"), field, "has the same label as answer %d (%q); each answer needs its own wording", other, a.Label)
			} else {
				labels[a.Label] = v
			}
		}
		out = append(out, a)
	}
	for _, v := range item.Allowed {
		if _, ok := seen[v]; !ok {
			ps.add(at(itemNode, "answers"), fmt.Sprintf("%s, answer %d", itemField, v), "is missing; add an answer with value %d and its label as the instrument prints it", v)
		}
	}
	return out
}

// allowedList describes an item's allowed values: "1 to 5" or "0, 2 or 4".
func allowedList(it Item) string {
	if it.contiguous() {
		return fmt.Sprintf("%d to %d", it.Allowed[0], it.Allowed[len(it.Allowed)-1])
	}
	vals := make([]string, len(it.Allowed))
	for i, v := range it.Allowed {
		vals[i] = strconv.Itoa(v)
	}
	return orList(vals)
}

// problems gathers the problems of an item-text file
// (certboard.Problems), each with its line.
type problems struct{ certboard.Problems }

// twice says whether key, on line, was listed before (seen holds the
// line each key was first listed on) and if so adds the problem;
// otherwise it records the line.
func (ps *problems) twice(seen map[int]int, key, line int, field string) bool {
	if first, ok := seen[key]; ok {
		ps.add(line, field, "is listed twice (lines %d and %d); keep one", first, line)
		return true
	}
	seen[key] = line
	return false
}

// add records a problem with field at line (0 when not known).
func (ps *problems) add(line int, field, format string, args ...any) {
	how := fmt.Sprintf(format, args...)
	if line > 0 {
		how = fmt.Sprintf("%s (line %d)", how, line)
	}
	ps.Add(field, how)
}

// text checks one text: present (for a label or text), at most limit
// characters, and free of control characters (newlines allowed where
// multiline). It reports whether the text passed.
func (ps *problems) text(line int, field, what, s string, limit int, multiline bool) bool {
	switch {
	case s == "":
		ps.add(line, field, "the %s is empty; write it exactly as the instrument prints it", what)
	case utf8.RuneCountInString(s) > limit:
		ps.add(line, field, "the %s has %d characters; it may have at most %d", what, utf8.RuneCountInString(s), limit)
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && !(multiline && r == '\n') }):
		if multiline {
			ps.add(line, field, "the %s holds a control character other than a line break; remove it", what)
		} else {
			ps.add(line, field, "the %s holds a line break or another control character; write it on one line", what)
		}
	default:
		return true
	}
	return false
}

// err returns nil for no problems, else an Invalid *certboard.Error: its
// field and message are the first problem's and Fields holds every
// field's.
func (ps *problems) err() error { return ps.ErrFirst("") }

// at returns the line of the value at path under n, or of the deepest
// part of the path that exists; 0 when n is nil.
func at(n *yaml.Node, path ...string) int { return lineOf(strictyaml.Find(n, path...)) }

func lineOf(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

// oneLine folds runs of white space, line breaks included, into single
// spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clone returns a deep copy of t.
func (t Texts) clone() Texts {
	c := t
	c.Unconfirmed = slices.Clone(t.Unconfirmed)
	c.Items = make([]ItemText, len(t.Items))
	for i, it := range t.Items {
		it.Answers = slices.Clone(it.Answers)
		c.Items[i] = it
	}
	if t.Closing != nil {
		cl := *t.Closing
		cl.Labels = slices.Clone(t.Closing.Labels)
		c.Closing = &cl
	}
	return c
}
