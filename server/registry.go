package server

// registryRoutes registers the public registry and the holder's profile.
func (s *Server) registryRoutes() {}
