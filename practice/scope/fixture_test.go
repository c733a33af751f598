package scope_test

import (
	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/internal/credtest"
)

// credentialWithoutStatus is a credential of is that names no status list
// and, when holderEmail is "", identifies its holder by name only.
func credentialWithoutStatus(is *credtest.Issuer, holderEmail string) (credtest.Signed, error) {
	mail := holderEmail
	if mail == "" {
		mail = "placeholder@example.org"
	}
	c, err := credential.Issue(credential.IssueInput{
		IssuerDID: is.DID, BoardName: is.Name, BoardURL: is.Base(), CredentialID: is.Base() + "/badges/1",
		HolderName: "Jordan Reyes", HolderEmail: mail, Salt: "fedcba9876543210fedcba9876543210",
		CredentialType: "CST", Title: "AASECT Certified Sex Therapist",
		RequirementSetID: "cst", RequirementSetVersion: "1", ValidFrom: issuedAt, ValidYears: 3,
		Revocation: credential.StatusInput{ListURL: is.Base() + "/r", Index: 1},
		Suspension: credential.StatusInput{ListURL: is.Base() + "/s", Index: 1},
	})
	if err != nil {
		return credtest.Signed{}, err
	}
	c.CredentialStatus = nil
	if holderEmail == "" {
		c.CredentialSubject.Identifier = c.CredentialSubject.Identifier[1:]
	}
	return is.Sign(c, 0, 0, issuedAt), nil
}
