package web

import (
	"context"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
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
// address. On a database that already has the demo it changes nothing
// and returns the logins again.
func (s *Server) SeedDemo(ctx context.Context) ([]DemoLogin, error) {
	st := boardsql.ForBoard{Store: s.cfg.Store}
	return demo.Seed(ctx, demo.Deps{Store: st, Config: board.Config{Store: st, Catalog: s.board.Catalog(),
		Clock: certboard.ClockFunc(s.now), PublicURL: s.cfg.PublicURL, Blobs: fileStore(s.cfg.Files), Log: s.cfg.Log}})
}
