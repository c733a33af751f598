// Package fhir turns practice mode's records into FHIR R4 and back, with
// no I/O: each instrument of practice/measure as a Questionnaire
// (QuestionnaireFor), each response as a QuestionnaireResponse
// (QuestionnaireResponseFor) and its score as an Observation
// (ScoreObservation), and a client's record (Record, neutral of any store)
// as a Bundle of type "collection" (Export) that ParseBundle reads back,
// checked against HL7's FHIR R4 JSON schema (vendored, see README.md) and
// then for what certboard needs, or refused naming every bad resource and
// field.
//
// The resource types are hand-written structs holding only the elements
// certboard writes, with FHIR's JSON names, rather than a generated model
// of all of FHIR (such as samply's golang-fhir-models): ten small types
// are easy to read and review, add no dependency, and every one is checked
// against the official schema by the tests, which is what keeps the names
// right. ParseBundle decodes into the same structs refusing unknown
// elements, so an element certboard would drop is reported, never lost.
//
// A collection, not a document: a document Bundle needs a Composition
// and an attester, which a record moved between two practices has no use
// for; a collection keeps every resource whole, and references between
// them are the entries' fullUrls (urn:uuid).
package fhir
