package server

// adminRoutes registers the board admin's pages and API.
func (s *Server) adminRoutes() {}
