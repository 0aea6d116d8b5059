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
// fired, and taxes that applied in no case (a tax whose condition never
// held is listed at zero, but not exercised), are logged, so authors see
// what their cases leave untested.
//
// Tools that run cases outside go test (the policy command in
// examples/policy) use CaseFiles, ParseSuite and Suite.Run, which return
// each case's Result instead of failing a test. The YAML is the contract:
// the Go types it decodes into are the package's own.
package policytest

import (
	"bytes"
	"encoding/json"
	"errors"
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

// fileSpec is the content of one case file.
type fileSpec struct {
	// Shipments are named base shipments.
	Shipments map[string]map[string]any `yaml:"shipments"`
	// Cases are the test cases, run in order.
	Cases []caseSpec `yaml:"cases"`
}

// caseSpec is one test case.
type caseSpec struct {
	Name string `yaml:"name"`
	// Shipment names the base shipment.
	Shipment string `yaml:"shipment"`
	// Patch is merged over the base: maps merge key by key, anything else
	// (lists included) replaces.
	Patch map[string]any `yaml:"patch"`
	// Market evaluates against another market than the file's (optional).
	Market string `yaml:"market"`
	// Expect is what the decision must contain.
	Expect expectSpec `yaml:"expect"`
}

// expectSpec lists what a case checks; fields left empty are not checked.
type expectSpec struct {
	Verdict      string            `yaml:"verdict"`
	CustomsValue string            `yaml:"customs_value"`
	Taxes        map[string]string `yaml:"taxes"`
	TotalTaxes   string            `yaml:"total_taxes"`
	// PartialTotalTaxes and NotComputed are what a decision gives when a
	// tax could not be computed for some lines: the sum of what was, and
	// the taxes and lines that were not.
	PartialTotalTaxes string            `yaml:"partial_total_taxes"`
	NotComputed       []notComputedSpec `yaml:"not_computed"`
	Approvals         []approvalSpec    `yaml:"approvals"`
	Reasons           []reasonSpec      `yaml:"reasons"`
	AbsentReasons     []string          `yaml:"absent_reasons"`
}

// notComputedSpec is an expected entry of Decision.NotComputed; it must
// match exactly.
type notComputedSpec struct {
	Tax   string `yaml:"tax"`
	Lines []int  `yaml:"lines"`
}

// approvalSpec is an expected approval entry; it must match exactly.
type approvalSpec struct {
	ID     string `yaml:"id"`
	Status string `yaml:"status"`
	Lines  []int  `yaml:"lines"`
}

// reasonSpec is an expected reason; fields left empty match anything.
type reasonSpec struct {
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
	files, err := CaseFiles(engine, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no *_test.yaml case files")
	}
	for _, cf := range files {
		t.Run(cf.Stem(), func(t *testing.T) {
			if cf.Market == "" {
				t.Fatalf("%s has no policy %s.yaml beside it", cf.Name, cf.Stem())
			}
			src, err := fs.ReadFile(fsys, cf.Name)
			if err != nil {
				t.Fatal(err)
			}
			RunFile(t, engine, cf.Market, src)
		})
	}
}

// CaseFile is a *_test.yaml case file of a policy set and the market of
// the policy beside it.
type CaseFile struct {
	// Name is the file's name in the policy file system.
	Name string
	// Market is the market of <stem>.yaml; empty when no loaded policy
	// was read from that file.
	Market iorules.Country
}

// Stem is the case file's name without _test.yaml: the policy's name.
func (cf CaseFile) Stem() string { return strings.TrimSuffix(cf.Name, "_test.yaml") }

// CaseFiles lists the *_test.yaml case files at the root of fsys, in name
// order, each with the market engine loaded from the policy beside it.
func CaseFiles(engine *markets.Engine, fsys fs.FS) ([]CaseFile, error) {
	names, err := fs.Glob(fsys, "*_test.yaml")
	if err != nil {
		return nil, err
	}
	byFile := map[string]iorules.Country{}
	for _, m := range engine.Markets() {
		info, _ := engine.Policy(m)
		byFile[info.File] = m
	}
	out := make([]CaseFile, 0, len(names))
	for _, name := range names {
		cf := CaseFile{Name: name}
		cf.Market = byFile[cf.Stem()+".yaml"]
		out = append(out, cf)
	}
	return out, nil
}

// Suite is one decoded case file: its base shipments and its cases, ready
// to run.
type Suite struct {
	spec fileSpec
}

// ParseSuite decodes a case file. Unknown fields are errors, and so is a
// file without cases: the Suite is then nil. A case name that is empty or
// repeated is an error returned with the Suite, so that the cases can
// still run.
func ParseSuite(src []byte) (*Suite, error) {
	f, err := decodeFile(src)
	if err != nil {
		return nil, err
	}
	var bad []error
	names := map[string]bool{}
	for _, c := range f.Cases {
		if err := checkName(names, c.Name); err != nil {
			bad = append(bad, err)
		}
	}
	return &Suite{spec: f}, errors.Join(bad...)
}

// Len returns the number of cases of the suite; 0 for a nil Suite.
func (s *Suite) Len() int {
	if s == nil {
		return 0
	}
	return len(s.spec.Cases)
}

// Run evaluates every case of the suite against engine, in order, and
// returns one Result per case; market is the market the cases evaluate
// unless a case names another. opts are passed to the evaluation
// (markets.WithScreening, ...) and do not change what the cases compare.
func (s *Suite) Run(engine *markets.Engine, market iorules.Country, opts ...markets.EvalOption) []Result {
	out := make([]Result, 0, s.Len())
	for _, c := range s.spec.Cases {
		out = append(out, runCase(engine, market, s.spec, c, opts...))
	}
	return out
}

func decodeFile(src []byte) (fileSpec, error) {
	var f fileSpec
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return fileSpec{}, fmt.Errorf("case file: %s", yamlTerms.Replace(err.Error()))
	}
	if len(f.Cases) == 0 {
		return fileSpec{}, errors.New("case file has no cases")
	}
	return f, nil
}

