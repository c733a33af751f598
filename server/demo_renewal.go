package server

import (
	"context"

	"github.com/certboard/certboard/store"
)

// seedRenewalDemo seeds renewals: CE logged in a cycle, and a credential a
// renewal superseded. users are the demo accounts by e-mail local part.
func (s *Server) seedRenewalDemo(ctx context.Context, users map[string]*store.User) error {
	return nil
}
