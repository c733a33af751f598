package board

// providerReads is what the provider use cases read outside a transaction.
type providerReads interface{}

// providerWrites is what the provider use cases write in their transaction.
type providerWrites interface{}
