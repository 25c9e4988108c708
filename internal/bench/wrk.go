package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

// WRK drives a scenario with wrk, when it is installed: a C load generator
// that costs the machine a fraction of what Go's HTTP client does, which
// leaves that CPU to the server and PostgreSQL on a small machine. It
// replays Samples requests drawn from the scenario, in random order, and
// checks every answer in Lua as Check does: a 200 whose body starts with
// {"data": and whose data is not null. (gqlgen writes "errors" before
// "data", so an answer with errors fails the check.)
type WRK struct {
	Bin         string // the wrk executable
	URL         string
	Connections int
	Duration    time.Duration
	Samples     int // requests drawn from the scenario; 0: 512
}

// Run measures sc for the duration, like Load.Run; it warms up when
// Duration is the warm-up's (the caller runs it twice).
func (w WRK) Run(ctx context.Context, sc Scenario) Result {
	r := Result{Scenario: sc.Name, Connections: w.Connections}
	if err := w.run(ctx, w.script(sc), &r); err != nil {
		r.Errors, r.FirstError = 1, err.Error()
	}
	return r
}

func (w WRK) run(ctx context.Context, script string, r *Result) error {
	f, err := os.CreateTemp("", "tez-wrk-*.lua")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(script); err != nil {
		f.Close()
		return err
	}
	f.Close()
	seconds := max(1, int(w.Duration.Round(time.Second)/time.Second))
	cmd := exec.CommandContext(ctx, w.Bin, "-c", strconv.Itoa(w.Connections), "-t", strconv.Itoa(min(w.Connections, 2)),
		"-d", fmt.Sprintf("%ds", seconds), "--timeout", "30s", "-s", f.Name(), w.URL)
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("wrk: %v: %s", err, out)
	}
	text := strings.TrimSpace(string(out))
	line := text[strings.LastIndex(text, "\n")+1:]
	var got struct {
		Requests, Errors, Socket int
		Micros                   int64
		P50, P95, P99            float64
		First                    string // the first failed answer: status and body's start
	}
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		return fmt.Errorf("wrk printed no summary: %s", out)
	}
	r.Seconds = float64(got.Micros) / 1e6
	r.Requests = got.Requests
	r.Errors = got.Errors + got.Socket
	if r.Errors > 0 {
		r.FirstError = fmt.Sprintf("%d answers failed the check, %d socket errors; the first: %s", got.Errors, got.Socket, got.First)
	}
	if r.Seconds > 0 {
		r.RequestsPerSecond = float64(got.Requests-got.Errors) / r.Seconds
	}
	r.P50ms, r.P95ms, r.P99ms = got.P50/1000, got.P95/1000, got.P99/1000
	r.LoadCPUms = PerRequestMs(cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime(), got.Requests)
	return nil
}

// script is the Lua that replays the sampled requests and checks answers.
func (w WRK) script(sc Scenario) string {
	n := w.Samples
	if n <= 0 {
		n = 512
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("local reqs = {}\n")
	b.WriteString("local samples = {\n")
	for range n {
		req := sc.Next(rng)
		names := make([]string, 0, len(req.Header))
		for k := range req.Header {
			names = append(names, k)
		}
		sort.Strings(names)
		b.WriteString("  {body = " + luaString(string(req.Body)) + ", headers = {[\"Content-Type\"] = \"application/json\"")
		for _, k := range names {
			b.WriteString(", [" + luaString(k) + "] = " + luaString(req.Header[k]))
		}
		b.WriteString("}},\n")
	}
	b.WriteString(`}
errors = 0
first = ""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args)
  for i, s in ipairs(samples) do reqs[i] = wrk.format("POST", nil, s.headers, s.body) end
  math.randomseed(os.time() * 7919 + id)
end
function request() return reqs[math.random(#reqs)] end
function response(status, headers, body)
  if status ~= 200 or body:sub(1, 8) ~= '{"data":' or body:sub(9, 12) == 'null' then
    errors = errors + 1
    if first == "" then first = status .. " " .. body:sub(1, 300):gsub('[^%w %p]', ' '):gsub('["\\]', "'") end
  end
end
function done(summary, latency, requests)
  local errs, firstErr = 0, ""
  for _, t in ipairs(threads) do
    errs = errs + t:get("errors")
    if firstErr == "" then firstErr = t:get("first") end
  end
  local e = summary.errors
  io.write(string.format('{"requests":%d,"errors":%d,"socket":%d,"micros":%d,"p50":%d,"p95":%d,"p99":%d,"first":"%s"}\n',
    summary.requests, errs, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), firstErr))
end
`)
	return b.String()
}

// luaString is s as a Lua string literal: bytes other than printable ASCII,
// quotes and backslashes as decimal escapes.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			fmt.Fprintf(&b, "\\%03d", c)
			continue
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String()
}
