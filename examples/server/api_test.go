package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/golden"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/schema"
	"github.com/stretchr/testify/require"
)

const (
	shipmentsDir = "../shipments"
	goldenDir    = "../prequalify/testdata"
)

// testEngine is compiled once for the package's tests: an Engine is
// immutable and safe for concurrent use, as the service relies on.
var testEngine = sync.OnceValues(func() (*markets.Engine, error) { return markets.New() })

// newTestHandler returns the service's handler on the embedded policies,
// logging nowhere.
func newTestHandler(t testing.TB, evalOpts ...markets.EvalOption) http.Handler {
	t.Helper()
	engine, err := testEngine()
	require.NoError(t, err)
	h, err := newHandler(engine, evalOpts, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	return h
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// do sends one request to h and returns the recorded answer.
func do(t testing.TB, h http.Handler, method, target string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestPrequalifyAnswersAsTheCLI compares the service's answers with the
// golden files of examples/prequalify: the same bytes for the same input.
func TestPrequalifyAnswersAsTheCLI(t *testing.T) {
	h := newTestHandler(t)
	tests := []struct {
		name, path, input, golden string
	}{
		{"Brazil servers", "/v1/prequalify", "br-servers-sp.json", "br-servers-sp.json.golden"},
		{"Turkey network gear", "/v1/prequalify", "tr-network.json", "tr-network.json.golden"},
		{"Vietnam declines", "/v1/prequalify", "vn-refurbished.json", "vn-refurbished.json.golden"},
		{"destination named explicitly", "/v1/prequalify?market=tr", "tr-network.json", "tr-network.json.golden"},
		{"rollout of nine markets", "/v1/rollout", "rollout-nine-markets.json", "rollout-nine-markets.json.golden"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, http.MethodPost, tc.path, readFile(t, filepath.Join(shipmentsDir, tc.input)))
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			golden.Compare(t, filepath.Join(goldenDir, tc.golden), rec.Body.String())
		})
	}
}

// TestPrequalifyAnswersAsTheCLIRun runs the CLI itself (go run) for the
// market lists the goldens do not cover and compares the bytes.
func TestPrequalifyAnswersAsTheCLIRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs examples/prequalify; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	h := newTestHandler(t)
	tests := []struct {
		market, input string
	}{
		{"all", "mixed-rollout.json"},
		{"TR,SA,BR", "mixed-rollout.json"},
		{"IN", "in-servers.json"},
		{"all", "sa-gpu.json"},
	}
	// Build once, run many times.
	bin := filepath.Join(t.TempDir(), "prequalify")
	build := exec.Command(goBin, "build", "-o", bin, "../prequalify")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, tc := range tests {
		t.Run(tc.market+" "+tc.input, func(t *testing.T) {
			file := filepath.Join(shipmentsDir, tc.input)
			cli := exec.Command(bin, "-market", tc.market, file)
			var stdout, stderr bytes.Buffer
			cli.Stdout, cli.Stderr = &stdout, &stderr
			require.NoError(t, cli.Run(), stderr.String())
			rec := do(t, h, http.MethodPost, "/v1/prequalify?market="+tc.market, readFile(t, file))
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			if diff := cmp.Diff(stdout.String(), rec.Body.String()); diff != "" {
				t.Errorf("answer differs from the CLI's (-cli +service):\n%s", diff)
			}
		})
	}
}