// yamlTerms names the package's Go types in the YAML decoder's messages as
// a case file's author knows them.
var yamlTerms = strings.NewReplacer(
	"[]policytest.caseSpec", "a list of cases", "[]policytest.approvalSpec", "a list of expected approvals",
	"[]policytest.reasonSpec", "a list of expected reasons", "[]policytest.notComputedSpec", "a list of expected not_computed entries",
	"type policytest.fileSpec", "the case file", "policytest.fileSpec", "the case file",
	"type policytest.caseSpec", "a case", "policytest.caseSpec", "a case",
	"type policytest.expectSpec", "expect", "policytest.expectSpec", "expect",
	"type policytest.approvalSpec", "an expected approval", "policytest.approvalSpec", "an expected approval",
	"type policytest.reasonSpec", "an expected reason", "policytest.reasonSpec", "an expected reason",
	"type policytest.notComputedSpec", "an expected not_computed entry", "policytest.notComputedSpec", "an expected not_computed entry",
)

// checkName records name in names and says whether it is empty or was
// seen before.
func checkName(names map[string]bool, name string) error {
	seen := names[name]
	names[name] = true
	if seen || name == "" {
		return fmt.Errorf("case names must be present and unique: %q", name)
	}
	return nil
}

// Result is the outcome of one case.
type Result struct {
	// Case is the case's name.
	Case string
	// Decision is the decision the case's shipment got; zero when Err is
	// set.
	Decision markets.Decision
	// Err says why the case could not be evaluated: an unknown base
	// shipment, a shipment that is invalid, an unknown market.
	Err error
	// Diff is the cmp.Diff of the expected and actual projections
	// (-want +got); empty when the decision holds what the case expects.
	Diff string
}

// Failed reports whether the case failed: it could not be evaluated, or
// its decision differs from what it expects.
func (r Result) Failed() bool { return r.Err != nil || r.Diff != "" }

// Message is what a failed case reports: the error, or the diff followed
// by the trace of the decision. It is empty for a case that passed.
func (r Result) Message() string {
	switch {
	case r.Err != nil:
		return r.Err.Error()
	case r.Diff != "":
		return fmt.Sprintf("decision differs (-want +got):\n%s\ntrace:\n%s", r.Diff, Trace(r.Decision))
	}
	return ""
}

// runCase evaluates one case of f against engine; market is the market
// the case evaluates unless it names another.
func runCase(engine *markets.Engine, market iorules.Country, f fileSpec, c caseSpec, opts ...markets.EvalOption) Result {
	d, err := evaluate(engine, market, f.Shipments, c, opts)
	if err != nil {
		return Result{Case: c.Name, Err: err}
	}
	return Result{Case: c.Name, Decision: d, Diff: cmp.Diff(expected(c.Expect), actual(c.Expect, d))}
}

