// Command server is an HTTP service and an operator's page over the iorules
// engine: the same decisions as examples/prequalify, for Go services and for
// people who run an importer of record and would rather not use a terminal.
//
// Usage:
//
//	server [-addr HOST:PORT] [-policies DIR] [-screening FILE] [-tables FILE]
//	       [-read-timeout D] [-write-timeout D] [-idle-timeout D] [-shutdown-timeout D]
//
// There is no -tables FILE: the library has no option to load tables apart
// from their policies yet.
//
// Endpoints:
//
//	POST /v1/prequalify[?market=XX|all|XX,YY]  a shipment in, the decision out, byte for byte as prequalify prints it
//	POST /v1/rollout                           a rollout in, the markets.RolloutResult out, as prequalify -rollout prints it
//	GET  /v1/markets                           the loaded markets with their policy version and effective window
//	GET  /v1/schema/{shipment,rollout,decision}.json  the JSON Schemas (draft 2020-12)
//	GET  /healthz                              liveness
//	GET  /                                     the page; POST / renders a result without JavaScript
//
// An invalid document is a 400 whose JSON body lists every problem with its
// field path; a body over iorules.MaxShipmentBytes is a 413; an unknown path
// is a 404 and a known path with the wrong method a 405, both with a JSON
// body. One Engine, compiled at start, serves every request. Logs are
// structured (log/slog, JSON on stderr). SIGINT or SIGTERM stops accepting
// connections and lets the requests in flight finish.
//
// Exit status: 0 after a graceful shutdown; 3 when the service cannot start
// (bad flags, policies that fail to load, an unreadable screening list, an
// address in use).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/internal/inputfile"
	"github.com/iorules/iorules/markets"
)

const exitFailure = 3

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr, nil))
}

// config is the parsed command line.
type config struct {
	addr         string
	policies     string
	screening    string
	tables       string
	readTimeout  time.Duration
	writeTimeout time.Duration
	idleTimeout  time.Duration
	shutdown     time.Duration
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT` (port 0 picks a free one)")
	fs.StringVar(&cfg.policies, "policies", "", "load the market policies from `DIR` instead of the embedded ones")
	fs.StringVar(&cfg.screening, "screening", "", "screen the parties against the restricted-party list in `FILE` (JSON: {\"parties\": [...], \"threshold\": 85, \"dispositions\": [...]})")
	fs.StringVar(&cfg.tables, "tables", "", "add the caller's table rows in `FILE` (JSON, as prequalify -tables); they take precedence over the embedded rows they overlap")
	fs.DurationVar(&cfg.readTimeout, "read-timeout", 15*time.Second, "longest time to read a request, body included")
	fs.DurationVar(&cfg.writeTimeout, "write-timeout", 30*time.Second, "longest time from the end of the request headers to the end of the response")
	fs.DurationVar(&cfg.idleTimeout, "idle-timeout", 120*time.Second, "how long a keep-alive connection may wait for its next request")
	fs.DurationVar(&cfg.shutdown, "shutdown-timeout", 10*time.Second, "on SIGINT or SIGTERM, how long requests in flight may take to finish")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return cfg, nil
}

// run starts the service and blocks until ctx is done, then shuts it down
// gracefully. It returns the exit status. When ready is not nil it receives
// the listening address once the service accepts connections (the tests use
// it with -addr 127.0.0.1:0).
func run(ctx context.Context, args []string, stderr io.Writer, ready chan<- string) int {
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "server: %v\n", err)
		}
		return exitFailure
	}
	engine, err := loadEngine(cfg.policies, cfg.tables)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailure
	}
	var evalOpts []markets.EvalOption
	if cfg.screening != "" {
		o, err := readScreening(cfg.screening)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitFailure
		}
		evalOpts = append(evalOpts, markets.WithScreening(o))
	}
	h, err := newHandler(engine, evalOpts, logger)
	if err != nil {
		fmt.Fprintf(stderr, "server: %v\n", err)
		return exitFailure
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		fmt.Fprintf(stderr, "server: %v\n", err)
		return exitFailure
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(cfg.readTimeout, 5*time.Second),
		ReadTimeout:       cfg.readTimeout,
		WriteTimeout:      cfg.writeTimeout,
		IdleTimeout:       cfg.idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	addr := ln.Addr().String()
	logger.Info("listening", "addr", addr, "url", "http://"+addr+"/", "markets", len(engine.Markets()),
		"policies", policiesName(cfg.policies), "screening", cfg.screening != "", "policy_set_sha256", engine.PolicySetSHA256())
	if ready != nil {
		ready <- addr
	}

	select {
	case err := <-served:
		logger.Error("serve", "err", err)
		return exitFailure
	case <-ctx.Done():
	}
	logger.Info("shutting down", "grace", cfg.shutdown.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// Requests still running after the grace period are cut off.
		logger.Error("shutdown", "err", err)
		srv.Close()
		return exitFailure
	}
	logger.Info("stopped")
	return 0
}

func policiesName(dir string) string {
	if dir == "" {
		return "embedded"
	}
	return dir
}

// loadEngine compiles the embedded policies, or those in dir. A policy that
// fails to load is reported one FILE:LINE:COL: rule ID: message line per
// problem, as prequalify does.
func loadEngine(dir, tablesFile string) (*markets.Engine, error) {
	var opts []markets.Option
	if tablesFile != "" {
		data, err := inputfile.Read(tablesFile, maxTablesBytes)
		if err != nil {
			return nil, fmt.Errorf("server: -tables: %w", err)
		}
		tables, err := markets.DecodeTables(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("server: -tables %s: %w", tablesFile, err)
		}
		opts = append(opts, markets.WithTables(tables))
	}
	prefix := filepath.Join("markets", "policies")
	if dir != "" {
		info, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("server: -policies: %w", err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("server: -policies: %s is not a directory", dir)
		}
		opts = append(opts, markets.WithPolicies(os.DirFS(dir)))
		prefix = dir
	}
	engine, err := markets.New(opts...)
	if err == nil {
		return engine, nil
	}
	var le *markets.LoadError
	if !errors.As(err, &le) {
		return nil, fmt.Errorf("server: loading policies: %w", err)
	}
	lines := make([]string, 0, len(le.Issues))
	for _, is := range le.Issues {
		if is.File != "" && is.File != "." {
			is.File = filepath.Join(prefix, filepath.FromSlash(is.File))
		} else {
			is.File = prefix
		}
		lines = append(lines, is.String())
	}
	return nil, errors.New(strings.Join(lines, "\n"))
}

// Limits of the files the service reads at start-up.
const (
	maxScreeningBytes = 64 << 20
	maxTablesBytes    = 16 << 20
)

// readScreening reads the restricted-party list for export-control
// screening, as strictly as prequalify does (exportctl.DecodeList).
func readScreening(file string) (exportctl.Options, error) {
	data, err := inputfile.Read(file, maxScreeningBytes)
	if err != nil {
		return exportctl.Options{}, fmt.Errorf("server: -screening: %w", err)
	}
	o, err := exportctl.DecodeList(data)
	if err != nil {
		return exportctl.Options{}, fmt.Errorf("server: -screening %s: %w", file, err)
	}
	return o, nil
}
