// Package policytest runs market policy test cases written in YAML beside
// the policies, as Go subtests.
//
// A case file <market>_test.yaml sits next to <market>.yaml. It names base
// shipments (the JSON contract, written as YAML) and cases that pick a base,
// patch it, and state what the decision must contain:
//
//	shipments:
//	  base: {id: S-1, date: "2026-11-25", ...}
//	cases:
//	  - name: server clears
//	    shipment: base
//	    patch: {items: [...]}          # deep merge: maps merge, lists replace
//	    expect:
//	      verdict: clear
//	      customs_value: "562222.35"
//	      taxes: {br.ii: "89955.58"}   # every non-informational tax, exactly
//	      total_taxes: "..."
//	      approvals: [{id: br.anatel, status: required, lines: [1]}]
//	      reasons: [{code: approval_missing, rule: br.anatel}]
//	      absent_reasons: [ior_registration_missing]
//
// Run them from one Go test:
//
//	func TestPolicies(t *testing.T) { policytest.Run(t, os.DirFS("policies")) }
//
// Each case file is a subtest named after its market, each case a subtest
// of that. A failing case prints a cmp.Diff of the expected and actual
// projections and the trace of the rules that fired. Rules that no case
// fired are logged, so authors see what their cases leave untested.
package policytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// File is the content of one case file.
type File struct {
	// Shipments are named base shipments.
	Shipments map[string]map[string]any `yaml:"shipments"`
	// Cases are the test cases, run in order.
	Cases []Case `yaml:"cases"`
}

// Case is one test case.
type Case struct {
	Name string `yaml:"name"`
	// Shipment names the base shipment.
	Shipment string `yaml:"shipment"`
	// Patch is merged over the base: maps merge key by key, anything else
	// (lists included) replaces.
	Patch map[string]any `yaml:"patch"`
	// Market evaluates against another market than the file's (optional).
	Market string `yaml:"market"`
	// Expect is what the decision must contain.
	Expect Expect `yaml:"expect"`
}

// Expect lists what a case checks; fields left empty are not checked.
type Expect struct {
	Verdict      string            `yaml:"verdict"`
	CustomsValue string            `yaml:"customs_value"`
	Taxes        map[string]string `yaml:"taxes"`
	TotalTaxes   string            `yaml:"total_taxes"`
	// PartialTotalTaxes and NotComputed are what a decision gives when a
	// tax could not be computed for some lines: the sum of what was, and
	// the taxes and lines that were not.
	PartialTotalTaxes string        `yaml:"partial_total_taxes"`
	NotComputed       []NotComputed `yaml:"not_computed"`
	Approvals         []Approval    `yaml:"approvals"`
	Reasons           []Reason      `yaml:"reasons"`
	AbsentReasons     []string      `yaml:"absent_reasons"`
}

// NotComputed is an expected entry of Decision.NotComputed; it must match
// exactly.
type NotComputed struct {
	Tax   string `yaml:"tax"`
	Lines []int  `yaml:"lines"`
}

// Approval is an expected approval entry; it must match exactly.
type Approval struct {
	ID     string `yaml:"id"`
	Status string `yaml:"status"`
	Lines  []int  `yaml:"lines"`
}

// Reason is an expected reason; fields left empty match anything.
type Reason struct {
	Code     string `yaml:"code"`
	Severity string `yaml:"severity"`
	Rule     string `yaml:"rule"`
	Lines    []int  `yaml:"lines"`
}

// Run loads the policies in fsys and runs every *_test.yaml case file in
// it. A policy set that fails to load fails the test with every issue.
func Run(t *testing.T, fsys fs.FS, opts ...markets.Option) {
	t.Helper()
	engine, err := markets.New(append([]markets.Option{markets.WithPolicies(fsys)}, opts...)...)
	if err != nil {
		t.Fatalf("loading policies:\n%v", err)
	}
	files, err := fs.Glob(fsys, "*_test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no *_test.yaml case files")
	}
	byFile := map[string]iorules.Country{}
	for _, m := range engine.Markets() {
		info, _ := engine.Policy(m)
		byFile[info.File] = m
	}
	for _, name := range files {
		stem := strings.TrimSuffix(name, "_test.yaml")
		t.Run(stem, func(t *testing.T) {
			market, ok := byFile[stem+".yaml"]
			if !ok {
				t.Fatalf("%s has no policy %s.yaml beside it", name, stem)
			}
			src, err := fs.ReadFile(fsys, name)
			if err != nil {
				t.Fatal(err)
			}
			RunFile(t, engine, market, src)
		})
	}
}

