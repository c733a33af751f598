package server

// supervisorRoutes registers the supervisor's pages and API.
func (s *Server) supervisorRoutes() {}
