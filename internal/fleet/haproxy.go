package fleet

import (
	"bufio"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"strings"
	"text/template"
	"time"
)

// HAProxyBinary is Debian's HAProxy (package haproxy).
const HAProxyBinary = "/usr/sbin/haproxy"

//go:embed haproxy.cfg.tmpl
var configTemplate string

var haproxyConfig = template.Must(template.New("haproxy.cfg").Parse(configTemplate))

// Balancer is what the HAProxy configuration names: where it listens, its
// admin socket, and the servers behind it.
type Balancer struct {
	Listen      string // host:port
	StatsSocket string
	Servers     []Backend
}

// Backend is one server behind the balancer.
type Backend struct {
	Name string // tez1, tez2, …: the X-Served-By of its answers
	Addr string // host:port
}

// Example is the balancer docs/operations.md shows: three servers on one
// machine's ports 8081-8083, the balancer on 8080.
var Example = Balancer{
	Listen:      "0.0.0.0:8080",
	StatsSocket: "/run/haproxy/admin.sock",
	Servers:     []Backend{{"tez1", "127.0.0.1:8081"}, {"tez2", "127.0.0.1:8082"}, {"tez3", "127.0.0.1:8083"}},
}

// Config renders HAProxy's configuration for b.
func Config(b Balancer) string {
	var sb strings.Builder
	if err := haproxyConfig.Execute(&sb, b); err != nil {
		panic(err) // the template is fixed and its data plain strings
	}
	return sb.String() + "\n"
}

// ServerStates reads, from HAProxy's admin socket, the state of each
// server of the tez backend ("UP", "DOWN", "UP 1/2" while checks change
// it) by name.
func ServerStates(socket string) (map[string]string, error) {
	c, err := net.DialTimeout("unix", socket, 2*time.Second)
	if err != nil {
		return nil, fmt.Errorf("haproxy admin socket: %w", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "show stat\n"); err != nil {
		return nil, fmt.Errorf("haproxy show stat: %w", err)
	}
	r := csv.NewReader(bufio.NewReader(c))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("haproxy show stat: %w", err)
	}
	states := map[string]string{}
	for _, row := range rows {
		// # pxname,svname,…: column 17 is status.
		if len(row) > 17 && row[0] == "tez" && row[1] != "BACKEND" && row[1] != "FRONTEND" {
			states[row[1]] = row[17]
		}
	}
	return states, nil
}