// TestInvalidInput checks the 400 answers: every problem, each with its
// field path, in the decoder's order.
func TestInvalidInput(t *testing.T) {
	h := newTestHandler(t)
	invalid := readFile(t, filepath.Join(goldenDir, "invalid-shipment.json"))
	valid := readFile(t, filepath.Join(shipmentsDir, "tr-network.json"))
	rollout := readFile(t, filepath.Join(shipmentsDir, "rollout-nine-markets.json"))
	tests := []struct {
		name   string
		path   string
		body   []byte
		status int
		want   errorBody
	}{
		{
			name: "every problem of an invalid shipment", path: "/v1/prequalify", body: invalid, status: 400,
			want: errorBody{Status: 400, Error: "invalid shipment", Problems: []problem{
				{"date", `must be a real date written YYYY-MM-DD, not "2026-02-30"`},
				{"destination_subdivision", `required: the taxes of BR depend on it (an ISO 3166-2 code such as "BR-SP")`},
				{"charges.freight", `must be a decimal string such as "12.50", not a JSON number`},
				{"items[0].quantity", "must be greater than 0"},
				{"items[0].unit_value", "must be greater than 0"},
				{"items[0].colour", "unknown field"},
			}},
		},
		{
			name: "malformed JSON is a problem of the document", path: "/v1/prequalify", body: []byte(`{"id": "x",`), status: 400,
			want: errorBody{Status: 400, Error: "invalid shipment", Problems: []problem{{"", "malformed JSON: unexpected end of input"}}},
		},
		{
			name: "empty body", path: "/v1/prequalify", body: []byte{}, status: 400,
			want: errorBody{Status: 400, Error: "invalid shipment", Problems: []problem{{"", "empty input: want a JSON object holding one shipment"}}},
		},
		{
			name: "unknown market", path: "/v1/prequalify?market=TR,ZZ", body: valid, status: 400,
			want: errorBody{Status: 400, Error: "no policy for ZZ (loaded: BR, EG, IN, KZ, MY, PH, RS, SA, TR, UZ, VN)",
				Problems: []problem{{"?market", "no policy for ZZ (loaded: BR, EG, IN, KZ, MY, PH, RS, SA, TR, UZ, VN)"}}},
		},
		{
			name: "destination without a policy", path: "/v1/prequalify",
			body:   bytes.Replace(bytes.Replace(valid, []byte(`"destination": "TR"`), []byte(`"destination": "DE"`), 1), []byte(`"country": "TR"`), []byte(`"country": "DE"`), -1),
			status: 400,
		},
		{
			name: "a rollout's problems are named by their path in the rollout", path: "/v1/rollout",
			body:   bytes.Replace(rollout, []byte(`"exchange_rates": {"USD": "43.1200"}`), []byte(`"exchange_rates": {"USD": 43.12}`), 1),
			status: 400,
			want: errorBody{Status: 400, Error: "invalid rollout", Problems: []problem{
				{"markets[TR].exchange_rates.USD", `must be a decimal string such as "5.3000", not a JSON number`},
			}},
		},
		{
			name: "a shipment is not a rollout", path: "/v1/rollout", body: valid, status: 400,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, http.MethodPost, tc.path, tc.body)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			var got errorBody
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
			require.NotEmpty(t, got.Problems, "a 400 names its problems")
			if tc.want.Error == "" {
				return
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error body (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInvalidShipmentProblemsAreTheDecoders checks that the 400 body lists
// exactly iorules.FieldErrors of the same document, decoded with the
// engine's checks.
func TestInvalidShipmentProblemsAreTheDecoders(t *testing.T) {
	h := newTestHandler(t)
	engine, err := testEngine()
	require.NoError(t, err)
	body := readFile(t, filepath.Join(goldenDir, "invalid-shipment.json"))
	_, err = iorules.DecodeShipment(bytes.NewReader(body), engine.ShipmentChecks()...)
	want := problemsOf(iorules.FieldErrors(err))
	rec := do(t, h, http.MethodPost, "/v1/prequalify", body)
	var got errorBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	if diff := cmp.Diff(want, got.Problems); diff != "" {
		t.Errorf("problems (-decoder +service):\n%s", diff)
	}
}

// unsized hides a body's length, so the request is sent chunked.
type unsized struct{ io.Reader }

// TestBodyLimit: a body over the decoder's limit is a 413, whether the
// client announces its length or not; a body at the limit is decoded.
func TestBodyLimit(t *testing.T) {
	srv := httptest.NewServer(newTestHandler(t))
	defer srv.Close()
	over := bytes.Repeat([]byte(" "), iorules.MaxShipmentBytes+1)
	at := bytes.Repeat([]byte(" "), iorules.MaxShipmentBytes)
	tests := []struct {
		name   string
		path   string
		body   io.Reader
		status int
	}{
		{"shipment over the limit, with Content-Length", "/v1/prequalify", bytes.NewReader(over), http.StatusRequestEntityTooLarge},
		{"shipment over the limit, chunked", "/v1/prequalify", unsized{bytes.NewReader(over)}, http.StatusRequestEntityTooLarge},
		{"rollout over the limit, chunked", "/v1/rollout", unsized{bytes.NewReader(over)}, http.StatusRequestEntityTooLarge},
		{"form over the limit", "/", bytes.NewReader(append(over, bytes.Repeat([]byte(" "), 64<<10)...)), http.StatusRequestEntityTooLarge},
		{"form over the limit, chunked", "/", unsized{bytes.NewReader(append(over, bytes.Repeat([]byte(" "), 64<<10)...))}, http.StatusRequestEntityTooLarge},
		{"at the limit: decoded, and empty", "/v1/prequalify", bytes.NewReader(at), http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, srv.URL+tc.path, tc.body)
			require.NoError(t, err)
			if tc.path == "/" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, tc.status, resp.StatusCode, string(b))
		})
	}
}

// TestRoutes checks the other endpoints and the 404 and 405 answers.
func TestRoutes(t *testing.T) {
	h := newTestHandler(t)
	shipmentSchema, err := schema.File(schema.Shipment)
	require.NoError(t, err)
	tests := []struct {
		name, method, path string
		status             int
		allow              string // the Allow header of a 405
		contentType        string
		body               string // when set, the whole body
		has                string // when set, text the body contains
	}{
		{name: "health", method: "GET", path: "/healthz", status: 200, contentType: "application/json; charset=utf-8", body: "{\n  \"markets\": 11,\n  \"status\": \"ok\"\n}\n"},
		{name: "schema", method: "GET", path: "/v1/schema/shipment.json", status: 200, contentType: "application/schema+json", body: string(shipmentSchema)},
		{name: "decision schema", method: "GET", path: "/v1/schema/decision.json", status: 200, has: `"partial_total_taxes"`},
		{name: "rollout schema", method: "GET", path: "/v1/schema/rollout.json", status: 200, has: `"market_setup"`},
		{name: "unknown schema", method: "GET", path: "/v1/schema/nope.json", status: 404},
		{name: "page", method: "GET", path: "/", status: 200, contentType: "text/html; charset=utf-8", has: `<form method="post" action="/"`},
		{name: "asset", method: "GET", path: "/assets/app.js", status: 200, has: "DOMContentLoaded"},
		{name: "sample", method: "GET", path: "/samples/tr-network.json", status: 200, has: `"TR-IST-2612-0003"`},
		{name: "head of a GET route", method: "HEAD", path: "/healthz", status: 200},
		{name: "unknown path", method: "GET", path: "/v2/prequalify", status: 404, has: `"error": "no such endpoint: /v2/prequalify"`},
		{name: "unknown asset", method: "GET", path: "/assets/evil.js", status: 404},
		{name: "GET on a POST route", method: "GET", path: "/v1/prequalify", status: 405, allow: "POST", has: `"status": 405`},
		{name: "POST on a GET route", method: "POST", path: "/v1/markets", status: 405, allow: "GET, HEAD"},
		{name: "DELETE on the page", method: "DELETE", path: "/", status: 405, allow: "GET, POST, HEAD"},
		{name: "PUT on health", method: "PUT", path: "/healthz", status: 405, allow: "GET, HEAD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, tc.method, tc.path, nil)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			require.Equal(t, tc.allow, rec.Header().Get("Allow"))
			if tc.contentType != "" {
				require.Equal(t, tc.contentType, rec.Header().Get("Content-Type"))
			}
			if tc.body != "" {
				if diff := cmp.Diff(tc.body, rec.Body.String()); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
			}
			require.Contains(t, rec.Body.String(), tc.has)
			if tc.status >= 400 {
				var eb errorBody
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &eb), "error answers are JSON")
				require.Equal(t, tc.status, eb.Status)
			}
		})
	}
}

