package eligibility

// LargePortfolio is the benchmark portfolio, for the external tests.
var LargePortfolio = largePortfolio