// RunFile runs the cases of one case file against engine; market is the
// market the cases evaluate unless a case names another.
func RunFile(t *testing.T, engine *markets.Engine, market iorules.Country, src []byte) {
	t.Helper()
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("case file: %v", err)
	}
	if len(f.Cases) == 0 {
		t.Fatalf("case file has no cases")
	}
	fired := map[string]bool{}
	names := map[string]bool{}
	for _, c := range f.Cases {
		if names[c.Name] || c.Name == "" {
			t.Errorf("case names must be present and unique: %q", c.Name)
		}
		names[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			d, err := runCase(engine, market, f.Shipments, c)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range d.Fired {
				fired[r.Rule] = true
			}
			for _, tx := range d.Taxes {
				fired[tx.ID] = true
			}
			if diff := cmp.Diff(expected(c.Expect), actual(c.Expect, d)); diff != "" {
				t.Errorf("decision differs (-want +got):\n%s\ntrace:\n%s", diff, Trace(d))
			}
		})
	}
	if info, ok := engine.Policy(market); ok {
		var untested []string
		for _, id := range append(info.Rules, info.Taxes...) {
			if !fired[id] {
				untested = append(untested, id)
			}
		}
		if len(untested) > 0 {
			t.Logf("rules no case fired: %s", strings.Join(untested, ", "))
		}
	}
}

func runCase(engine *markets.Engine, market iorules.Country, bases map[string]map[string]any, c Case) (markets.Decision, error) {
	base, ok := bases[c.Shipment]
	if !ok {
		return markets.Decision{}, fmt.Errorf("no base shipment %q", c.Shipment)
	}
	doc := merge(normalize(base), normalize(c.Patch))
	raw, err := json.Marshal(doc)
	if err != nil {
		return markets.Decision{}, fmt.Errorf("shipment: %v", err)
	}
	s, err := iorules.DecodeShipment(bytes.NewReader(raw))
	if err != nil {
		return markets.Decision{}, fmt.Errorf("shipment is invalid:\n%v", err)
	}
	if c.Market != "" {
		market = iorules.Country(c.Market)
	}
	return engine.PrequalifyMarket(market, s)
}

// normalize turns YAML's decoded values into what encoding/json writes as
// the shipment contract: unquoted YAML dates become "YYYY-MM-DD" strings.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case time.Time:
		return x.Format(time.DateOnly)
	}
	return v
}

// merge returns base with patch merged over it: maps merge, anything else
// replaces.
func merge(base, patch any) any {
	bm, ok1 := base.(map[string]any)
	pm, ok2 := patch.(map[string]any)
	if !ok1 || !ok2 {
		if patch == nil {
			return base
		}
		return patch
	}
	out := make(map[string]any, len(bm))
	for k, v := range bm {
		out[k] = v
	}
	for k, v := range pm {
		out[k] = merge(out[k], v)
	}
	return out
}

// outcome is the part of a decision a case compares.
type outcome struct {
	Verdict           string
	CustomsValue      string
	Taxes             map[string]string
	TotalTaxes        string
	PartialTotalTaxes string
	NotComputed       []NotComputed
	Approvals         []Approval
	Reasons           []Reason
	AbsentReasons     []string
}

// expected projects the case's expectation; absent reasons must not match
// anything, so none is expected back.
func expected(e Expect) outcome {
	return outcome{
		Verdict: e.Verdict, CustomsValue: e.CustomsValue, Taxes: e.Taxes, TotalTaxes: e.TotalTaxes,
		PartialTotalTaxes: e.PartialTotalTaxes, NotComputed: e.NotComputed,
		Approvals: e.Approvals, Reasons: e.Reasons,
	}
}

