package board

// documentReads is what the document use cases read outside a transaction.
type documentReads interface{}

// documentWrites is what the document use cases write in their transaction.
type documentWrites interface{}
