package boardsql

import "github.com/certboard/certboard/board"

// The board's domain types are declared in package board, beside its use
// cases; these aliases keep the store's signatures readable.

// SetUpload is board.SetUpload.
type SetUpload = board.SetUpload

// BoardSettings is board.BoardSettings.
type BoardSettings = board.BoardSettings

// IssuedCredential is board.IssuedCredential.
type IssuedCredential = board.IssuedCredential

// Document is board.Document.
type Document = board.Document

// ProviderApproval is board.ProviderApproval.
type ProviderApproval = board.ProviderApproval

// ProviderProfile is board.ProviderProfile.
type ProviderProfile = board.ProviderProfile

// Completion is board.Completion.
type Completion = board.Completion

// CompletionFilter is board.CompletionFilter.
type CompletionFilter = board.CompletionFilter

// Profile is board.Profile.
type Profile = board.Profile

// RegistryCredential is board.RegistryCredential.
type RegistryCredential = board.RegistryCredential

// Listing is board.Listing.
type Listing = board.Listing

// RegistryQuery is board.RegistryQuery.
type RegistryQuery = board.RegistryQuery

// RegistryPage is board.RegistryPage.
type RegistryPage = board.RegistryPage

// Assignment is board.Assignment.
type Assignment = board.Assignment

// Conflict is board.Conflict.
type Conflict = board.Conflict

// TrustedIssuer is board.TrustedIssuer.
type TrustedIssuer = board.TrustedIssuer

// Application is board.Application.
type Application = board.Application

// ApplicationFilter is board.ApplicationFilter.
type ApplicationFilter = board.ApplicationFilter

// Event is board.Event.
type Event = board.Event

// SupervisorLink is board.SupervisorLink.
type SupervisorLink = board.SupervisorLink
