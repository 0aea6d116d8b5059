// Command policy is the policy author's toolchain: it tests a directory of
// market policies against their YAML cases with coverage, shows what a
// policy update changes for real shipments, and lints a policy's data.
//
// Usage:
//
//	policy test [-min-coverage N] DIR
//	policy diff -old DIR -new DIR [-market all|XX,YY] [-format text|json] SHIPMENT...
//	policy lint DIR
//
// test runs every <xx>_test.yaml case of DIR against the policies of DIR,
// prints each failing case with the diff and trace policytest prints, then
// one coverage line per market: the rules that fired, the taxes whose when
// held and the table rows a lookup read, each out of the policy's total,
// followed by those never exercised. -min-coverage N fails a market whose
// coverage (everything exercised over everything there is) is below N %.
//
// diff evaluates each shipment (a JSON file, or every *.json file of a
// directory) under the old and the new policies, for its destination or
// the markets of -market, and prints what changed: the verdict, the
// approvals, each tax's rate and amount, the total taxes, and the reasons
// added or removed (by code, rule and lines). Unchanged shipments print
// nothing.
//
// lint reports tables no expression reads, sources no rule, tax or row
// cites, and rows marked unconfirmed without a note, as FILE:LINE:COL
// lines.
//
// Exit status:
//
//	0  test: every case passed (and coverage is at least -min-coverage);
//	   diff: nothing changed; lint: nothing found
//	1  test: a case failed, or coverage is below -min-coverage;
//	   diff: something changed; lint: something found
//	3  a policy or case file does not load (FILE:LINE:COL lines on
//	   stderr), a shipment is unreadable or invalid, or bad usage
//
// The command never exits with Go's panic status 2.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/iorules/iorules/examples/internal/cli"
	"github.com/iorules/iorules/markets"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFound   = 1 // a failing case, a change, a lint finding
	exitFailure = 3
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usageText = `usage: policy test [-min-coverage N] DIR
       policy diff -old DIR -new DIR [-market all|XX,YY] [-format text|json] SHIPMENT...
       policy lint DIR

test   runs the <xx>_test.yaml cases in DIR and reports coverage
diff   shows what the new policies change for each shipment
lint   finds unread tables, uncited sources, unconfirmed rows without a note

exit status: 0 all passed / nothing changed / nothing found,
1 a case failed / something changed / something found,
3 a policy or input does not load, or bad usage.
`

// failure ends a run with a status and the lines to print on stderr.
type failure struct {
	code  int
	lines []string
}

func (f *failure) Error() string { return strings.Join(f.lines, "\n") }

func fail(format string, args ...any) *failure {
	return &failure{code: exitFailure, lines: []string{fmt.Sprintf("policy: "+format, args...)}}
}

// run is the whole command. It returns the exit status and never panics.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "policy: internal error: %v\n", r)
			code = exitFailure
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitFailure
	}
	var err error
	switch args[0] {
	case "test":
		code, err = testCommand(args[1:], stdout, stderr)
	case "diff":
		code, err = diffCommand(args[1:], stdout, stderr)
	case "lint":
		code, err = lintCommand(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usageText)
		return exitOK
	default:
		fmt.Fprintf(stderr, "policy: unknown command %q\n%s", args[0], usageText)
		return exitFailure
	}
	if err != nil {
		var f *failure
		if !errors.As(err, &f) {
			f = fail("%v", err)
		}
		for _, l := range f.lines {
			fmt.Fprintln(stderr, l)
		}
		return f.code
	}
	return code
}

// newFlagSet returns a flag set for a sub-command that prints its usage
// line and flags to stderr.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fset := flag.NewFlagSet("policy "+name, flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprintf(stderr, "usage: policy %s\n", usage)
		fset.PrintDefaults()
	}
	return fset
}

// parseInterspersed parses args with fset, allowing flags after the
// positional arguments (policy test DIR -min-coverage 80).
func parseInterspersed(fset *flag.FlagSet, args []string) ([]string, error) {
	positional, err := cli.ParseInterspersed(fset, args)
	if err != nil {
		// The flag package has printed the problem and the usage.
		return nil, &failure{code: exitFailure}
	}
	return positional, nil
}

// usageError prints msg and the sub-command's usage and ends with status 3.
func usageError(fset *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fset.Output(), "policy: "+format+"\n", args...)
	fset.Usage()
	return &failure{code: exitFailure}
}

// loadEngine compiles the policies in dir. A policy that does not load is
// a failure listing every issue as DIR/FILE:LINE:COL: rule ID: message.
func loadEngine(dir string, opts ...markets.Option) (*markets.Engine, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fail("%v", err)
	}
	if !info.IsDir() {
		return nil, fail("%s is not a directory", dir)
	}
	engine, err := markets.New(append([]markets.Option{markets.WithPolicies(os.DirFS(dir))}, opts...)...)
	if err == nil {
		return engine, nil
	}
	var le *markets.LoadError
	if !errors.As(err, &le) {
		return nil, fail("loading policies in %s: %v", dir, err)
	}
	f := &failure{code: exitFailure}
	for _, is := range le.Issues {
		is.File = inDir(dir, is.File)
		f.lines = append(f.lines, is.String())
	}
	return nil, f
}

// inDir names a file of the policy file system as the user can open it.
func inDir(dir, name string) string {
	if name == "" || name == "." {
		return dir
	}
	return filepath.Join(dir, filepath.FromSlash(name))
}
