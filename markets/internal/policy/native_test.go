package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/exact"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

const loweringPolicy = `market: TR
name: Test market
currency: TRY
version: "0.0.1"
effective_from: 2025-01-01
valuation: {basis: CIF}
declaration: {group_by: [hs_code]}
tables:
  t:
    match: exact
    entries:
      - {key: "k", value: "0.2", source: test, confidence: confirmed}
      - {key: "u", value: "0.05", source: test, confidence: unconfirmed}
  p:
    match: hs_prefix
    entries:
      - {key: "8471", value: "0.1", source: test, confidence: unconfirmed}
      - {key: "850440", value: "0.14", source: test, confidence: confirmed}
  tiers:
    match: tiers
    entries:
      - {from: 1, to: 2, value: "3", source: test, confidence: confirmed}
      - {from: 3, value: "1.5", source: test, confidence: unconfirmed}
rules:
  - {id: tr.r, kind: info, when: "true", message: m, source: test, confidence: confirmed}
`

// loweringShipment has a line of each kind the expressions below tell
// apart: with and without a net weight, a TPP, radios, documents, and a
// declaration group of two lines.
func loweringShipment() iorules.Shipment {
	d := decimal.RequireFromString
	w, tpp := d("12.5"), d("4800")
	return iorules.Shipment{ID: "S", Date: iorules.MustParseDate("2026-06-01"), Destination: "TR", Currency: "USD",
		Incoterm: "CIF", TransportMode: iorules.TransportSea, Origin: "CN",
		ExchangeRates:    map[iorules.Currency]decimal.Decimal{"USD": d("41.2")},
		ImporterOfRecord: iorules.Party{Name: "I", Country: "TR", Registrations: []iorules.Registration{{Scheme: "tr.vkn", ID: "1", Level: "a"}}},
		Documents:        []iorules.Document{{Type: "commercial_invoice"}, {Type: "certificate_of_origin", Lines: []int{2}}},
		Items: []iorules.Item{
			{Line: 1, SKU: "A", Model: "B-1", Category: "ups", HSCode: "85044040", Quantity: 3, UnitValue: d("100"), NetWeightKg: &w},
			{Line: 2, SKU: "S", Model: "M", Category: "server", HSCode: "84715010", Quantity: 1, UnitValue: d("2000"), TPP: &tpp,
				Radio: []iorules.Radio{iorules.RadioWiFi}, Encryption: iorules.Encryption{Present: true}},
			{Line: 3, SKU: "C", Model: "X-2", Category: "switch", HSCode: "85176259", Quantity: 2, UnitValue: d("0.5"),
				ApprovalsHeld: []iorules.HeldApproval{{ID: "tr.x", Reference: "R"}}},
			// In line 3's declaration group: neither states a net weight.
			{Line: 4, SKU: "C", Model: "X-3", Category: "switch", HSCode: "85176259", Quantity: 5, UnitValue: d("12.25")},
		}}
}

// TestLoweredMatchesInterpreter evaluates expressions that use every
// construct the lowering covers, and their failures (a missing fact on
// either side of && and ||, a table miss, division by zero, integer
// overflow), on every line of a shipment, valued and not: the lowered
// closure and the interpreter must give the same value or the same
// reason, and leave the same gaps, rows used and unconfirmed reads.
func TestLoweredMatchesInterpreter(t *testing.T) {
	h := newLoweringHarness(t)
	for _, text := range loweringConditions {
		h.check(t, text, cel.BoolType, true)
	}
	for _, text := range loweringDecimals {
		h.check(t, text, decimalType, true)
	}
}

