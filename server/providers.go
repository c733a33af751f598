package server

// providerRoutes registers the CE provider API.
func (s *Server) providerRoutes() {}
