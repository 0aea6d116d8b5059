// Command prequalify pre-qualifies one import shipment against market
// policies and prints the decision.
//
// Usage:
//
//	prequalify [-market XX|all|XX,YY] [-format json|text] [-policies DIR] [-screening FILE] [-benchmarks FILE [-price-tolerance F]] FILE
//	prequalify -rollout FILE [-format json|text] [-policies DIR] [-screening FILE]
//
// FILE holds one shipment in the JSON form of the iorules contract; "-"
// reads it from standard input. By default the shipment is evaluated against
// its destination market with the policies embedded in the library.
//
// With -rollout, FILE holds a rollout instead (markets.DecodeRollout): one
// base shipment and, per market, its importer of record and exchange rates.
// The output is the markets.RolloutResult, or with -format text a table of
// the markets and which of them can move together. The rollout names its
// markets, so -market is an error with it, and so is a FILE argument.
//
// Exit status:
//
//	0  a decision was printed, whatever its verdict
//	1  the shipment is invalid: nothing on stdout, one line per problem on
//	   stderr, each starting with the field's JSON path
//	3  anything else: bad flags, unreadable input, policies that fail to
//	   load (one FILE:LINE:COL: rule ID: message line each), unknown market
//
// The command never exits with Go's panic status 2.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/examples/internal/cli"
	"github.com/iorules/iorules/internal/inputfile"
	"github.com/iorules/iorules/markets"
)

// Exit statuses.
const (
	exitDecision = 0
	exitInvalid  = 1
	exitFailure  = 3
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// config is the parsed command line.
type config struct {
	market    string
	format    string
	policies  string
	screening string
	file      string
	rollout   string // -rollout FILE; then file is empty
	// benchmarks is -benchmarks FILE, reference unit prices; tolerance is
	// -price-tolerance, the fraction a price may sit below their low bound.
	benchmarks string
	tolerance  string
	// tables is -tables FILE, caller-supplied table rows; describe is
	// -describe XX, a market whose policy to list instead of evaluating.
	tables   string
	describe string
	// explain asks for the explanation of every tax and rule.
	explain bool
}

// failure is an error that ends the run with a status and the lines to
// print on stderr.
type failure struct {
	code  int
	lines []string
}

func (f *failure) Error() string { return strings.Join(f.lines, "\n") }

func fail(code int, format string, args ...any) *failure {
	return &failure{code: code, lines: []string{fmt.Sprintf(format, args...)}}
}

// run is the whole command: it reads the shipment named in args (or stdin),
// evaluates it and writes the decision to stdout. Output goes to stdout only
// when a decision was made; every problem goes to stderr. It returns the
// exit status and never panics.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "prequalify: internal error: %v\n", r)
			code = exitFailure
		}
	}()
	out, err := prequalify(args, stdin, stderr)
	if err != nil {
		var f *failure
		if !errors.As(err, &f) {
			f = fail(exitFailure, "prequalify: %v", err)
		}
		for _, l := range f.lines {
			fmt.Fprintln(stderr, l)
		}
		return f.code
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "prequalify: writing output: %v\n", err)
		return exitFailure
	}
	return exitDecision
}

