package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// lbConfig is what the HAProxy configuration says.
type lbConfig struct {
	// Listen is the frontend's host:port.
	Listen string
	// Servers are the certboard instances, by name.
	Servers []lbServer
	// StatsSocket is the path of the admin socket the tool reads the
	// servers' states and counters from.
	StatsSocket string
	// Inter is the health-check interval; Fall failed checks mark a
	// server down, Rise good ones up again.
	Inter      time.Duration
	Fall, Rise int
	// Retries is how many times a request is tried again on a connection
	// failure (and, for GET and HEAD only, an empty answer); every retry
	// goes to another server (option redispatch 1).
	Retries int
}

// lbServer is one backend server.
type lbServer struct {
	Name, Addr string
}

// backendName is the name of the backend in the configuration.
const backendName = "certboard"

// render writes the configuration. Health checks ask GET /readyz, which
// answers 503 when the instance cannot reach the database. A request that
// could not connect to a server (the killed instance refuses
// connections) is tried again on another. A GET or HEAD whose server
// closed the connection without answering (an instance killed while
// serving it) is tried again too; other methods are not retried once
// sent, since the server may have acted on them: the client sees a 502.
func (c lbConfig) render() string {
	var b strings.Builder
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) + "ms" }
	fmt.Fprintf(&b, `# Written by bench/cluster for one run.
global
    maxconn 2000
    stats socket %s mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 10s
    timeout http-request 10s
    timeout http-keep-alive 120s
    option forwardfor
    retries %d
    option redispatch 1
    retry-on conn-failure empty-response

frontend web
    bind %s
    default_backend %s

backend %s
    balance roundrobin
    http-request disable-l7-retry unless METH_GET
    option httpchk
    http-check send meth GET uri /readyz
    http-check expect status 200
    default-server check inter %s fall %d rise %d
`, c.StatsSocket, c.Retries, c.Listen, backendName, backendName, ms(c.Inter), c.Fall, c.Rise)
	for _, s := range c.Servers {
		fmt.Fprintf(&b, "    server %s %s\n", s.Name, s.Addr)
	}
	return b.String()
}

// serverStat is a server's state and counters from HAProxy's statistics.
type serverStat struct {
	// Status is UP, DOWN, "UP 1/2" (going down), "DOWN 1/2" (coming up),
	// MAINT, ...
	Status string `json:"status"`
	// Sessions is the requests (sessions) the server took.
	Sessions int64 `json:"sessions"`
	// Retries and Redispatches count requests tried again after failing on
	// this server, and those sent to another server then.
	Retries      int64 `json:"retries"`
	Redispatches int64 `json:"redispatches"`
	// ConnErrors are failed connections to it; RespErrors answers that
	// failed (such as a connection closed without an answer).
	ConnErrors int64 `json:"connection_errors"`
	RespErrors int64 `json:"response_errors"`
	// Answers5xx are 5xx answers passed on (for the frontend: those HAProxy
	// gave itself too, such as 502 and 503).
	Answers5xx int64 `json:"answers_5xx"`
}

// down reports whether HAProxy has taken the server out of rotation.
func (s serverStat) down() bool { return strings.HasPrefix(s.Status, "DOWN") || s.Status == "MAINT" }

// up reports whether the server is fully up.
func (s serverStat) up() bool { return s.Status == "UP" }

// readStats asks the admin socket for its statistics ("show stat") and
// returns the backend servers', and the frontend's as "FRONTEND".
func readStats(socket string) (map[string]serverStat, error) {
	conn, err := net.DialTimeout("unix", socket, 2*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, "show stat\n"); err != nil {
		return nil, err
	}
	return parseStats(bufio.NewReader(conn))
}

// parseStats reads HAProxy's CSV statistics: a header line "# pxname,
// svname, ..." and a line per proxy and server.
func parseStats(r io.Reader) (map[string]serverStat, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("haproxy statistics: %w", err)
	}
	if len(head) > 0 {
		head[0] = strings.TrimSpace(strings.TrimPrefix(head[0], "#"))
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, need := range []string{"pxname", "svname", "status"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("haproxy statistics: no %s column", need)
		}
	}
	out := map[string]serverStat{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("haproxy statistics: %w", err)
		}
		field := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		num := func(name string) int64 {
			n, _ := strconv.ParseInt(field(name), 10, 64)
			return n
		}
		px, sv := field("pxname"), field("svname")
		switch {
		case px == backendName && sv != "BACKEND":
		case sv == "FRONTEND" && px == "web":
		default:
			continue
		}
		out[sv] = serverStat{Status: field("status"), Sessions: num("stot"), Retries: num("wretr"), Redispatches: num("wredis"),
			ConnErrors: num("econ"), RespErrors: num("eresp"), Answers5xx: num("hrsp_5xx")}
	}
	return out, nil
}
