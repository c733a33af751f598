package practice

// credentialReads are the reads of the credentials use cases.
type credentialReads interface{}

// credentialWrites are the writes of the credentials use cases, methods of a
// transaction.
type credentialWrites interface{}