// TestMarkets checks GET /v1/markets against the engine's policies.
func TestMarkets(t *testing.T) {
	h := newTestHandler(t)
	engine, err := testEngine()
	require.NoError(t, err)
	rec := do(t, h, http.MethodGet, "/v1/markets", nil)
	require.Equal(t, http.StatusOK, rec.Code)
	var got marketsBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	want := marketsBody{Library: "github.com/iorules/iorules " + markets.Version, PolicySetSHA256: engine.PolicySetSHA256()}
	for _, m := range engine.Markets() {
		p, ok := engine.Policy(m)
		require.True(t, ok)
		want.Markets = append(want.Markets, marketInfo{Market: m, Name: p.Name, Currency: p.Currency, Version: p.Version,
			EffectiveFrom: p.EffectiveFrom, EffectiveTo: p.EffectiveTo, File: p.File, SHA256: p.SHA256, Rules: len(p.Rules), Taxes: p.Taxes})
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b iorules.Date) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("markets (-want +got):\n%s", diff)
	}
	require.Len(t, got.Markets, 11)
	for _, m := range got.Markets {
		require.False(t, m.EffectiveFrom.IsZero(), "%s has a window", m.Market)
		require.NotEmpty(t, m.Version, "%s has a version", m.Market)
	}
}

