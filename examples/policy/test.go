package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets/policytest"
)

// testCommand is policy test: it runs every case file of DIR and prints
// failures, then coverage per market.
func testCommand(args []string, stdout, stderr io.Writer) (int, error) {
	fset := newFlagSet("test", "test [-min-coverage N] DIR", stderr)
	minCoverage := fset.Float64("min-coverage", 0, "fail when a market's coverage is below `N` percent")
	positional, err := parseInterspersed(fset, args)
	if err != nil {
		return 0, err
	}
	if len(positional) != 1 {
		return 0, usageError(fset, "test takes one DIR, got %d arguments", len(positional))
	}
	if *minCoverage < 0 || *minCoverage > 100 {
		return 0, usageError(fset, "-min-coverage must be between 0 and 100, not %s", strconv.FormatFloat(*minCoverage, 'f', -1, 64))
	}
	dir := positional[0]
	engine, err := loadEngine(dir)
	if err != nil {
		return 0, err
	}
	fsys := os.DirFS(dir)
	files, err := policytest.CaseFiles(engine, fsys)
	if err != nil {
		return 0, fail("%v", err)
	}
	if len(files) == 0 {
		return 0, fail("%s has no *_test.yaml case files", dir)
	}

	// Every case file is decoded before any case runs: one that does not
	// load is reported like a policy that does not load.
	parsed := make([]*policytest.Suite, len(files))
	var bad []string
	var failures []string
	for i, cf := range files {
		src, err := fs.ReadFile(fsys, cf.Name)
		if err != nil {
			return 0, fail("%v", err)
		}
		suite, err := policytest.ParseSuite(src)
		switch {
		case err != nil && suite == nil:
			bad = append(bad, fmt.Sprintf("%s: %v", inDir(dir, cf.Name), err))
		case err != nil:
			failures = append(failures, fmt.Sprintf("--- FAIL: %s\n%s", cf.Stem(), indent(err.Error())))
		}
		parsed[i] = suite
	}
	if len(bad) > 0 {
		return 0, &failure{code: exitFailure, lines: bad}
	}

	cov := map[iorules.Country]*coverage{}
	for _, m := range engine.Markets() {
		info, _ := engine.Policy(m)
		pf, err := readPolicyFile(fsys, info.File)
		if err != nil {
			return 0, fail("%v", err)
		}
		cov[m] = newCoverage(engine, m, pf)
	}
	var out bytes.Buffer
	cases, failed := 0, 0
	for i, cf := range files {
		if cf.Market == "" {
			failures = append(failures, fmt.Sprintf("--- FAIL: %s\n    %s has no policy %s.yaml beside it", cf.Stem(), cf.Name, cf.Stem()))
			continue
		}
		for _, r := range parsed[i].Run(engine, cf.Market, evalOptions()...) {
			cases++
			if r.Failed() {
				failed++
				failures = append(failures, fmt.Sprintf("--- FAIL: %s/%s\n%s", cf.Stem(), r.Case, indent(r.Message())))
			}
			if r.Err == nil {
				if mc := cov[r.Decision.Market]; mc != nil {
					mc.add(r.Decision)
				}
			}
		}
	}
	for _, f := range failures {
		fmt.Fprintln(&out, f)
	}
	var below []string
	for _, m := range sortedMarkets(cov) {
		c := cov[m]
		c.write(&out)
		if c.percent() < *minCoverage {
			below = append(below, string(m))
		}
	}
	code := exitOK
	switch {
	case len(failures) > 0:
		fmt.Fprintf(&out, "FAIL: %d of %d cases failed\n", failed, cases)
		code = exitFound
	default:
		fmt.Fprintf(&out, "ok: %d cases passed\n", cases)
	}
	if len(below) > 0 {
		fmt.Fprintf(&out, "FAIL: coverage below -min-coverage %s%%: %s\n", strconv.FormatFloat(*minCoverage, 'f', -1, 64), strings.Join(below, ", "))
		code = exitFound
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return 0, fail("writing output: %v", err)
	}
	return code, nil
}

// indent indents every line of s by four spaces, as go test does.
func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
}
