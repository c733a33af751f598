// Package web will hold practice mode's pages and API, built on the shared
// web kit. It is reserved: see docs/architecture.md.
package web