// loweringConditions and loweringDecimals use every construct the
// lowering covers, and make each fail on some line or valuation.
var loweringConditions = []string{
	`item.category == "ups" && item.net_weight_kg > decimal("1")`,
	`item.net_weight_kg > decimal("1") && item.category == "nope"`,
	`item.net_weight_kg > decimal("1") || item.category == "ups"`,
	`item.net_weight_kg > decimal("1") || item.category == "nope"`,
	`item.category == "nope" || item.net_weight_kg > decimal("1")`,
	`table("t", "missing") > decimal("0") && table("t", "gone") > decimal("0")`,
	`table("t", "missing") > decimal("0") || table("t", "k") > decimal("0")`,
	`has_entry("p", item.hs_code) ? table("p", item.hs_code) > decimal("0.1") : false`,
	`item.hs_code.startsWith("8471") || item.hs6.endsWith("40") || item.model.contains("-")`,
	`item.hs6.endsWith("40")`,
	`item.sku + "-" + item.model == "A-B-1"`,
	`item.model.contains("-")`,
	`item.hs_code.startsWith("62")`,
	`item.category in ["ups", "pdu"] && !(item.hs4 in ["8517"])`,
	`"wifi" in item.radio || "USD" in shipment.exchange_rates && !("EUR" in shipment.exchange_rates)`,
	`item.radio.size() > 0 || shipment.items.size() == 3`,
	`!(item.quantity >= 2) || item.quantity * 2 - 1 > 3 && -item.quantity < -1`,
	`item.quantity * 9223372036854775807 > 0`,
	`line.customs_value > decimal("100")`,
	`declaration.groups > 1 && declaration.lines <= 3 && declaration.customs_value >= line.customs_value`,
	`shipment.importer.country == "TR" && importer.country != "BR" && shipment.destination == "TR"`,
	`held("tr.x") || registered("tr.vkn") && registration_level("tr.vkn") == "a"`,
	`has_document("commercial_invoice") && has_document("certificate_of_origin")`,
	`tiered("tiers", declaration.groups) > decimal("5")`,
	`item.encryption.present == item.encryption.mass_market`,
	`"ii" in tax && tax.ii > decimal("0") && !("ipi" in tax) && !("zz" in tax)`,
	`item.has_tpp && item.tpp >= decimal("4800")`,
	`item.tpp >= decimal("4800")`,
	`max(tax.ii, decimal("3")) == min(decimal("3"), tax.ii)`,
	`item.hs_code < "8500" && item.sku + "-" + item.model != "A-B-1" || true == item.has_tpp`,
	`tax.ipi > decimal("0")`,
	`table("p", item.hs_code) * line.customs_value >= decimal("0") ? item.line > 1 : item.line < 1`,
	// Membership in an empty literal list is the constant false: the
	// element is neither evaluated (no missing fact) nor reads its rows.
	`(item.net_weight_kg > decimal("1") ? "a" : "b") in []`,
	`(table("t", "u") > decimal("0") ? "a" : table("t", "missing") > decimal("0") ? "b" : "c") in [] || item.category in []`,
	// Which error wins: the first operand's in a strict call, the first
	// term's in && and || when no term decides.
	`item.tpp > line.customs_value || line.customs_value > item.tpp`,
	`max(item.tpp, line.customs_value) > decimal("0") && item.net_weight_kg > decimal("0")`,
	`item.tpp.div(line.customs_value, 2) > decimal("0") || table("t", "u") > decimal("0")`,
	`item.tpp > decimal("0") || table("t", "missing") > decimal("0") || table("t", "u") > decimal("0")`,
	`item.tpp.round(item.quantity * 9223372036854775807) > decimal("0")`,
	`line.customs_value.div(decimal("0"), 30) > decimal("0") || line.customs_value.round(-1) > decimal("0")`,
	`item.tpp > decimal("1") == (line.customs_value > decimal("1"))`,
	`(item.tpp > decimal("1") ? "USD" : "EUR") in shipment.exchange_rates`,
	`(item.net_weight_kg > decimal("1") ? item.sku : item.model) in ["A", "S"]`,
	`(item.tpp > decimal("1") ? "a" : "b") + (line.customs_value > decimal("0") ? "c" : "d") == "ac"`,
	`item.line == 2 ? item.tpp > decimal("1") : item.net_weight_kg > decimal("1")`,
	// Integer overflow at the edges.
	`-(item.quantity - 9223372036854775807 - 2) < 0`,
	`-item.quantity * -9223372036854775808 < 0`,
	`size(item.radio) + size(shipment.items) - 9223372036854775807 - 5 < 0`,
	// Helpers with computed arguments; hs_prefix lookups above and below
	// the rows (has_entry counts a finer row, table reports its digits).
	`registration_level(item.sku) == "" && registered(item.category) == held(item.sku)`,
	`tiered("tiers", item.quantity - 2) > decimal("1")`,
	`has_entry("p", item.hs4) && table("p", item.hs4) > decimal("0")`,
	`has_entry("p", "85") || table("p", item.hs_code + "00") > decimal("0")`,
	`table("t", item.category) > decimal("0") || true`,
	`size(shipment.exchange_rates) == 1 && size(shipment.documents) == 2 && "" in item.radio == false`,
	`declaration.customs_value_in_shipment_currency > declaration.customs_value`,
	`tax.ipi > decimal("0") || tax.ii > decimal("0")`,
}