// RunFile runs the cases of one case file against engine; market is the
// market the cases evaluate unless a case names another.
func RunFile(t *testing.T, engine *markets.Engine, market iorules.Country, src []byte) {
	t.Helper()
	suite, err := ParseSuite(src)
	switch {
	case suite == nil:
		t.Fatalf("%v", err)
	case err != nil:
		t.Errorf("%v", err) // a name empty or repeated: the cases still run
	}
	fired := map[string]bool{}
	for _, c := range suite.spec.Cases {
		t.Run(c.Name, func(t *testing.T) {
			// Explained, so that a tax counts as exercised only where its
			// condition held, not merely because it is listed at zero.
			r := runCase(engine, market, suite.spec, c, markets.WithExplanation())
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			exercised(fired, r.Decision)
			if r.Diff != "" {
				t.Errorf("%s", r.Message())
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
			t.Logf("rules no case fired and taxes no case applied: %s", strings.Join(untested, ", "))
		}
	}
}

// exercised adds to seen the rules d fired and the taxes whose condition
// held for some group of d, by its explanation: a tax whose condition
// held nowhere is listed at zero, but was not exercised.
func exercised(seen map[string]bool, d markets.Decision) {
	for _, fr := range d.Fired {
		seen[fr.Rule] = true
	}
	if x := d.Explanation; x != nil {
		for _, tx := range x.Taxes {
			seen[tx.Tax] = seen[tx.Tax] || tx.Applies
		}
	}
}

func evaluate(engine *markets.Engine, market iorules.Country, bases map[string]map[string]any, c caseSpec, opts []markets.EvalOption) (markets.Decision, error) {
	base, ok := bases[c.Shipment]
	if !ok {
		return markets.Decision{}, fmt.Errorf("no base shipment %q", c.Shipment)
	}
	doc := merge(normalize(base), normalize(c.Patch))
	raw, err := json.Marshal(doc)
	if err != nil {
		return markets.Decision{}, fmt.Errorf("shipment: %v", err)
	}
	s, err := iorules.DecodeShipment(bytes.NewReader(raw), engine.ShipmentChecks()...)
	if err != nil {
		return markets.Decision{}, fmt.Errorf("shipment is invalid:\n%v", err)
	}
	if c.Market != "" {
		market = iorules.Country(c.Market)
	}
	return engine.PrequalifyMarket(market, s, opts...)
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
	NotComputed       []notComputedSpec
	Approvals         []approvalSpec
	Reasons           []reasonSpec
	AbsentReasons     []string
}

// expected projects the case's expectation; absent reasons must not match
// anything, so none is expected back.
func expected(e expectSpec) outcome {
	return outcome{
		Verdict: e.Verdict, CustomsValue: e.CustomsValue, Taxes: e.Taxes, TotalTaxes: e.TotalTaxes,
		PartialTotalTaxes: e.PartialTotalTaxes, NotComputed: e.NotComputed,
		Approvals: e.Approvals, Reasons: e.Reasons,
	}
}

// actual projects the decision onto the fields the case sets.
func actual(e expectSpec, d markets.Decision) outcome {
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
		// A case names, per tax, every line it was not computed for; the
		// decision may give a tax several entries, one per cause.
		o.NotComputed = []notComputedSpec{}
		for _, nc := range d.NotComputed {
			i := slices.IndexFunc(o.NotComputed, func(s notComputedSpec) bool { return s.Tax == nc.Tax })
			if i < 0 {
				o.NotComputed = append(o.NotComputed, notComputedSpec{Tax: nc.Tax})
				i = len(o.NotComputed) - 1
			}
			o.NotComputed[i].Lines = append(o.NotComputed[i].Lines, nc.Lines...)
		}
		for i := range o.NotComputed {
			slices.Sort(o.NotComputed[i].Lines)
		}
	}
	if e.Approvals != nil {
		o.Approvals = []approvalSpec{}
		for _, a := range d.Approvals {
			o.Approvals = append(o.Approvals, approvalSpec{ID: a.ID, Status: string(a.Status), Lines: a.Lines})
		}
	}
	// Each expected reason is matched against the decision's reasons; a
	// match shows as the expected value, a miss as a "missing" marker.
	for _, want := range e.Reasons {
		if slices.ContainsFunc(d.Reasons, func(r iorules.Reason) bool { return reasonMatches(want, r) }) ||
			reasonMatchesAcrossCauses(want, d.Reasons) {
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

// reasonMatchesAcrossCauses reports whether the reasons a rule gave with
// the wanted code (and severity) together cover exactly the wanted lines: a
// rule that could not be evaluated on several lines for different causes
// (a table miss on two HS codes) gives one reason per cause, and a case
// may name all their lines at once.
func reasonMatchesAcrossCauses(want reasonSpec, rs []iorules.Reason) bool {
	if want.Rule == "" || want.Lines == nil {
		return false
	}
	var lines []int
	for _, r := range rs {
		if r.Code == want.Code && r.Rule == want.Rule && (want.Severity == "" || want.Severity == string(r.Severity)) {
			lines = append(lines, r.Lines...)
		}
	}
	slices.Sort(lines)
	return len(lines) > 0 && slices.Equal(want.Lines, lines)
}

func reasonMatches(want reasonSpec, r iorules.Reason) bool {
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
