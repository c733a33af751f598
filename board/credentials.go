package board

// credentialReads is what the credential use cases read outside a transaction.
type credentialReads interface{}

// credentialWrites is what the credential use cases write in their transaction.
type credentialWrites interface{}
