package practice

// measureReads are the reads of the measures use cases.
type measureReads interface{}

// measureWrites are the writes of the measures use cases, methods of a
// transaction.
type measureWrites interface{}
