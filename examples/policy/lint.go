package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/iorules/iorules"
)

// finding is one lint finding, at a place in a policy file.
type finding struct {
	file      string
	line, col int
	msg       string
}

func (f finding) String() string { return fmt.Sprintf("%s:%d:%d: %s", f.file, f.line, f.col, f.msg) }

// lintCommand is policy lint: it loads the policies of DIR (a policy that
// does not load is status 3) and reports what the engine accepts but an
// author should not leave.
func lintCommand(args []string, stdout, stderr io.Writer) (int, error) {
	fset := newFlagSet("lint", "lint DIR", stderr)
	positional, err := parseInterspersed(fset, args)
	if err != nil {
		return 0, err
	}
	if len(positional) != 1 {
		return 0, usageError(fset, "lint takes one DIR, got %d arguments", len(positional))
	}
	dir := positional[0]
	engine, err := loadEngine(dir)
	if err != nil {
		return 0, err
	}
	fsys := os.DirFS(dir)
	var found []finding
	for _, m := range engine.Markets() {
		info, _ := engine.Policy(m)
		pf, err := readPolicyFile(fsys, info.File)
		if err != nil {
			return 0, fail("%v", err)
		}
		found = append(found, lint(pf, inDir(dir, info.File))...)
	}
	var out bytes.Buffer
	for _, f := range found {
		fmt.Fprintln(&out, f)
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return 0, fail("writing output: %v", err)
	}
	if len(found) > 0 {
		return exitFound, nil
	}
	return exitOK, nil
}

// lint finds, in one policy file named file: tables no expression reads,
// sources never cited, and rows marked unconfirmed without a note, in the
// order they are written.
func lint(pf *policyFile, file string) []finding {
	var out []finding
	read := pf.tablesRead()
	for _, t := range pf.tables {
		if !read[t.name] {
			out = append(out, finding{file, t.line, t.col, fmt.Sprintf("table %s is never read by any expression", t.name)})
		}
		for _, r := range t.rows {
			if r.confidence == iorules.ConfidenceUnconfirmed && r.note == "" {
				out = append(out, finding{file, r.line, r.col, fmt.Sprintf("row %s is unconfirmed and has no note saying what is unconfirmed", r.row)})
			}
		}
	}
	for _, s := range pf.sources {
		if !pf.citations[s.name] {
			out = append(out, finding{file, s.line, s.col, fmt.Sprintf("source %s is never cited (no source: \"@%s\")", s.name, s.name)})
		}
	}
	slices.SortStableFunc(out, func(a, b finding) int {
		return cmp.Or(cmp.Compare(a.line, b.line), cmp.Compare(a.col, b.col))
	})
	return out
}
