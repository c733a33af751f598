package portfolio

import _ "embed"

// Schema is the JSON Schema (draft 2020-12) of the version 1 interchange
// format, with the $id https://certboard.org/schemas/portfolio-v1.json. It
// describes the shape Decode accepts; the rules a schema cannot express
// (unique ids, references between items, periods that end before they start)
// are checked by Decode alone. Serve or publish it as is; do not modify it.
//
//go:embed portfolio.schema.json
var Schema []byte
