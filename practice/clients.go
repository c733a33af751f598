package practice

// clientReads are the reads of the clients use cases.
type clientReads interface{}

// clientWrites are the writes of the clients use cases, methods of a
// transaction.
type clientWrites interface{}