// TestScreeningOption: -screening's list reaches the decisions.
func TestScreeningOption(t *testing.T) {
	body := readFile(t, filepath.Join(shipmentsDir, "tr-network.json"))
	ship, err := iorules.DecodeShipment(bytes.NewReader(body))
	require.NoError(t, err)
	list := filepath.Join(t.TempDir(), "list.json")
	require.NoError(t, os.WriteFile(list, []byte(`{"parties": [{"name": "`+ship.EndUser.Name+`", "list": "EL", "source": "test"}], "threshold": 85}`), 0o644))
	opts, err := readScreening(list)
	require.NoError(t, err)
	h := newTestHandler(t, markets.WithScreening(opts))
	rec := do(t, h, http.MethodPost, "/v1/prequalify", body)
	require.Equal(t, http.StatusOK, rec.Code)
	var d struct {
		ExportControl struct {
			Screening []struct {
				PartyName string `json:"party_name"`
			} `json:"screening"`
		} `json:"export_control"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &d))
	require.NotEmpty(t, d.ExportControl.Screening)
	require.Equal(t, ship.EndUser.Name, d.ExportControl.Screening[0].PartyName)
}

// TestConcurrentRequestsShareTheEngine sends many requests at once (run
// with -race): every answer is the golden.
func TestConcurrentRequestsShareTheEngine(t *testing.T) {
	h := newTestHandler(t)
	inputs := map[string][]byte{
		"br-servers-sp": readFile(t, filepath.Join(shipmentsDir, "br-servers-sp.json")),
		"tr-network":    readFile(t, filepath.Join(shipmentsDir, "tr-network.json")),
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 32 {
		name := "br-servers-sp"
		if i%2 == 1 {
			name = "tr-network"
		}
		want := golden.Read(t, filepath.Join(goldenDir, name+".json.golden"))
		wg.Go(func() {
			for range 3 {
				rec := do(t, h, http.MethodPost, "/v1/prequalify", inputs[name])
				if rec.Code != http.StatusOK || rec.Body.String() != want {
					errs <- name + ": " + rec.Result().Status
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestRunServesAndShutsDown starts the command on a free loopback port,
// asks it for its health and stops it as SIGTERM would.
func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-shutdown-timeout", "5s"}, &logs, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("run exited with %d before listening: %s", code, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatal("run did not start listening")
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	cancel()
	select {
	case code := <-done:
		require.Equal(t, 0, code, logs.String())
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	// The log is JSON, one object a line: listening, the request, shutdown.
	var msgs []string
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec struct {
			Msg  string `json:"msg"`
			Path string `json:"path"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		msgs = append(msgs, rec.Msg+rec.Path)
	}
	if diff := cmp.Diff([]string{"listening", "request/healthz", "shutting down", "stopped"}, msgs); diff != "" {
		t.Errorf("log messages (-want +got):\n%s", diff)
	}
}

