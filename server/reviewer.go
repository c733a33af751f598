package server

// reviewerRoutes registers the peer reviewer's pages and API.
func (s *Server) reviewerRoutes() {}
