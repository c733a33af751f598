package server

import (
	"context"

	"github.com/certboard/certboard/store"
)

// seedRegistryDemo gives the demo holders public profiles and credentials
// for the registry. users are the demo accounts by e-mail local part.
func (s *Server) seedRegistryDemo(ctx context.Context, users map[string]*store.User) error {
	return nil
}
