package server

// apiDocRoutes registers the OpenAPI document.
func (s *Server) apiDocRoutes() {}
