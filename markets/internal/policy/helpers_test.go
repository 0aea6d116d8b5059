package policy

import (
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// analyse compiles expr as the condition of an item-scope rule of a policy
// with an exact table "t" and a tiers table "tiers".
func analyse(t *testing.T, env *Environment, expr string) analysis {
	t.Helper()
	p := &Policy{Tables: map[string]*Table{"t": {Name: "t", Match: MatchExact}, "tiers": {Name: "tiers", Match: MatchTiers}}}
	c := &compiler{env: env, file: "test.yaml"}
	prg, an := c.program(p, expr0(expr), "test", cel.BoolType,
		exprScope{allowed: []string{varShipment, varImporter, varDeclaration, varItem, varLine}, perLine: true})
	require.Empty(t, c.issues)
	require.NotNil(t, prg)
	return an
}

func expr0(text string) expr { return expr{text: text, set: true} }

// TestContextFunctionsDeclareWhatTheyRead checks, for every helper the
// environment declares, what an expression calling it is found to read:
// whether it reads the current line, and whether a condition calling it can
// be memoized per class of lines. A helper added to the environment must be
// added here.
func TestContextFunctionsDeclareWhatTheyRead(t *testing.T) {
	env, err := NewEnvironment(0)
	require.NoError(t, err)
	tests := map[string]struct {
		expr      string
		readsItem bool
		memoOK    bool
		fields    []string
		table     tableUse
		knownIDs  bool
	}{
		"table":              {expr: `table("t", "k") > decimal("0")`, memoOK: true, table: keyedTable},
		"has_entry":          {expr: `has_entry("t", "k")`, memoOK: true, table: keyedTable},
		"tiered":             {expr: `tiered("tiers", 2) > decimal("0")`, memoOK: true, table: tiersTable},
		"registered":         {expr: `registered("tr.vkn")`, memoOK: true, knownIDs: true},
		"registration_level": {expr: `registration_level("tr.vkn") == "a"`, memoOK: true, knownIDs: true},
		"held":               {expr: `held("tr.tareks")`, readsItem: true, memoOK: true, fields: []string{"held()"}, knownIDs: true},
		"has_document":       {expr: `has_document("commercial_invoice")`, readsItem: true, memoOK: true, fields: []string{"has_document()"}, knownIDs: true},
	}
	for name := range env.functions {
		require.Contains(t, tests, name, "helper %s: add it to this table", name)
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := env.functions[name]
			require.NotNil(t, f, "the environment does not declare %s", name)
			require.Equal(t, tt.readsItem, f.readsItem)
			require.Equal(t, tt.table, f.table)
			require.Equal(t, tt.knownIDs, f.knownIDs != nil)
			an := analyse(t, env, tt.expr)
			require.Equal(t, tt.readsItem, an.readsItem, "readsItem")
			require.Equal(t, tt.memoOK, an.memoOK, "memoOK")
			if diff := cmp.Diff(tt.fields, an.itemFields); diff != "" {
				t.Errorf("item fields (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAnalysis checks what compilation finds out about expressions that
// read the line directly.
func TestAnalysis(t *testing.T) {
	env, err := NewEnvironment(0)
	require.NoError(t, err)
	tests := []struct {
		expr      string
		readsItem bool
		memoOK    bool
		fields    []string
	}{
		{expr: `shipment.destination == "TR"`, memoOK: true},
		{expr: `item.category == "ups" && item.hs6 == "850440"`, readsItem: true, memoOK: true, fields: []string{"category", "hs_code"}},
		{expr: `item.quantity > 1`, readsItem: true},
		{expr: `line.customs_value > decimal("1")`, readsItem: true},
		{expr: `importer.country == "TR"`, memoOK: true},
		// A comprehension's variable shadows the policy variable.
		{expr: `["ups"].exists(item, item == "ups") && item.category == "ups"`, readsItem: true, memoOK: true, fields: []string{"category"}},
		{expr: `["a"].all(line, line == "a")`, memoOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			an := analyse(t, env, tt.expr)
			require.Equal(t, tt.readsItem, an.readsItem, "readsItem")
			require.Equal(t, tt.memoOK, an.memoOK, "memoOK")
			if diff := cmp.Diff(tt.fields, an.itemFields); diff != "" {
				t.Errorf("item fields (-want +got):\n%s", diff)
			}
		})
	}
}

// probe is a helper that reads the current line (its model) and declares
// so, or not.
func probe(readsItem bool) contextFunction {
	return contextFunction{name: "model_is", params: []*cel.Type{cel.StringType}, result: cel.BoolType,
		call: func(c *evalCtx, a []ref.Val) ref.Val {
			return types.Bool(c.item != nil && c.item.Model == string(a[0].(types.String)))
		},
		readsItem: readsItem, reads: "the line's model"}
}

const probePolicy = `market: TR
name: Test market
currency: TRY
version: "0.0.1"
effective_from: 2025-01-01
valuation: {basis: CIF}
declaration:
  group_by: [line]
rules:
  - {id: tr.probe, kind: info, when: 'model_is("A")', message: probe, source: test, confidence: confirmed}
taxes:
  - id: tr.fee
    name: Fee
    when: model_is("A")
    amount: decimal("1")
    source: test
    confidence: confirmed
`

// recordingSink keeps what a Run reports.
type recordingSink struct {
	fired   map[string][]int
	taxes   map[string]decimal.Decimal
	reasons []iorules.Reason
}

func (s *recordingSink) Reason(r iorules.Reason)                  { s.reasons = append(s.reasons, r) }
func (s *recordingSink) MoreLines(*iorules.Reason) bool           { return false }
func (s *recordingSink) Fired(r *Rule, lines []int, _ string)     { s.fired[r.ID] = lines }
func (s *recordingSink) Tax(t *Tax, sum TaxSum)                   { s.taxes[t.ID] = sum.Amount }
func (s *recordingSink) NotComputed(*Tax, []int, *iorules.Reason) {}
func (s *recordingSink) ExplainRule(RuleTrace)                    {}
func (s *recordingSink) ExplainTax(TaxTrace)                      {}

// TestHelperReadingTheLineIsNotReused is the regression test of the
// helper-by-name trap: a helper declared as reading the line makes the
// per-class memo evaluate a condition on every line and the tax chain
// evaluate a group-scope condition for every group; declared otherwise,
// both reuse the first line's answer, which is what the flag prevents.
func TestHelperReadingTheLineIsNotReused(t *testing.T) {
	s := iorules.Shipment{ID: "S", Date: iorules.MustParseDate("2026-01-05"), Destination: "TR", Currency: "TRY",
		Items: []iorules.Item{
			{Line: 1, Model: "A", Quantity: 1, UnitValue: decimal.NewFromInt(10)},
			{Line: 2, Model: "B", Quantity: 1, UnitValue: decimal.NewFromInt(10)},
		}}
	val := valuation.Valuation{Lines: []valuation.Line{{CustomsValue: decimal.NewFromInt(10)}, {CustomsValue: decimal.NewFromInt(10)}}}
	tests := []struct {
		name      string
		readsItem bool
		fired     []int
		fee       string
	}{
		{name: "declared as reading the line", readsItem: true, fired: []int{1}, fee: "1"},
		{name: "declared as not reading it: answers reused", readsItem: false, fired: []int{1, 2}, fee: "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := newEnvironment(0, append(append([]contextFunction(nil), contextFunctions...), probe(tt.readsItem)))
			require.NoError(t, err)
			p, issues := Compile(env, "zz.yaml", []byte(probePolicy))
			require.Empty(t, issues)
			sink := &recordingSink{fired: map[string][]int{}, taxes: map[string]decimal.Decimal{}}
			var r Run
			r.Start(env, p, &s, sink, RunOptions{})
			r.Bind(val, nil)
			r.ApplyRules()
			r.ApplyTaxes()
			require.Empty(t, sink.reasons)
			require.Equal(t, tt.fired, sink.fired["tr.probe"])
			require.Equal(t, tt.fee, sink.taxes["tr.fee"].String())
		})
	}
}