// prequalify does the work of run and returns the bytes to print. Nothing
// is written to stdout until everything has succeeded.
func prequalify(args []string, stdin io.Reader, stderr io.Writer) ([]byte, error) {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return nil, err
	}
	if cfg.describe != "" {
		return describe(cfg)
	}
	loaded := load(cfg)
	var s iorules.Shipment
	if cfg.rollout == "" {
		if s, err = readShipment(cfg.file, stdin, loaded.checks()); err != nil {
			return nil, err
		}
	}
	var evalOpts []markets.EvalOption
	if cfg.explain {
		evalOpts = append(evalOpts, markets.WithExplanation())
	}
	if cfg.screening != "" {
		opts, err := readScreening(cfg.screening)
		if err != nil {
			return nil, err
		}
		evalOpts = append(evalOpts, markets.WithScreening(opts))
	}
	if cfg.benchmarks != "" {
		opt, err := readBenchmarks(cfg.benchmarks, cfg.tolerance)
		if err != nil {
			return nil, err
		}
		evalOpts = append(evalOpts, opt)
	}
	if cfg.rollout != "" {
		return rollout(cfg, stdin, evalOpts, loaded)
	}
	engine, err := loaded.engine, loaded.err
	if err != nil {
		return nil, err
	}
	targets, list, err := selectMarkets(cfg.market, s, engine.Markets())
	if err != nil {
		return nil, err
	}
	ds := make([]markets.Decision, 0, len(targets))
	for _, m := range targets {
		d, err := engine.PrequalifyMarket(m, s, evalOpts...)
		if err != nil {
			return nil, evaluationFailure(m, err)
		}
		ds = append(ds, d)
	}

	var buf bytes.Buffer
	switch cfg.format {
	case "text":
		err = writeText(&buf, ds)
	case "summary":
		err = writeSummary(&buf, ds)
	default:
		err = writeJSON(&buf, ds, list)
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

const usageText = `usage: prequalify [flags] FILE
       prequalify -rollout FILE [flags]

Pre-qualifies the import shipment in FILE (JSON; "-" reads stdin) against
the market policies and prints the decision. With -rollout, FILE holds one
shipment and an importer of record and exchange rates per market, and the
output compares the markets.

flags:
`

const exitText = `
exit status: 0 decision printed (any verdict), 1 invalid shipment,
3 anything else (bad flags, policies that fail to load, unknown market).
`

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fset := flag.NewFlagSet("prequalify", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.StringVar(&cfg.market, "market", "", "market to evaluate: `XX` (ISO code), all, or a list XX,YY; default the shipment's destination")
	fset.StringVar(&cfg.format, "format", "json", "output `format`: json, text (a report for a person, the summary first) or summary (one screen)")
	fset.StringVar(&cfg.policies, "policies", "", "load the market policies from `DIR` instead of the embedded ones")
	fset.StringVar(&cfg.rollout, "rollout", "", "evaluate the rollout in `FILE` (one shipment, an importer of record and exchange rates per market) instead of a shipment; - reads stdin")
	fset.StringVar(&cfg.screening, "screening", "", "screen the parties against the restricted-party list in `FILE` (JSON: {\"parties\": [...], \"threshold\": 85, \"dispositions\": [...]})")
	fset.StringVar(&cfg.benchmarks, "benchmarks", "", "compare unit prices with the reference prices in `FILE` (JSON list: [{\"hs6\": \"847150\", \"category\": \"server\", \"currency\": \"USD\", \"low\": \"6000.00\", \"high\": \"14000.00\", \"source\": \"...\", \"date\": \"2026-10-01\"}])")
	fset.StringVar(&cfg.tables, "tables", "", "add the caller's table rows in `FILE` (JSON: {\"RS\": {\"duty_rate\": [{\"key\": \"854370\", \"value\": \"0.05\", \"source\": \"...\", \"confidence\": \"confirmed\"}]}}); they take precedence over the embedded rows they overlap")
	fset.BoolVar(&cfg.explain, "explain", false, "explain every tax of every declaration group (the base's terms, the rate and the table row it came from, the rounding) and why each rule fired or not; in the JSON as \"explanation\"")
	fset.StringVar(&cfg.describe, "describe", "", "list what market `XX`'s policy knows (approval ids, registrations, documents, tables, taxes, rules) instead of evaluating a shipment")
	fset.StringVar(&cfg.tolerance, "price-tolerance", "0", "with -benchmarks, how far below a reference's low a unit price may sit before it needs valuation evidence, as a `FRACTION` (0.2 = 20%)")
	fset.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fset.PrintDefaults()
		fmt.Fprint(stderr, exitText)
	}
	// Flags may come before or after the FILE argument
	// (prequalify FILE -format text).
	args, err := cli.ParseInterspersed(fset, args)
	if err != nil {
		// The flag package has printed the problem and the usage.
		return cfg, &failure{code: exitFailure}
	}
	usageError := func(format string, a ...any) error {
		fmt.Fprintf(stderr, "prequalify: "+format+"\n", a...)
		fset.Usage()
		return &failure{code: exitFailure}
	}
	switch cfg.format {
	case "json", "text", "summary":
	default:
		return cfg, usageError("-format must be json, text or summary, not %q", cfg.format)
	}
	if cfg.describe != "" {
		if len(args) > 0 || cfg.rollout != "" || cfg.market != "" {
			return cfg, usageError("-describe takes no FILE, -rollout or -market")
		}
		return cfg, nil
	}
	if cfg.rollout != "" {
		switch {
		case cfg.market != "":
			return cfg, usageError("-market cannot be used with -rollout: the rollout file names its markets")
		case len(args) > 0:
			return cfg, usageError("-rollout takes the rollout file itself; drop the FILE argument %s", strings.Join(args, " "))
		}
		return cfg, nil
	}
	switch len(args) {
	case 1:
		cfg.file = args[0]
	case 0:
		return cfg, usageError("missing FILE (use - to read the shipment from stdin)")
	default:
		return cfg, usageError("want one FILE, got %d arguments: %s", len(args), strings.Join(args, " "))
	}
	return cfg, nil
}

// readShipment decodes the shipment in file ("-" for stdin) with the
// engine's checks. Validation problems become exit status 1, one line per
// problem.
func readShipment(file string, stdin io.Reader, checks []iorules.Check) (iorules.Shipment, error) {
	var r io.Reader = stdin
	name := "stdin"
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return iorules.Shipment{}, fail(exitFailure, "prequalify: %v", err)
		}
		defer f.Close()
		r, name = f, file
	}
	s, err := iorules.DecodeShipment(r, checks...)
	if err == nil {
		return s, nil
	}
	if fes := iorules.FieldErrors(err); len(fes) > 0 {
		return iorules.Shipment{}, invalidShipment(fes)
	}
	return iorules.Shipment{}, fail(exitFailure, "prequalify: %s: %v", name, err)
}

