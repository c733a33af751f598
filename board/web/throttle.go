package web

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
)

// Sign-in throttling is the account use cases' (auth.Accounts: every
// attempt that may fail is charged to its counters in the database before
// it is checked). Here are the device cookie, the hashing slots and the
// metrics of checks.

// Known devices.
const (
	// DeviceCookie names a browser that signed in to an account with its
	// second factor; the __Host- prefix makes browsers insist on Secure,
	// Path=/ and no Domain.
	DeviceCookie = "__Host-certboard_device"
	// DeviceMax is how long a device stays known after its last sign-in
	// with the second factor.
	DeviceMax = auth.DeviceMax
)

// DefaultHashConcurrency is how many passwords are hashed at once when
// Config.HashConcurrency is not set: each argon2id hash takes 19 MiB, so
// 8 take about 150 MiB.
const DefaultHashConcurrency = auth.DefaultHashConcurrency

// initSignIn sets up the hashing slots, the counters of checks and the
// account use cases, which share them.
func (s *Server) initSignIn() {
	n := s.cfg.HashConcurrency
	if n <= 0 {
		n = DefaultHashConcurrency
	}
	s.hashSlots = make(chan struct{}, n)
	s.checks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certboard_sign_in_checks_total",
		Help: "Sign-in checks by step (password, code, token) and outcome (right, wrong, throttled, busy).",
	}, []string{"step", "outcome"})
	s.metrics.MustRegister(s.checks)
	accounts, err := auth.NewAccounts(auth.AccountsConfig{Store: s.cfg.Accounts, SignUpRole: auth.Applicant, Clock: certboard.ClockFunc(s.now),
		Link: s.link, Log: s.cfg.Log, HashSlots: s.hashSlots, Checked: s.counted})
	if err != nil {
		panic(err) // New checked that there is a store
	}
	s.accounts = accounts
}

// counted adds one check of a step with its outcome to the metrics.
func (s *Server) counted(step, outcome string) { s.checks.WithLabelValues(step, outcome).Inc() }

// forgetThrottles deletes the failure counters that no longer matter; the
// background job loop calls it.
func (s *Server) forgetThrottles(ctx context.Context) {
	if n, err := s.accounts.ForgetThrottles(ctx); err != nil && ctx.Err() == nil {
		s.cfg.Log.Error("forgetting old failed attempts", "err", err)
	} else if n > 0 {
		s.cfg.Log.Debug("forgot old failed attempts", "counters", n)
	}
}
