package server

// accountRoutes registers account pages (sign-in, sign-up, sessions, two-factor, API tokens).
func (s *Server) accountRoutes() {}