// invalidShipment turns field errors into the stderr lines of status 1. A
// problem with the document as a whole (malformed JSON, empty input) has no
// path and is printed as its message alone.
func invalidShipment(fes []*iorules.FieldError) error {
	f := &failure{code: exitInvalid}
	for _, fe := range fes {
		f.lines = append(f.lines, fe.Error())
	}
	return f
}

// loadedEngine is what loadEngine returned. The input is decoded with the
// engine's checks, so that what a policy needs of it is reported with its
// other problems; a failure to load is reported after those.
type loadedEngine struct {
	engine *markets.Engine
	err    error
}

// load loads the engine cfg names.
func load(cfg config) loadedEngine {
	e, err := loadEngine(cfg.policies, cfg.tables)
	return loadedEngine{e, err}
}

// checks returns the engine's shipment checks, or none when it failed to
// load.
func (l loadedEngine) checks() []iorules.Check {
	if l.err != nil {
		return nil
	}
	return l.engine.ShipmentChecks()
}

// embeddedEngine compiles the embedded policies once per process. An
// Engine is immutable and safe for concurrent use, so runs (the tests make
// many) can share it.
var embeddedEngine = sync.OnceValues(func() (*markets.Engine, error) { return markets.New() })

// loadEngine compiles the embedded policies, or those in dir, with the
// caller's table rows of tablesFile when it is not empty.
func loadEngine(dir, tablesFile string) (*markets.Engine, error) {
	var opts []markets.Option
	if dir != "" {
		info, err := os.Stat(dir)
		if err != nil {
			return nil, fail(exitFailure, "prequalify: -policies: %v", err)
		}
		if !info.IsDir() {
			return nil, fail(exitFailure, "prequalify: -policies: %s is not a directory", dir)
		}
		opts = append(opts, markets.WithPolicies(os.DirFS(dir)))
	}
	if tablesFile != "" {
		data, err := inputfile.Read(tablesFile, maxTablesBytes)
		if err != nil {
			return nil, fail(exitFailure, "prequalify: -tables: %v", err)
		}
		tables, err := markets.DecodeTables(bytes.NewReader(data))
		if err != nil {
			return nil, inputFailure("-tables", tablesFile, err)
		}
		opts = append(opts, markets.WithTables(tables))
	}
	newEngine := embeddedEngine
	if len(opts) > 0 {
		newEngine = func() (*markets.Engine, error) { return markets.New(opts...) }
	}
	engine, err := newEngine()
	if err == nil {
		return engine, nil
	}
	var le *markets.LoadError
	if !errors.As(err, &le) {
		return nil, fail(exitFailure, "prequalify: loading policies: %v", err)
	}
	// Issue files are relative to the policy file system; name them as the
	// user can open them.
	prefix := filepath.Join("markets", "policies")
	if dir != "" {
		prefix = dir
	}
	f := &failure{code: exitFailure}
	for _, is := range le.Issues {
		if is.File == "tables" && tablesFile != "" {
			// A caller's row, named by its JSON path: say which file.
			f.lines = append(f.lines, fmt.Sprintf("prequalify: -tables %s: %s: %s", tablesFile, is.Rule, is.Msg))
			continue
		}
		if is.File != "" && is.File != "." {
			is.File = filepath.Join(prefix, filepath.FromSlash(is.File))
		} else {
			is.File = prefix
		}
		f.lines = append(f.lines, is.String())
	}
	return nil, f
}

// selectMarkets resolves -market into the markets to evaluate, in output
// order, and reports whether the output is a list (all, or XX,YY).
func selectMarkets(flagValue string, s iorules.Shipment, loaded []iorules.Country) ([]iorules.Country, bool, error) {
	out, list, merr := cli.SelectMarkets(flagValue, s.Destination, loaded)
	switch {
	case merr == nil:
		return out, list, nil
	case merr.NoDestination != "":
		return nil, false, fail(exitFailure, "prequalify: no policy for the destination market %s (loaded: %s); use -market to pick one",
			s.Destination, joinMarkets(loaded))
	case merr.Empty:
		return nil, false, fail(exitFailure, "prequalify: -market: no market named in %q", flagValue)
	}
	return nil, false, fail(exitFailure, "prequalify: -market: no policy for %s (loaded: %s)", strings.Join(merr.Unknown, ", "), joinMarkets(loaded))
}

func joinMarkets(ms []iorules.Country) string { return cli.JoinMarkets(ms) }

// evaluationFailure maps an error of Engine.PrequalifyMarket to its status.
func evaluationFailure(m iorules.Country, err error) error {
	if fes := iorules.FieldErrors(err); len(fes) > 0 {
		return invalidShipment(fes)
	}
	var unknown *markets.UnknownMarketError
	if errors.As(err, &unknown) {
		return fail(exitFailure, "prequalify: %v", err)
	}
	return fail(exitFailure, "prequalify: market %s: %v", m, err)
}

// writeJSON prints one decision as an object, or a list of them as an
// array, indented by two spaces and ending in a newline.
func writeJSON(w io.Writer, ds []markets.Decision, list bool) error {
	var v any = ds
	if !list {
		v = ds[0]
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
