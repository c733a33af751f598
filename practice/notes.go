package practice

// noteReads are the reads of the notes use cases.
type noteReads interface{}

// noteWrites are the writes of the notes use cases, methods of a
// transaction.
type noteWrites interface{}