// TestShutdownLetsRequestsFinish: a request whose body is still arriving
// when the signal comes is answered in full before run returns.
func TestShutdownLetsRequestsFinish(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, &logs, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("run exited with %d: %s", code, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatal("run did not start listening")
	}

	body := readFile(t, filepath.Join(shipmentsDir, "br-servers-sp.json"))
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	br := bufio.NewReader(conn)
	// A first request on the connection makes sure the server has accepted
	// it: a connection still in the listen queue is dropped by Shutdown.
	_, err = fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
	require.NoError(t, err)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	resp.Body.Close()

	half := len(body) / 2
	_, err = fmt.Fprintf(conn, "POST /v1/prequalify HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", addr, len(body))
	require.NoError(t, err)
	_, err = conn.Write(body[:half])
	require.NoError(t, err)
	// Give the server time to read the headers: the connection is then
	// active, and Shutdown waits for it.
	time.Sleep(200 * time.Millisecond)

	cancel() // as SIGTERM does
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "shutting down") }, 5*time.Second, 10*time.Millisecond)
	select {
	case code := <-done:
		t.Fatalf("run returned %d with a request in flight: %s", code, logs.String())
	case <-time.After(200 * time.Millisecond):
	}
	_, err = conn.Write(body[half:])
	require.NoError(t, err)
	resp, err = http.ReadResponse(br, nil)
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	golden.Compare(t, filepath.Join(goldenDir, "br-servers-sp.json.golden"), got)
	select {
	case code := <-done:
		require.Equal(t, 0, code, logs.String())
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after the request finished")
	}
}

// TestRunRefusesToStart: problems found before listening end the command
// with status 3 and say what is wrong.
func TestRunRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken")
	require.NoError(t, os.Mkdir(broken, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(broken, "tr.yaml"), []byte("market: TR\nname: x\ncurrency: TRY\nversion: \"1\"\neffective_from: 2025-01-01\nvaluation: {basis: CIF}\nrules:\n  - id: tr.bad\n    kind: condition\n    when: item.quantity + \"x\"\n    message: m\n    source: s\n    confidence: confirmed\n"), 0o644))
	badList := filepath.Join(dir, "list.json")
	require.NoError(t, os.WriteFile(badList, []byte(`{"parties": [], "colour": "blue"}`), 0o644))
	tests := []struct {
		name string
		args []string
		has  string
	}{
		{"unknown flag", []string{"-bogus"}, "flag provided but not defined: -bogus"},
		{"stray argument", []string{"file.json"}, "unexpected arguments: file.json"},
		{"policies directory missing", []string{"-policies", filepath.Join(dir, "nope")}, "-policies"},
		{"policy that fails to load", []string{"-policies", broken}, filepath.Join(broken, "tr.yaml") + ":10:"},
		{"screening list with an unknown field", []string{"-screening", badList}, `colour: unknown field`},
		{"address that cannot be used", []string{"-addr", "256.0.0.1:1"}, "256.0.0.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr syncBuffer
			code := run(context.Background(), tc.args, &stderr, nil)
			require.Equal(t, exitFailure, code)
			require.Contains(t, stderr.String(), tc.has)
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
