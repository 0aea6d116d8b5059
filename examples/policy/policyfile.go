package main

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/iorules/iorules"
	"go.yaml.in/yaml/v3"
)

// The engine compiles a policy and keeps what it needs to evaluate; the
// author's questions (which rows are there, which sources are cited) are
// about the file as written, so the tool reads the YAML itself, with
// positions. It reads only files the engine has already loaded, so it can
// be lenient: anything it does not know is skipped.

// policyFile is what the tool reads from one policy file.
type policyFile struct {
	name    string // in the policy file system
	sources []namedPos
	tables  []tableDef
	// exprs are the CEL expressions of rules and taxes.
	exprs []string
	// citations are the sources cited with "@name", by name.
	citations map[string]bool
}

type namedPos struct {
	name      string
	line, col int
}

type tableDef struct {
	namedPos
	match string
	rows  []rowDef
}

// rowDef is one entry of a table: a key (or a tier's from) in a window.
type rowDef struct {
	row
	line, col  int
	value      string
	confidence iorules.Confidence // as written; the engine has checked it
	note       string
}

// row identifies a table row: the table, the key, the row's window and,
// for tiers tables, the tier's lower bound.
type row struct {
	Table string
	Key   string
	From  string // effective_from as written; "" when open
	To    string // effective_to as written; "" when open
	Tier  string // tiers tables: the from bound
}

// String names the row as the coverage and lint output show it:
// table[key from DATE to DATE].
func (r row) String() string {
	var parts []string
	if r.Key != "" {
		parts = append(parts, r.Key)
	}
	if r.Tier != "" {
		parts = append(parts, "tier "+r.Tier)
	}
	if r.From != "" {
		parts = append(parts, "from "+r.From)
	}
	if r.To != "" {
		parts = append(parts, "to "+r.To)
	}
	return r.Table + "[" + strings.Join(parts, " ") + "]"
}

// readPolicyFile reads name from fsys.
func readPolicyFile(fsys fs.FS, name string) (*policyFile, error) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	pf := &policyFile{name: name, citations: map[string]bool{}}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return pf, nil
	}
	top := doc.Content[0]
	for k, v := range mapping(top) {
		switch k.Value {
		case "sources":
			for sk := range mapping(v) {
				pf.sources = append(pf.sources, namedPos{sk.Value, sk.Line, sk.Column})
			}
		case "tables":
			for tk, tv := range mapping(v) {
				pf.tables = append(pf.tables, readTable(tk, tv))
			}
		case "rules", "taxes":
			for _, item := range v.Content {
				for ek, ev := range mapping(item) {
					switch ek.Value {
					case "when", "message_expr", "rate", "base", "amount":
						if ev.Kind == yaml.ScalarNode {
							pf.exprs = append(pf.exprs, ev.Value)
						}
					}
				}
			}
		}
	}
	collectCitations(top, pf.citations)
	return pf, nil
}

func readTable(k, v *yaml.Node) tableDef {
	t := tableDef{namedPos: namedPos{k.Value, k.Line, k.Column}}
	for fk, fv := range mapping(v) {
		switch fk.Value {
		case "match":
			t.match = fv.Value
		case "entries":
			for _, e := range fv.Content {
				r := rowDef{row: row{Table: t.name}, line: e.Line, col: e.Column}
				for ek, ev := range mapping(e) {
					switch ek.Value {
					case "key":
						r.Key = ev.Value
					case "from":
						r.Tier = ev.Value
					case "effective_from":
						r.From = ev.Value
					case "effective_to":
						r.To = ev.Value
					case "value":
						r.value = ev.Value
					case "confidence":
						r.confidence = iorules.Confidence(ev.Value)
					case "note":
						r.note = ev.Value
					}
				}
				t.rows = append(t.rows, r)
			}
		}
	}
	return t
}

// mapping yields the key and value nodes of a mapping node; nothing for
// any other node.
func mapping(n *yaml.Node) func(func(k, v *yaml.Node) bool) {
	return func(yield func(k, v *yaml.Node) bool) {
		if n == nil || n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !yield(n.Content[i], n.Content[i+1]) {
				return
			}
		}
	}
}

// collectCitations records every "@name" written as the value of a
// source key anywhere under n.
func collectCitations(n *yaml.Node, into map[string]bool) {
	for k, v := range mapping(n) {
		if k.Value == "source" && v.Kind == yaml.ScalarNode {
			if name, ok := strings.CutPrefix(v.Value, "@"); ok {
				into[name] = true
			}
		}
	}
	for _, c := range n.Content {
		collectCitations(c, into)
	}
}

// tableCallRE finds the table an expression reads: the engine requires its
// name to be a string literal.
var tableCallRE = regexp.MustCompile(`\b(?:table|has_entry|tiered)\(\s*(?:"([^"]*)"|'([^']*)')`)

// tablesRead lists the tables the file's expressions read.
func (pf *policyFile) tablesRead() map[string]bool {
	read := map[string]bool{}
	for _, e := range pf.exprs {
		for _, m := range tableCallRE.FindAllStringSubmatch(e, -1) {
			read[m[1]+m[2]] = true
		}
	}
	return read
}

// rows lists every table row of the file, tables by name.
func (pf *policyFile) rows() []rowDef {
	tables := slices.Clone(pf.tables)
	slices.SortFunc(tables, func(a, b tableDef) int { return strings.Compare(a.name, b.name) })
	var out []rowDef
	for _, t := range tables {
		out = append(out, t.rows...)
	}
	return out
}
