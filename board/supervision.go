package board

// supervisionReads is what the supervision use cases read outside a transaction.
type supervisionReads interface{}

// supervisionWrites is what the supervision use cases write in their transaction.
type supervisionWrites interface{}