var loweringDecimals = []string{
	`line.customs_value * table("t", "k") + tax.ii - rate`,
	`(line.customs_value + tax.ii).div(decimal("1") - rate, 2)`,
	`line.customs_value.div(decimal("0"), 2)`,
	`line.customs_value.div(decimal("3"), 19)`,
	`line.customs_value.round(1) + line.freight.round_even(0) - -line.customs_value`,
	`max(decimal("3.0"), decimal("3")) + min(decimal("2"), decimal("2.00")) + max(decimal("1"), rate)`,
	`decimal(item.quantity) * item.unit_value + line.fob_value - line.invoice_value`,
	`item.category == "ups" ? table("t", "u") : table("t", "missing")`,
	`table("p", item.hs_code) * line.customs_value`,
	`line.net_weight_kg * decimal("2") + item.power_rating_kva`,
	`max(rate, table("t", "u")) * min(line.quantity > 2 ? decimal("1") : decimal("2"), decimal("1.5"))`,
	`tiered("tiers", 4) + declaration.destination_handling + declaration.exchange_rate * decimal("0")`,
	// Exponents: max and min of equal values give their first operand.
	`max(decimal("1.0"), decimal("1")) + min(decimal("1"), decimal("1.00")) + max(rate, decimal("0.180")) - min(decimal("0.1800"), rate)`,
	// Past the machine word, and rounding ties.
	`decimal("123456789012345678901234567890").div(decimal("3"), 18) * rate - decimal(item.quantity - 9223372036854775807 - 2)`,
	`-decimal(-9223372036854775808) + decimal("9223372036854775807") + decimal("1")`,
	`decimal("1.05").round(1) + decimal("1.15").round_even(1) + decimal("-1.05").round(1) + decimal("-2.5").round_even(0)`,
	`line.customs_value.div(line.customs_value - line.customs_value, 2)`,
	`item.line == 1 ? item.tpp : line.net_weight_kg.div(item.tpp, 2)`,
	`(tax.ii + tax.ipi).div(rate, 2)`,
	`line.insurance + line.freight + line.fob_value + line.invoice_value + decimal(line.quantity) * line.net_weight_kg`,
}

// loweringSeeds are the expressions the fuzz target starts from.
var loweringSeeds = append(slices.Clone(loweringConditions), loweringDecimals...)

// loweringHarness compiles expressions against loweringPolicy and
// evaluates them on every line of loweringShipment, valued and not,
// lowered and interpreted.
type loweringHarness struct {
	env    *Environment
	p      *Policy
	s      iorules.Shipment
	valued valuation.Valuation
}

func newLoweringHarness(t testing.TB) *loweringHarness {
	env, err := NewEnvironment(0)
	require.NoError(t, err)
	p, issues := Compile(env, "zz.yaml", []byte(loweringPolicy))
	require.Empty(t, issues)
	s := loweringShipment()
	valued, err := valuation.Value(s, valuation.CIF, "TRY")
	require.NoError(t, err)
	return &loweringHarness{env: env, p: p, s: s, valued: valued}
}

// compile compiles text as an expression of type want that may read every
// variable and the earlier taxes ii and ipi; nil when it does not compile.
func (h *loweringHarness) compile(text string, want *cel.Type) *program {
	scope := exprScope{allowed: []string{varShipment, varImporter, varDeclaration, varItem, varLine, varTax, varRate},
		perLine: true, earlier: []string{"ii", "ipi"}}
	c := &compiler{env: h.env, file: "zz.yaml"}
	prg, _ := c.program(h.p, expr0(text), "tr.test", want, scope)
	if len(c.issues) > 0 {
		return nil
	}
	return prg
}

// check compiles text and compares the lowered closure with the
// interpreter on every line; mustLower fails an expression that does not
// compile or is not lowered (otherwise it is skipped).
func (h *loweringHarness) check(t *testing.T, text string, want *cel.Type, mustLower bool) {
	prg := h.compile(text, want)
	if prg == nil || prg.native == nil {
		if mustLower {
			require.NotNil(t, prg, "%s does not compile", text)
			require.NotNil(t, prg.native, "%s is not lowered: %s", text, prg.interpreted)
		}
		return
	}
	for _, unvalued := range []bool{false, true} {
		for _, b := range h.bindings() {
			interpreted := h.outcome(t, prg, b, unvalued, true)
			lowered := h.outcome(t, prg, b, unvalued, false)
			if diff := cmp.Diff(interpreted, lowered); diff != "" {
				t.Fatalf("%s on %s (unvalued %v), (-interpreted +lowered):\n%s", text, b, unvalued, diff)
			}
		}
	}
}

