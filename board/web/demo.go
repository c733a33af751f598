package web

import (
	"context"
	"errors"

	"github.com/certboard/certboard/demo"
)

// DemoPassword is the password of every demo account (demo.Password).
const DemoPassword = demo.Password

// DemoLogin is one account the demo seeds (demo.Login).
type DemoLogin = demo.Login

// demoEmail is the address of a demo account (demo.Email).
func demoEmail(local string) string { return demo.Email(local) }

// SeedDemo fills an empty database with the demo board (see demo.Seed),
// through this server's board: its store, requirement sets, clock and
// address, and Config.Demo for what no use case does. On a database that
// already has the demo it changes nothing and returns the logins again.
func (s *Server) SeedDemo(ctx context.Context) ([]DemoLogin, error) {
	if s.cfg.Demo == nil {
		return nil, errors.New("server: seeding the demo needs Config.Demo")
	}
	return demo.Seed(ctx, demo.Deps{Store: s.cfg.Demo, Config: s.boardConfig(s.board.Catalog())})
}
