package server

// documentRoutes registers document uploads and downloads.
func (s *Server) documentRoutes() {}
