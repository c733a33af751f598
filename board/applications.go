package board

// applicationReads is what the application use cases read outside a transaction.
type applicationReads interface{}

// applicationWrites is what the application use cases write in their transaction.
type applicationWrites interface{}