// actual projects the decision onto the fields the case sets.
func actual(e Expect, d markets.Decision) outcome {
	var o outcome
	o.Verdict = string(d.Verdict)
	if e.CustomsValue != "" {
		if d.Valuation != nil {
			o.CustomsValue = sameValue(e.CustomsValue, d.Valuation.CustomsValue)
		}
	}
	if e.Taxes != nil {
		o.Taxes = map[string]string{}
		for _, t := range d.Taxes {
			if t.Informational {
				if _, asked := e.Taxes[t.ID]; !asked {
					continue
				}
			}
			o.Taxes[t.ID] = sameValue(e.Taxes[t.ID], t.Amount)
		}
	}
	if e.TotalTaxes != "" && d.TotalTaxes != nil {
		o.TotalTaxes = sameValue(e.TotalTaxes, *d.TotalTaxes)
	}
	if e.PartialTotalTaxes != "" && d.PartialTotalTaxes != nil {
		o.PartialTotalTaxes = sameValue(e.PartialTotalTaxes, *d.PartialTotalTaxes)
	}
	if e.NotComputed != nil {
		o.NotComputed = []NotComputed{}
		for _, nc := range d.NotComputed {
			o.NotComputed = append(o.NotComputed, NotComputed{Tax: nc.Tax, Lines: nc.Lines})
		}
	}
	if e.Approvals != nil {
		o.Approvals = []Approval{}
		for _, a := range d.Approvals {
			o.Approvals = append(o.Approvals, Approval{ID: a.ID, Status: string(a.Status), Lines: a.Lines})
		}
	}
	// Each expected reason is matched against the decision's reasons; a
	// match shows as the expected value, a miss as a "missing" marker.
	for _, want := range e.Reasons {
		if slices.ContainsFunc(d.Reasons, func(r iorules.Reason) bool { return reasonMatches(want, r) }) {
			o.Reasons = append(o.Reasons, want)
		} else {
			miss := want
			miss.Code = "MISSING: " + want.Code
			o.Reasons = append(o.Reasons, miss)
		}
	}
	for _, code := range e.AbsentReasons {
		if slices.ContainsFunc(d.Reasons, func(r iorules.Reason) bool { return r.Code == code }) {
			o.AbsentReasons = append(o.AbsentReasons, code)
		}
	}
	return o
}

// sameValue returns want when got has the same value, so "0" and "0.00"
// compare equal; otherwise got as text.
func sameValue(want string, got decimal.Decimal) string {
	if w, err := decimal.NewFromString(want); err == nil && w.Equal(got) {
		return want
	}
	return got.String()
}

func reasonMatches(want Reason, r iorules.Reason) bool {
	return want.Code == r.Code &&
		(want.Severity == "" || want.Severity == string(r.Severity)) &&
		(want.Rule == "" || want.Rule == r.Rule) &&
		(want.Lines == nil || slices.Equal(want.Lines, r.Lines))
}

// Trace formats the rules that fired and the reasons of a decision, for
// failure messages and debugging.
func Trace(d markets.Decision) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  verdict %s (policy %s %s)\n", d.Verdict, d.Policy.Market, d.Policy.Version)
	for _, f := range d.Fired {
		fmt.Fprintf(&b, "  fired %s lines %v\n", f.Rule, f.Lines)
	}
	for _, r := range d.Reasons {
		fmt.Fprintf(&b, "  reason %s %s [%s] lines %v: %s\n", r.Severity, r.Code, r.Rule, r.Lines, r.Message)
	}
	for _, t := range d.Taxes {
		rate := ""
		if t.Rate != nil {
			rate = t.Rate.String()
		}
		base := ""
		if t.Base != nil {
			base = t.Base.String()
		}
		fmt.Fprintf(&b, "  tax %s base %s rate %s amount %s\n", t.ID, base, rate, t.Amount)
	}
	return b.String()
}
