package markets_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/markets/policytest"
	"github.com/stretchr/testify/require"
)

// miniPolicy is a small valid policy; tests break one line of it.
func miniPolicy(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("testdata/mini/zz.yaml")
	require.NoError(t, err)
	return string(src)
}

func loadIssues(t *testing.T, src string) []markets.Issue {
	t.Helper()
	_, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(src)}}))
	require.Error(t, err)
	var le *markets.LoadError
	require.True(t, errors.As(err, &le), "want *LoadError, got %T: %v", err, err)
	return le.Issues
}

func TestLoadReportsPositions(t *testing.T) {
	base := miniPolicy(t)
	tests := []struct {
		name    string
		old     string
		new     string
		want    string // FILE:LINE:COL: rule ID: message prefix
		contain string
	}{
		{
			name: "valuation cites an unknown source",
			old:  `valuation: {basis: CIF}`,
			new:  `valuation: {basis: CIF, source: "@customs_law"}`,
			want: `zz.yaml:7:33: rule valuation: source: no source named "customs_law" under sources`,
		},
		{
			name: "unknown field in a when",
			old:  `when: '!registered("tr.vkn")'`,
			new:  `when: '!registered("tr.vkn") && item.categroy == "x"'`,
			want: "zz.yaml:23:41: rule tr.vkn: undefined field 'categroy'",
		},
		{
			name: "unknown identifier in a block scalar",
			old:  `item.category in ["switch", "router"]`,
			new:  `item.category in ["switch", "router"] || shipmnt.origin == "US"`,
			want: "zz.yaml:30:48: rule tr.tareks: undeclared reference to 'shipmnt'",
		},
		{
			name: "wrong result type",
			old:  `when: declaration.customs_value > decimal("100000")`,
			new:  `when: declaration.customs_value`,
			want: "zz.yaml:37:11: rule tr.big: expression has type decimal, want bool",
		},
		{
			name: "decimal mixed with a double",
			old:  `base: line.customs_value + tax.duty`,
			new:  `base: line.customs_value * 1.5`,
			want: "zz.yaml:52:30: rule tr.kdv: found no matching overload for '_*_' applied to '(decimal, double)'",
		},
		{
			name: "tax read before it is computed",
			old:  `base: line.customs_value` + "\n",
			new:  `base: line.customs_value + tax.kdv` + "\n",
			want: "zz.yaml:46:35: rule tr.duty: tax.kdv: no earlier tax has that name",
		},
		{
			name: "unknown table",
			old:  `rate: table("vat", "standard")`,
			new:  `rate: table("vat_rates", "standard")`,
			want: "zz.yaml:51:16: rule tr.kdv: table: no table named \"vat_rates\"",
		},
		{
			name: "duplicate id",
			old:  "  - id: tr.big\n",
			new:  "  - id: tr.tareks\n",
			want: "zz.yaml:34:9: rule tr.tareks: duplicate id (first defined at line 26)",
		},
		{
			name: "runaway expression",
			old:  `when: declaration.customs_value > decimal("100000")`,
			new:  `when: shipment.items.all(a, shipment.items.all(b, a.line != b.line || a.quantity > 0))`,
			want: "zz.yaml:37:11: rule tr.big: expression too costly",
		},
		{
			name: "loop over items in a per-line rule",
			old:  `      item.radio.size() > 0 ||`,
			new:  `      shipment.items.exists(i, i.radio.size() > 0 && i.description.contains(item.description)) ||`,
			want: "zz.yaml:29:7: rule tr.tareks: expression too costly",
		},
		{
			name: "item in a shipment-scope rule",
			old:  `when: declaration.customs_value > decimal("100000")`,
			new:  `when: item.quantity > 1`,
			want: "zz.yaml:37:11: rule tr.big: item is not available here",
		},
		{
			name: "a CEL expression that is not a string",
			old:  `when: declaration.customs_value > decimal("100000")`,
			new:  `when: [1, 2]`,
			want: "zz.yaml:37:11: expected a CEL expression (a string)",
		},
		{
			name: "group-scope tax reads an item field outside group_by",
			old:  `rate: table("vat", "standard")`,
			new:  `rate: 'item.condition == "new" ? table("vat", "standard") : decimal("0")'`,
			want: "zz.yaml:51:16: rule tr.kdv: item.condition differs between the lines of one declaration group (group_by: [hs_code, country_of_origin])",
		},
		{
			name: "group-scope tax reads the item as a whole",
			old:  `rate: table("vat", "standard")`,
			new:  `rate: '[item].size() > 0 ? table("vat", "standard") : decimal("0")'`,
			want: "zz.yaml:51:13: rule tr.kdv: the item as a whole differs between the lines",
		},
		{
			name: "a condition that is not a bool",
			old:  `when: declaration.customs_value > decimal("100000")`,
			new:  `when: dyn(declaration.lines)`,
			want: "zz.yaml:37:11: rule tr.big: expression has type dyn, want bool",
		},
		{
			name: "unknown YAML key",
			old:  "    message: big\n",
			new:  "    mesage: big\n",
			want: "zz.yaml:38:1: field mesage not found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, base, tt.old)
			issues := loadIssues(t, strings.Replace(base, tt.old, tt.new, 1))
			var lines []string
			for _, is := range issues {
				lines = append(lines, is.String())
			}
			joined := strings.Join(lines, "\n")
			require.Contains(t, joined, tt.want)
			require.Contains(t, joined, tt.contain)
		})
	}
}

