package board

// draftReads is what the draft use cases read outside a transaction.
type draftReads interface{}

// draftWrites is what the draft use cases write in their transaction.
type draftWrites interface{}