// binding is what an expression is evaluated on: a line (item and line
// bound), a declaration group (as in a group-scope tax: the group's first
// item, its lines and summed values, explained, so that every row read is
// traced), or nothing (as in a declaration-scope tax: item, line, tax and
// rate unbound).
type binding struct {
	line  int // item index, or -1
	group int // group index, or -1
}

func (b binding) String() string {
	switch {
	case b.line >= 0:
		return fmt.Sprintf("line %d", b.line+1)
	case b.group >= 0:
		return fmt.Sprintf("group %d (explained)", b.group+1)
	}
	return "the declaration (nothing bound)"
}

// bindings are every line, every declaration group and the declaration.
func (h *loweringHarness) bindings() []binding {
	var r Run
	r.Start(h.env, h.p, &h.s, &recordingSink{}, RunOptions{})
	r.Bind(h.valued, nil)
	var out []binding
	for i := range h.s.Items {
		out = append(out, binding{line: i, group: -1})
	}
	for g := range r.Groups() {
		out = append(out, binding{line: -1, group: g})
	}
	return append(out, binding{line: -1, group: -1})
}

// outcome evaluates prg on b, lowered or interpreted: its value or
// reason, and the gaps, rows, unconfirmed reads and (explained) trace it
// left.
func (h *loweringHarness) outcome(t *testing.T, prg *program, b binding, unvalued, interpret bool) string {
	var r Run
	r.Start(h.env, h.p, &h.s, &recordingSink{}, RunOptions{Interpret: interpret, Explain: b.group >= 0})
	if unvalued {
		r.Bind(valuation.Valuation{}, &valuation.MissingRateError{From: "USD", To: "TRY"})
	} else {
		r.Bind(h.valued, nil)
	}
	var lines []int
	switch {
	case b.line >= 0:
		r.bindItem(b.line)
		lines = r.lineOf(b.line)
	case b.group >= 0:
		g := r.Groups()[b.group]
		r.bindItem(g.Items[0])
		r.ctx.groupLines = g.lines
		r.act.line = g.lineVal
		lines = g.lines
	}
	if b.line >= 0 || b.group >= 0 {
		taxes := newTaxMap([]string{"ii", "ipi"})
		taxes.set(0, exact.New(125, -1))
		r.act.tax = taxes
		r.rate, r.rateBound, r.act.rate = exact.New(18, -2), true, newDec(exact.New(18, -2))
	}
	var got string
	var reason *iorules.Reason
	if prg.native.d != nil {
		var d exact.Dec
		d, reason = r.decimal(prg, "tr.test", "the base", lines)
		got = fmt.Sprintf("decimal %s e%d", d, d.Exponent())
	} else {
		var v ref.Val
		v, reason = r.run(prg, "tr.test", "the condition", lines)
		got = show(v)
	}
	why, err := json.Marshal(reason)
	require.NoError(t, err)
	got += "\nreason " + string(why)
	for _, g := range r.rec.gaps {
		row, err := json.Marshal(g.row)
		require.NoError(t, err)
		got += fmt.Sprintf("\ngap %s; %s; %s", g.why, g.supply, row)
	}
	for _, u := range r.rec.used {
		got += fmt.Sprintf("\nused %s %s %s", u.Table, u.Entry.Key, u.Entry.Value)
	}
	for _, row := range r.rec.trace {
		got += "\ntraced " + row.Label()
	}
	return got + fmt.Sprintf("\nunconfirmed reads %d", r.rec.unconfirmedReads)
}

