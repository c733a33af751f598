package server

// applicantRoutes registers the applicant's pages and API.
func (s *Server) applicantRoutes() {}
