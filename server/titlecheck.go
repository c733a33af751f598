package server

// titleCheckRoutes registers the regulators' title-use check.
func (s *Server) titleCheckRoutes() {}