// FuzzLoweredMatchesInterpreter mutates expressions: any that compiles
// and is lowered must give, on every line, what the interpreter gives.
func FuzzLoweredMatchesInterpreter(f *testing.F) {
	for _, seed := range loweringSeeds {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	h := newLoweringHarness(f)
	f.Fuzz(func(t *testing.T, text string, condition bool) {
		if len(text) > 300 {
			return
		}
		want := decimalType
		if condition {
			want = cel.BoolType
		}
		h.check(t, text, want, false)
	})
}

func show(v ref.Val) string {
	switch v := v.(type) {
	case nil:
		return "<nil>"
	case celDecimal:
		return fmt.Sprintf("decimal %s e%d", v.d, v.d.Exponent())
	case types.Bool:
		return fmt.Sprint(bool(v))
	}
	return fmt.Sprintf("%T %v", v, v)
}

// TestNotLowered checks that what the lowering does not cover is left to
// the interpreter, with the reason.
func TestNotLowered(t *testing.T) {
	env, err := NewEnvironment(0)
	require.NoError(t, err)
	p, issues := Compile(env, "zz.yaml", []byte(loweringPolicy))
	require.Empty(t, issues)
	scope := exprScope{allowed: []string{varShipment, varImporter, varDeclaration, varItem, varLine, varTax, varRate}, perLine: true}
	for text, why := range map[string]string{
		`["a", "b"].exists(i, i == item.category)`:      "comprehension",
		`shipment.exchange_rates["USD"] > decimal("1")`: "function _[_]",
		`has(item.eccn)`:                       "has()",
		`size(item.sku) > 1`:                   "size of this type",
		`item.line in [1, 2]`:                  "membership",
		`dyn(item.quantity) == 1`:              "function dyn",
		`[item.category, "x"] == ["ups", "x"]`: "list literal",
		`double(item.quantity) > 1.5`:          "function double",
	} {
		c := &compiler{env: env, file: "zz.yaml"}
		prg, _ := c.program(p, expr0(text), "tr.test", cel.BoolType, scope)
		require.Empty(t, c.issues, text)
		require.Nil(t, prg.native, text)
		require.True(t, strings.HasPrefix(prg.interpreted, why), "%s: %s", text, prg.interpreted)
	}
	limited, err := NewEnvironment(1000)
	require.NoError(t, err)
	c := &compiler{env: limited, file: "zz.yaml"}
	prg, _ := c.program(p, expr0(`item.category == "ups"`), "tr.test", cel.BoolType, scope)
	require.Nil(t, prg.native)
	require.Equal(t, "a runtime cost limit is set", prg.interpreted)
}

// TestLoweredChainsMatchInterpreter lowers chains of && and || given as
// one call of many terms, as cel-go's parser gives them when its variadic
// logical ASTs are on (the interpreter takes any number of terms, with
// the semantics of the nested calls): every term counts, in order.
func TestLoweredChainsMatchInterpreter(t *testing.T) {
	h := newLoweringHarness(t)
	for _, text := range []string{
		`item.category == "nope" && item.line > 0 && item.tpp > decimal("1")`,
		`item.tpp > decimal("1") && item.net_weight_kg > decimal("1") && item.line == 3`,
		`item.category == "nope" || item.line == 9 || item.tpp > decimal("1") || table("t", "u") > decimal("0")`,
		`item.net_weight_kg > decimal("1") || line.customs_value > decimal("0") || item.line == 2 || item.has_tpp && item.tpp > decimal("4799") && table("t", "missing") > decimal("0")`,
	} {
		prg := h.compile(text, cel.BoolType)
		require.NotNil(t, prg, text)
		checked, iss := h.env.env.Compile(text)
		require.NoError(t, iss.Err(), text)
		// The top call, with the terms of its nested calls of the same
		// operator as its own.
		nested := checked.NativeRep()
		top := nested.Expr()
		var terms []ast.Expr
		var flatten func(e ast.Expr)
		flatten = func(e ast.Expr) {
			if e.Kind() == ast.CallKind && e.AsCall().FunctionName() == top.AsCall().FunctionName() {
				for _, a := range e.AsCall().Args() {
					flatten(a)
				}
				return
			}
			terms = append(terms, e)
		}
		flatten(top)
		require.Greater(t, len(terms), 2, text)
		flat := ast.NewCheckedAST(ast.NewAST(ast.NewExprFactory().NewCall(top.ID(), top.AsCall().FunctionName(), terms...),
			nested.SourceInfo()), nested.TypeMap(), nested.ReferenceMap())
		n, err := lowerExpression(h.env, flat, []string{"ii", "ipi"}, cel.BoolType)
		require.NoError(t, err, text)
		chain := &program{cel: prg.cel, native: n}
		for _, unvalued := range []bool{false, true} {
			for _, b := range h.bindings() {
				want, got := h.outcome(t, chain, b, unvalued, true), h.outcome(t, chain, b, unvalued, false)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("%s on %s (unvalued %v), (-interpreted +lowered):\n%s", text, b, unvalued, diff)
				}
			}
		}
	}
}

// TestFieldWithoutGetterFailsItsReads: a field declared without a getter
// fails every read, so a rule reading it fails closed, instead of the
// environment panicking when it is built.
func TestFieldWithoutGetterFailsItsReads(t *testing.T) {
	f := objectField[lineValues]{name: "probe", typ: types.IntType}
	v := f.valueGetter()(&lineValues{})
	require.True(t, types.IsError(v), "got %v", v)
	require.Equal(t, typedGetter{}, f.typedGetter())
}