// TestLoadRequiresConfidence: a rule or tax that does not say whether it was
// checked against its source is a load error at its id, never read as
// confirmed.
func TestLoadRequiresConfidence(t *testing.T) {
	base := miniPolicy(t)
	tests := []struct {
		name     string
		old, new string
		want     string // the only issue
	}{
		{
			name: "rule without confidence",
			old:  "    source: test\n    confidence: confirmed\n  - id: tr.big\n",
			new:  "    source: test\n  - id: tr.big\n",
			want: "zz.yaml:26:9: rule tr.tareks: confidence: required (confirmed or unconfirmed)",
		},
		{
			name: "rule written as a flow mapping without confidence",
			old:  "    source: test, confidence: confirmed}\n",
			new:  "    source: test}\n",
			want: "zz.yaml:21:10: rule tr.vkn: confidence: required (confirmed or unconfirmed)",
		},
		{
			name: "tax without confidence",
			old:  "    source: test\n    confidence: confirmed\n  - id: tr.kdv\n",
			new:  "    source: test\n  - id: tr.kdv\n",
			want: "zz.yaml:43:9: rule tr.duty: confidence: required (confirmed or unconfirmed)",
		},
		{
			name: "tax with an empty confidence",
			old:  "    source: test\n    confidence: confirmed\n  - id: tr.kdv\n",
			new:  "    source: test\n    confidence: \"\"\n  - id: tr.kdv\n",
			want: "zz.yaml:43:9: rule tr.duty: confidence: required (confirmed or unconfirmed)",
		},
		{
			name: "tax with a confidence of neither kind",
			old:  "    base: line.customs_value + tax.duty\n    source: test\n    confidence: confirmed\n",
			new:  "    base: line.customs_value + tax.duty\n    source: test\n    confidence: probable\n",
			want: `zz.yaml:49:9: rule tr.kdv: confidence: want confirmed or unconfirmed, got "probable"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, 1, strings.Count(base, tt.old), "the edit must be unambiguous")
			issues := loadIssues(t, strings.Replace(base, tt.old, tt.new, 1))
			var lines []string
			for _, is := range issues {
				lines = append(lines, is.String())
			}
			require.Equal(t, []string{tt.want}, lines)
		})
	}
}

func TestLoadRejectsEmptyListEntries(t *testing.T) {
	// Found by FuzzLoadPolicy: a YAML list item with no content decodes to a
	// nil entry.
	for _, src := range []string{
		"tables:\n t:\n    match: hs_prefix\n    entries:\n    -",
		"rules:\n  -\n",
		"taxes:\n  -\n",
	} {
		issues := loadIssues(t, src)
		var msgs []string
		for _, is := range issues {
			msgs = append(msgs, is.String())
		}
		require.Contains(t, strings.Join(msgs, "\n"), "empty entry", "source %q", src)
	}
}

func TestLoadCollectsEveryIssue(t *testing.T) {
	src := strings.Replace(miniPolicy(t), `when: '!registered("tr.vkn")'`, `when: 'nope'`, 1)
	src = strings.Replace(src, `base: line.customs_value + tax.duty`, `base: 'x'`, 1)
	require.Len(t, loadIssues(t, src), 2)
}

func sample(t *testing.T) iorules.Shipment {
	t.Helper()
	src := `{"id":"T-1","date":"2026-11-25","origin":"US","destination":"TR","incoterm":"CIF","transport_mode":"air",
	"currency":"USD","exchange_rates":{"USD":"40.0000"},
	"charges":{"origin_inland":"0","freight":"100.00","insurance":"10.00","destination_handling":"0","destination_inland":"0"},
	"exporter":{"name":"Acme Inc","country":"US"},
	"importer_of_record":{"name":"IOR AS","country":"TR","registrations":[{"scheme":"tr.vkn","id":"1234567890"}]},
	"end_user":{"name":"DC AS","country":"TR","headquarters_country":"TR"},
	"items":[
	 {"line":1,"description":"1U rack server, 2 CPUs","category":"server","hs_code":"8471.50","quantity":2,"unit_value":"5000.00",
	  "net_weight_kg":"18","condition":"new","country_of_origin":"MX","radio":[],"encryption":{"present":true,"mass_market":true},"eccn":"5A992.c"},
	 {"line":2,"description":"48-port switch","category":"switch","hs_code":"8517.62","quantity":3,"unit_value":"1000.00",
	  "net_weight_kg":"5","condition":"new","country_of_origin":"CN","radio":[],"encryption":{"present":true,"mass_market":true},"eccn":"5A992.c"}]}`
	s, err := iorules.DecodeShipment(strings.NewReader(src))
	require.NoError(t, err)
	return s
}

func TestConcurrentEvaluationIsIdentical(t *testing.T) {
	engine, err := markets.New(markets.WithPolicies(os.DirFS("testdata/mini")))
	require.NoError(t, err)
	s := sample(t)
	first, err := engine.Prequalify(s)
	require.NoError(t, err)
	want, err := json.Marshal(first)
	require.NoError(t, err)

	var wg sync.WaitGroup
	results := make([][]byte, 16)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				d, err := engine.Prequalify(s)
				if err != nil {
					return
				}
				results[g], _ = json.Marshal(d)
			}
		}()
	}
	wg.Wait()
	for g, got := range results {
		require.True(t, bytes.Equal(want, got), "goroutine %d gave a different decision", g)
	}
}

func TestRuntimeErrorFailsClosed(t *testing.T) {
	src := strings.Replace(miniPolicy(t), `rate: table("vat", "standard")`, `rate: table("vat", item.hs_code)`, 1)
	engine, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(src)}}))
	require.NoError(t, err)
	d, err := engine.Prequalify(sample(t))
	require.NoError(t, err)
	require.Equal(t, markets.Conditional, d.Verdict)
	require.Nil(t, d.TotalTaxes, "a total that leaves a tax out must not be given")
	// Each line failed on its own HS code: every reason must be true of
	// every line it lists (regression: the lines of later failures used to
	// be merged into the first reason, which named the first code only).
	s := sample(t)
	hsOf := map[int]string{}
	for _, it := range s.Items {
		hsOf[it.Line] = it.HSCode.Digits()
	}
	var found int
	for _, r := range d.Reasons {
		if r.Code == "fact_missing" && r.Rule == "tr.kdv" {
			found++
			for _, l := range r.Lines {
				require.Contains(t, r.Message, `table vat has no entry for "`+hsOf[l]+`"`, "line %d", l)
			}
		}
	}
	require.Equal(t, 2, found, "want a fact_missing reason per HS code naming tr.kdv: %+v", d.Reasons)
	for _, nc := range d.NotComputed {
		for _, l := range nc.Lines {
			require.Contains(t, nc.Message, hsOf[l], "not_computed %s line %d", nc.Tax, l)
		}
	}
}

func TestHSCodeTooShortIsACondition(t *testing.T) {
	src := strings.Replace(miniPolicy(t), `- {key: "851762", value: "0.05", source: "test", confidence: unconfirmed}`,
		`- {key: "85176210", value: "0.05", source: "test", confidence: confirmed}
      - {key: "85176290", value: "0.10", source: "test", confidence: confirmed}`, 1)
	engine, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(src)}}))
	require.NoError(t, err)
	d, err := engine.Prequalify(sample(t))
	require.NoError(t, err)
	require.Equal(t, markets.Conditional, d.Verdict)
	var msgs []string
	for _, r := range d.Reasons {
		msgs = append(msgs, r.Message)
	}
	require.Contains(t, strings.Join(msgs, "\n"), "HS code 8517.62 is not precise enough: table duty distinguishes 8517.62.10 (0.05), 8517.62.90 (0.1)")
}

func TestShipmentOutsidePolicyWindow(t *testing.T) {
	engine, err := markets.New(markets.WithPolicies(os.DirFS("testdata/mini")))
	require.NoError(t, err)
	s := sample(t)
	s.Date = iorules.MustParseDate("2027-02-01")
	d, err := engine.Prequalify(s)
	require.NoError(t, err)
	require.NotEqual(t, markets.Clear, d.Verdict)
	require.Equal(t, "policy_out_of_window", d.Reasons[0].Code)
}

func TestInvalidShipmentAndUnknownMarket(t *testing.T) {
	engine, err := markets.New(markets.WithPolicies(os.DirFS("testdata/mini")))
	require.NoError(t, err)
	s := sample(t)
	s.Items[1].Quantity = 0
	_, err = engine.Prequalify(s)
	var fe *iorules.FieldError
	require.True(t, errors.As(err, &fe))
	require.Equal(t, "items[1].quantity", fe.Path)

	_, err = engine.PrequalifyMarket("BR", sample(t))
	var um *markets.UnknownMarketError
	require.True(t, errors.As(err, &um))
}

func TestQuantitiesKnownWithoutExchangeRate(t *testing.T) {
	src := strings.Replace(miniPolicy(t), "currency: TRY", "currency: EUR", 1)
	src = strings.Replace(src, `when: declaration.customs_value > decimal("100000")`, `when: declaration.lines == 2 && shipment.items.all(i, i.quantity > 0)`, 1)
	src = strings.Replace(src, "  - id: tr.big\n", `  - id: tr.three
    kind: info
    when: line.quantity == 3
    message: three units
    source: test
    confidence: confirmed
  - id: tr.big
`, 1)
	engine, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(src)}}))
	require.NoError(t, err)
	d, err := engine.Prequalify(sample(t))
	require.NoError(t, err)
	require.Nil(t, d.Valuation, "no USD to EUR rate: no customs value")
	require.Contains(t, d.Fired, markets.FiredRule{Rule: "tr.three", Lines: []int{2}})
}

func TestDecisionAmountsHaveMinorUnits(t *testing.T) {
	engine, err := markets.New(markets.WithPolicies(os.DirFS("testdata/mini")))
	require.NoError(t, err)
	d, err := engine.Prequalify(sample(t))
	require.NoError(t, err)
	raw, err := json.Marshal(d)
	require.NoError(t, err)
	// CIF price USD 13,000 at 40 = TRY 520,000.00. Valued CIF, a CIF line
	// is its converted invoice value: the switches' line is USD 3,000 =
	// TRY 120,000.00, duty 5% = 6,000.00; servers pay no duty. VAT 20% of
	// 526,000.00 = 105,200.00. Landed = 520,000 + 111,200.00.
	for _, want := range []string{
		`"currency":"TRY"`, `"customs_value":"520000.00"`, `"customs_value":"120000.00"`,
		`"amount":"0.00"`, `"amount":"6000.00"`, `"amount":"105200.00"`,
		`"total_taxes":"111200.00"`, `"landed_cost":"631200.00"`,
	} {
		require.Contains(t, string(raw), want)
	}
}

// TestRuntimeCostLimitIsPerExpression checks that WithRuntimeCostLimit
// bounds each expression on its own: a limit every expression stays under
// changes nothing however many lines and rules a shipment has, and a limit
// an expression exceeds fails closed.
func TestRuntimeCostLimitIsPerExpression(t *testing.T) {
	plain, err := markets.New()
	require.NoError(t, err)
	tests := []struct {
		name      string
		limit     uint64
		ruleError bool
	}{
		{"limit above every expression", 500, false},
		{"limit below some expression", 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limited, err := markets.New(markets.WithRuntimeCostLimit(tt.limit))
			require.NoError(t, err)
			s := policytest.SampleShipment("BR", 40)
			d, err := limited.Prequalify(s)
			require.NoError(t, err)
			var ruleErrors []string
			for _, r := range d.Reasons {
				if r.Code == "rule_error" {
					ruleErrors = append(ruleErrors, r.Message)
				}
			}
			if !tt.ruleError {
				require.Empty(t, ruleErrors)
				want, err := plain.Prequalify(s)
				require.NoError(t, err)
				require.Equal(t, want.Verdict, d.Verdict)
				require.True(t, want.TotalTaxes.Equal(*d.TotalTaxes))
				return
			}
			require.NotEmpty(t, ruleErrors)
			require.Contains(t, ruleErrors[0], "cost limit")
			require.Equal(t, markets.Decline, d.Verdict, "a rule that cannot be evaluated must not let the shipment clear")
		})
	}
}

// TestLoadIssuesInFileOrder: policies compile in parallel, but the issues
// of a failed load come in file order, each file's in its own order, and
// a market defined twice names the earlier file, every time.
func TestLoadIssuesInFileOrder(t *testing.T) {
	good := miniPolicy(t)
	bad1 := strings.Replace(good, `when: '!registered("tr.vkn")'`, `when: 'nope'`, 1)
	bad2 := strings.Replace(good, `base: line.customs_value + tax.duty`, `base: 'x'`, 1)
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte(bad1)}, "b.yaml": {Data: []byte(good)},
		"c.yaml": {Data: []byte(good)}, "d.yaml": {Data: []byte(bad2)}, "e.yaml": {Data: []byte(bad1)},
	}
	var first []markets.Issue
	for range 20 {
		_, err := markets.New(markets.WithPolicies(fsys))
		var le *markets.LoadError
		require.ErrorAs(t, err, &le)
		if first == nil {
			first = le.Issues
			continue
		}
		require.Equal(t, first, le.Issues)
	}
	var files []string
	for _, is := range first {
		files = append(files, is.File)
	}
	require.Equal(t, []string{"a.yaml", "c.yaml", "d.yaml", "e.yaml"}, files)
	require.Contains(t, first[1].Msg, "already defined by b.yaml")
}
