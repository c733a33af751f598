package server

// staffRoutes registers the board staff's work queue, verification and decisions.
func (s *Server) staffRoutes() {}
