package plissit

// PLIRecord is what a session note records of Permission and Limited
// Information: the topics the client was invited to open, the myths
// corrected and the information given. Each entry is one line.
type PLIRecord struct {
	// Topics are the topics opened (Permission).
	Topics []string `json:"topics"`
	// Myths are the myths corrected (Limited Information).
	Myths []string `json:"myths"`
	// Information is the information given (Limited Information).
	Information []string `json:"information"`
}

// Empty says whether nothing is recorded.
func (r PLIRecord) Empty() bool {
	return len(r.Topics) == 0 && len(r.Myths) == 0 && len(r.Information) == 0
}

// Check refuses a record that holds nothing, or a list of more than
// MaxItems entries, an entry that is empty, longer than MaxItem characters
// or more than one line, or an entry given twice in a list; field names
// are "topics.0", "myths.2" and so on.
func (r PLIRecord) Check() error { return r.CheckAt("") }

// CheckAt is Check for a record inside another input: prefix is put
// before every field name ("pli." makes "pli.topics.0").
func (r PLIRecord) CheckAt(prefix string) error {
	var p problems
	if r.Empty() {
		p.Add(prefix+"topics", "record at least one topic opened, myth corrected or piece of information given, or leave the P/LI record out")
	}
	p.list(prefix+"topics", r.Topics, MaxItems, "topic", "topics")
	p.list(prefix+"myths", r.Myths, MaxItems, "myth", "myths")
	p.list(prefix+"information", r.Information, MaxItems, "piece of information", "pieces of information")
	return p.Err("Invalid P/LI record")
}
