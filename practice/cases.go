package practice

// caseReads are the reads of the cases use cases.
type caseReads interface{}

// caseWrites are the writes of the cases use cases, methods of a
// transaction.
type caseWrites interface{}
