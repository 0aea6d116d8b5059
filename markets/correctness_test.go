package markets_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/markets/policytest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// exampleShipment decodes one of the repository's sample shipments.
func exampleShipment(t testing.TB, name string) iorules.Shipment {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "examples", "shipments", name))
	require.NoError(t, err)
	defer f.Close()
	s, err := iorules.DecodeShipment(f)
	require.NoError(t, err)
	return s
}

// exampleShipments are the sample shipments (not the rollout).
var exampleShipments = []string{
	"br-servers-sp.json", "br-switches-rj-sea.json", "in-servers.json", "mixed-rollout.json",
	"sa-gpu.json", "tr-network.json", "vn-refurbished.json",
}

// TestPrequalifyMarketScreensExportControlsForTheMarket is the regression
// test of issue 14 item 2: evaluating a shipment for another market must
// screen export controls with that market as the destination, exactly as
// if the shipment were addressed there.
func TestPrequalifyMarketScreensExportControlsForTheMarket(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	for _, name := range exampleShipments {
		s := exampleShipment(t, name)
		all, err := engine.PrequalifyAll(s)
		require.NoError(t, err)
		for i, m := range engine.Markets() {
			t.Run(name+"/"+string(m), func(t *testing.T) {
				addressed := s
				addressed.Destination = m
				addressed.DestinationSubdivision = ""
				if m == "BR" {
					addressed.DestinationSubdivision = "BR-SP" // required there
				}
				want, err := engine.Prequalify(addressed)
				require.NoError(t, err)
				got, err := engine.PrequalifyMarket(m, s)
				require.NoError(t, err)
				require.Equal(t, want.ExportControl, got.ExportControl, "PrequalifyMarket")
				require.Equal(t, want.ExportControl, all[i].ExportControl, "PrequalifyAll")
			})
		}
	}
}

// TestGPUServersToAnotherMarketNeedALicence pins the case the review
// found: 4A090 GPU servers addressed to Türkiye and evaluated for Saudi
// Arabia need a US licence, as they do when addressed to Saudi Arabia.
func TestGPUServersToAnotherMarketNeedALicence(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	s := exampleShipment(t, "sa-gpu.json")
	s.Destination, s.DestinationSubdivision = "TR", ""
	d, err := engine.PrequalifyMarket("SA", s)
	require.NoError(t, err)
	require.True(t, d.ExportControl.LicenceRequired, "4A090.a to SA needs a licence")
}

// scribble overwrites everything a caller can write through v: every
// string, number and bool, every element of a slice, every map value and
// every value behind a pointer, decimals included.
func scribble(v reflect.Value) {
	decimalType := reflect.TypeFor[decimal.Decimal]()
	dateType := reflect.TypeFor[iorules.Date]()
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		switch {
		case v.Type() == decimalType:
			v.Set(reflect.ValueOf(decimal.New(-987654321, -3)))
		case v.Type() == dateType:
			v.Set(reflect.ValueOf(iorules.MustParseDate("1999-09-09")))
		default:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					scribble(v.Field(i))
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			scribble(e)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		v.SetString("SCRIBBLED")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 7777)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	}
}

// TestDecisionSharesNoMemoryWithTheEngine is the regression test of issue
// 14 item 3: a caller that writes over every part of a decision it was
// given changes nothing in later decisions.
func TestDecisionSharesNoMemoryWithTheEngine(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	for _, name := range exampleShipments {
		t.Run(name, func(t *testing.T) {
			s := exampleShipment(t, name)
			first, err := engine.PrequalifyAll(s)
			require.NoError(t, err)
			want, err := json.MarshalIndent(first, "", " ")
			require.NoError(t, err)
			for i := range first {
				scribble(reflect.ValueOf(&first[i]).Elem())
			}
			again, err := engine.PrequalifyAll(s)
			require.NoError(t, err)
			got, err := json.MarshalIndent(again, "", " ")
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(string(want), string(got)), "a caller's writes to a decision changed a later one (-before +after)")
		})
	}
}

// TestScribbleReachesEverything checks the test above can fail: scribble
// changes a decision's lead times, rates and lists.
func TestScribbleReachesEverything(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	d, err := engine.Prequalify(exampleShipment(t, "sa-gpu.json"))
	require.NoError(t, err)
	before, err := json.Marshal(d)
	require.NoError(t, err)
	scribble(reflect.ValueOf(&d).Elem())
	require.NotEmpty(t, d.NotEvaluated)
	require.Equal(t, "SCRIBBLED", d.NotEvaluated[0])
	i := slices.IndexFunc(d.Approvals, func(a approvals.Approval) bool { return a.LeadTimeDays != nil })
	require.GreaterOrEqual(t, i, 0)
	require.Greater(t, *d.Approvals[i].LeadTimeDays, 7000)
	after, err := json.Marshal(d)
	require.NoError(t, err)
	require.NotEqual(t, string(before), string(after))
}

// miniEngine loads the mini test policy with replacements applied, as
// pairs of old and new text.
func miniEngine(t *testing.T, replace ...string) *markets.Engine {
	t.Helper()
	src := miniPolicy(t)
	for i := 0; i+1 < len(replace); i += 2 {
		require.Contains(t, src, replace[i])
		src = strings.Replace(src, replace[i], replace[i+1], 1)
	}
	engine, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(src)}}))
	require.NoError(t, err)
	return engine
}

// reasonOf returns the first reason with the code and rule, or fails.
func reasonOf(t *testing.T, d markets.Decision, code, rule string) iorules.Reason {
	t.Helper()
	for _, r := range d.Reasons {
		if r.Code == code && r.Rule == rule {
			return r
		}
	}
	t.Fatalf("no %s reason for %s in %+v", code, rule, d.Reasons)
	return iorules.Reason{}
}

// TestUnvaluedShipmentIsAGapNotZero is the regression test of issue 14
// item 4: a rule that reads money of a shipment that could not be valued
// reports what is missing instead of comparing 0.
func TestUnvaluedShipmentIsAGapNotZero(t *testing.T) {
	engine := miniEngine(t, "  - id: tr.big\n    kind: info\n", "  - id: tr.big\n    kind: condition\n    unblock: Split it.\n")
	s := sample(t)
	s.Destination = "MY" // its rates are in ringgit: none converts to lira
	s.ExchangeRates = map[iorules.Currency]decimal.Decimal{"USD": decimal.RequireFromString("4.2")}
	d, err := engine.PrequalifyMarket("TR", s)
	require.NoError(t, err)
	require.Equal(t, markets.Conditional, d.Verdict)
	r := reasonOf(t, d, markets.CodeFactMissing, "tr.big")
	require.Equal(t, iorules.SeverityCondition, r.Severity)
	require.Contains(t, r.Message, "declaration.customs_value is not known: the shipment could not be valued: no exchange rate from USD to TRY")
	require.Equal(t, "Supply exchange_rates.USD (TRY per USD on 2026-11-25).", r.Unblock)

	// An info rule that cannot be evaluated says so, but cannot hold the
	// cargo.
	d, err = miniEngine(t).PrequalifyMarket("TR", s)
	require.NoError(t, err)
	require.Equal(t, iorules.SeverityInfo, reasonOf(t, d, markets.CodeFactMissing, "tr.big").Severity)
}

// TestAbsentTPPIsAGapNotZero: a line that states no TPP does not read as
// TPP 0 (which would pass every "below the threshold" test).
func TestAbsentTPPIsAGapNotZero(t *testing.T) {
	engine := miniEngine(t, `when: declaration.customs_value > decimal("100000")`,
		`when: shipment.items.exists(i, i.tpp < decimal("4800"))`)
	d, err := engine.Prequalify(sample(t))
	require.NoError(t, err)
	r := reasonOf(t, d, markets.CodeFactMissing, "tr.big")
	require.Contains(t, r.Message, "item.tpp is not known: line 1 states no total processing performance (TPP)")
	require.NotContains(t, firedRules(d), "tr.big")

	withTPP := sample(t)
	for i := range withTPP.Items {
		tpp := decimal.NewFromInt(100)
		withTPP.Items[i].TPP = &tpp
	}
	d, err = engine.Prequalify(withTPP)
	require.NoError(t, err)
	require.Contains(t, firedRules(d), "tr.big", "with a TPP given the rule is evaluated")
}

func firedRules(d markets.Decision) []string {
	var out []string
	for _, f := range d.Fired {
		out = append(out, f.Rule)
	}
	return out
}

// TestTaxConfidenceIsTheWeakestOfItsRows is the regression test of issue
// 14 item 5: a tax whose rule is confirmed but whose rate comes from an
// unconfirmed row is reported unconfirmed.
func TestTaxConfidenceIsTheWeakestOfItsRows(t *testing.T) {
	engine := miniEngine(t)
	d, err := engine.Prequalify(sample(t))
	require.NoError(t, err)
	confidence := map[string]string{}
	for _, tx := range d.Taxes {
		confidence[tx.ID] = string(tx.Confidence)
	}
	// The switch's duty row (851762) is unconfirmed, the server's (8471)
	// and the VAT row confirmed.
	require.Equal(t, map[string]string{"tr.duty": "unconfirmed", "tr.kdv": "confirmed"}, confidence)
}

// TestExportLicenceMakesTheShipDateUnknown is the regression test of issue
// 14 item 6: a licence required at origin holds the cargo, so the earliest
// ship date is not the shipment date.
func TestExportLicenceMakesTheShipDateUnknown(t *testing.T) {
	// The mini policy as Vietnam's: 4A090 items need a US licence there.
	src := strings.NewReplacer("market: TR", "market: VN", "currency: TRY", "currency: VND", "tr.", "vn.").Replace(miniPolicy(t))
	engine, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(src)}}))
	require.NoError(t, err)
	s := sample(t)
	s.Destination, s.ExchangeRates = "VN", map[iorules.Currency]decimal.Decimal{"USD": decimal.RequireFromString("26350")}
	s.ImporterOfRecord.Country, s.EndUser.Country, s.EndUser.HeadquartersCountry = "VN", "VN", "VN"
	s.ImporterOfRecord.Registrations[0].Scheme = "vn.vkn"
	s.Items[0].Category, s.Items[0].Description = iorules.CategoryGPUServer, "8-GPU server"
	s.Items[0].ECCN, s.Items[0].CountryOfOrigin = "4A090.a", "US"
	tpp := decimal.NewFromInt(15832)
	s.Items[0].TPP = &tpp
	d, err := engine.Prequalify(s)
	require.NoError(t, err)
	require.True(t, d.ExportControl.LicenceRequired)
	require.True(t, d.EarliestShipDate.IsZero(), "earliest ship date %s", d.EarliestShipDate)
	r := reasonOf(t, d, markets.CodeLeadTimeUnknown, "export_control")
	require.Equal(t, []int{1}, r.Lines)
}

// TestDeclinedShipmentHasNoShipDate is the regression test of issue 14
// item 10: a declined decision gives no earliest ship date, as the
// rollout gives none for a declined market.
func TestDeclinedShipmentHasNoShipDate(t *testing.T) {
	engine := miniEngine(t)
	s := sample(t)
	s.ImporterOfRecord.Registrations = nil // tr.vkn declines
	d, err := engine.Prequalify(s)
	require.NoError(t, err)
	require.Equal(t, markets.Decline, d.Verdict)
	require.True(t, d.EarliestShipDate.IsZero())
}

// TestTaxOutOfWindowReadsAsZero: a later tax that reads a tax not in force
// on the date reads zero instead of failing (and declining).
func TestTaxOutOfWindowReadsAsZero(t *testing.T) {
	engine := miniEngine(t, "    base: line.customs_value\n    source: test\n",
		"    base: line.customs_value\n    source: test\n    effective_to: 2025-12-31\n")
	d, err := engine.Prequalify(sample(t))
	require.NoError(t, err)
	require.NotEqual(t, markets.Decline, d.Verdict, "%+v", d.Reasons)
	require.Len(t, d.Taxes, 1)
	require.Equal(t, "tr.kdv", d.Taxes[0].ID)
	require.True(t, d.Taxes[0].Base.Equal(d.Valuation.CustomsValue), "base %s: the customs value only, no duty", d.Taxes[0].Base)
}

// TestUnknownIDsAreReported is the regression test of issue 14 item 8: an
// approval or registration id the market does not know is reported with
// the closest known id; ids of other markets are not.
func TestUnknownIDsAreReported(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	s := exampleShipment(t, "in-servers.json")
	s.Items[0].ApprovalsHeld = append(s.Items[0].ApprovalsHeld,
		iorules.HeldApproval{ID: "in.bis", Reference: "R-41"},
		iorules.HeldApproval{ID: "br.anatel", Reference: "A-1"}) // another market's: not reported
	s.ImporterOfRecord.Registrations = append(s.ImporterOfRecord.Registrations, iorules.Registration{Scheme: "in.iecc", ID: "0512345678"})
	d, err := engine.Prequalify(s)
	require.NoError(t, err)
	var got []string
	for _, r := range d.Reasons {
		if r.Code == markets.CodeUnknownID {
			require.Equal(t, iorules.SeverityInfo, r.Severity)
			got = append(got, r.Unblock)
		}
	}
	require.Equal(t, []string{
		`Use the id "in.bis_crs" if that is what the shipment holds.`,
		`Use the id "in.iec" if that is what the shipment holds.`,
	}, got)
}

// TestRADARCeilingCheckedWithoutARateIntoReais: Brazil's limited RADAR
// ceiling is in US dollars, so a USD shipment evaluated for Brazil without
// a BRL rate is still checked against it (issue 14 item 4): the customs
// value is computed in dollars rather than given up on, or read as 0.
func TestRADARCeilingCheckedWithoutARateIntoReais(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	s := exampleShipment(t, "br-servers-sp.json") // about USD 450,000 of customs value
	s.ImporterOfRecord.Registrations = []iorules.Registration{{Scheme: "br.radar", ID: "RAD-1", Level: "limited_50k"}}
	s.Destination, s.DestinationSubdivision = "MY", ""
	s.ExchangeRates = map[iorules.Currency]decimal.Decimal{"USD": decimal.RequireFromString("4.2150")}
	d, err := engine.PrequalifyMarket("BR", s)
	require.NoError(t, err)
	require.Nil(t, d.Valuation, "no rate into reais: the customs value in BRL is not known")
	require.Equal(t, markets.Decline, d.Verdict)
	r := reasonOf(t, d, "radar_limit_exceeded", "br.radar_limit")
	require.Contains(t, r.Message, "at most USD 50000")
}

// TestOneUnratedLineLeavesTheOthersTaxed (issue 18 item 3): a line the
// tables cannot rate stops the chain for its declaration group only; the
// other lines keep their taxes, the decision names what was not computed,
// and the total is given only as a partial one.
func TestOneUnratedLineLeavesTheOthersTaxed(t *testing.T) {
	engine := miniEngine(t)
	s := sample(t)
	ups := s.Items[1]
	ups.Line, ups.Description, ups.Category, ups.HSCode = 3, "10 kVA UPS", iorules.CategoryUPS, iorules.MustParseHSCode("8504.40")
	s.Items = append(s.Items, ups)
	d, err := engine.Prequalify(s)
	require.NoError(t, err)

	require.Nil(t, d.TotalTaxes, "a total that leaves a line out is not the total")
	require.Nil(t, d.LandedCost)
	require.NotNil(t, d.PartialTotalTaxes)
	missing := func() *iorules.MissingRow {
		return &iorules.MissingRow{Table: "duty", Key: "850440", Date: iorules.MustParseDate("2026-11-25")}
	}
	require.Equal(t, []markets.NotComputed{
		{Tax: "tr.duty", Lines: []int{3}, Code: markets.CodeFactMissing, Rule: "tr.duty",
			Message: `the rate of tr.duty could not be evaluated: table duty has no entry covering HS code 8504.40 in force on 2026-11-25`,
			Missing: missing()},
		{Tax: "tr.kdv", Lines: []int{3}, Code: markets.CodeFactMissing, Rule: "tr.duty",
			Message: `it depends on tr.duty, which was not computed: the rate of tr.duty could not be evaluated: table duty has no entry covering HS code 8504.40 in force on 2026-11-25`,
			Missing: missing()},
	}, d.NotComputed)

	var sum decimal.Decimal
	for _, tx := range d.Taxes {
		require.True(t, tx.Partial, "%s covers lines 1 and 2 only", tx.ID)
		sum = sum.Add(tx.Amount)
	}
	require.True(t, sum.Equal(*d.PartialTotalTaxes))
	for _, l := range d.Lines {
		if l.Line == 3 {
			require.Empty(t, l.Taxes)
		} else {
			require.Len(t, l.Taxes, 2, "line %d keeps its taxes", l.Line)
		}
	}
}

// TestMissingWeightIsAGapNotZero is the regression test of issue 16 B10: a
// per-kg fee on a line that states no net weight is not computed on 0 kg;
// it is reported missing, and the taxes that do not read it still are.
func TestMissingWeightIsAGapNotZero(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	s := exampleShipment(t, "tr-network.json")
	s.Items[0].NetWeightKg = nil
	d, err := engine.Prequalify(s)
	require.NoError(t, err)
	require.Nil(t, d.TotalTaxes)
	require.Len(t, d.NotComputed, 1, "%+v", d.NotComputed)
	nc := d.NotComputed[0]
	require.Equal(t, "tr.gekap", nc.Tax)
	require.Contains(t, nc.Lines, 1)
	require.Contains(t, nc.Message, "line.net_weight_kg is not known: line 1 states no net weight")
	r := reasonOf(t, d, markets.CodeFactMissing, "tr.gekap")
	require.Contains(t, r.Unblock, "net weight")
	computed := map[string]bool{}
	for _, tx := range d.Taxes {
		computed[tx.ID] = true
	}
	require.True(t, computed["tr.kdv"], "the VAT does not read the fee: it is still computed")
}

// TestCertificateNamingModelsDoesNotCoverALineWithoutModel is the
// end-to-end regression test of issue 16 B11.
func TestCertificateNamingModelsDoesNotCoverALineWithoutModel(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	s := exampleShipment(t, "sa-gpu.json")
	require.Equal(t, []string{"G8-H"}, s.Items[0].ApprovalsHeld[0].Models)
	s.Items[0].Model = ""
	d, err := engine.Prequalify(s)
	require.NoError(t, err)
	i := slices.IndexFunc(d.Approvals, func(a approvals.Approval) bool { return a.ID == "sa.saber_pcoc" && slices.Contains(a.Lines, 1) })
	require.GreaterOrEqual(t, i, 0)
	require.Equal(t, approvals.StatusRequired, d.Approvals[i].Status)
	r := reasonOf(t, d, markets.CodeItemModelMissing, "documents.approval_models")
	require.Contains(t, r.Message, "not counted as held")
}

// TestEveryMarketAnswersFor2027 (issue 15): a shipment dated in 2027 is in
// the window of every embedded policy, evaluates without a rule error and
// gets its taxes; the per-market cases in policies/*_test.yaml check the
// figures on each side of every dated change.
func TestEveryMarketAnswersFor2027(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	for _, m := range engine.Markets() {
		for _, date := range []string{"2027-01-01", "2027-01-15", "2027-12-31"} {
			t.Run(string(m)+"/"+date, func(t *testing.T) {
				s := policytest.SampleShipment(m, 4)
				s.Date = iorules.MustParseDate(date)
				d, err := engine.Prequalify(s)
				require.NoError(t, err)
				for _, r := range d.Reasons {
					require.NotEqual(t, markets.CodePolicyOutOfWindow, r.Code)
					require.NotEqual(t, markets.CodeRuleError, r.Code, r.Message)
				}
				require.NotNil(t, d.Valuation)
				require.NotEmpty(t, d.Taxes, "%+v", d.NotComputed)
			})
		}
	}
}

// TestCertificateOfOriginCoversOnlyItsLines: a certificate of origin that
// lists lines gives the preference to those lines only; the others are
// declared as a separate item and pay the general rate.
func TestCertificateOfOriginCoversOnlyItsLines(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	s := exampleShipment(t, "tr-network.json")
	ups := s.Items[0]
	ups.Category, ups.Description, ups.HSCode, ups.CountryOfOrigin = iorules.CategoryUPS, "10 kVA online UPS", iorules.MustParseHSCode("8504.40"), "DE"
	ups.Radio, ups.Encryption, ups.ECCN, ups.ApprovalsHeld = nil, iorules.Encryption{}, "EAR99", nil
	one, two := ups, ups
	one.Line, two.Line = 1, 2
	s.Items = []iorules.Item{one, two}
	s.Documents = append(s.Documents, iorules.Document{Type: iorules.DocumentCertificateOfOrigin, Reference: "EUR1-123", Lines: []int{1}})
	d, err := engine.Prequalify(s)
	require.NoError(t, err)
	duty := map[int]decimal.Decimal{}
	for _, l := range d.Lines {
		for _, tx := range l.Taxes {
			if tx.ID == "tr.duty" {
				duty[l.Line] = tx.Amount
			}
		}
	}
	require.True(t, duty[1].IsZero(), "line 1 has its EUR.1: %s", duty[1])
	require.True(t, duty[2].IsPositive(), "line 2 has none: %s", duty[2])
	require.NotEqual(t, d.Lines[0].Group, d.Lines[1].Group)
}

// TestRADARCeilingWithoutAnyUSDRate: an invoice in another currency with no
// USD rate cannot be checked against Brazil's USD ceiling: a condition that
// says so, never a pass.
func TestRADARCeilingWithoutAnyUSDRate(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	s := exampleShipment(t, "br-servers-sp.json")
	s.ImporterOfRecord.Registrations = []iorules.Registration{{Scheme: "br.radar", ID: "RAD-1", Level: "limited_50k"}}
	s.Currency = "EUR"
	s.ExchangeRates = map[iorules.Currency]decimal.Decimal{"EUR": decimal.RequireFromString("6.1234")}
	d, err := engine.Prequalify(s)
	require.NoError(t, err)
	require.Equal(t, iorules.SeverityCondition, reasonOf(t, d, "radar_limit_unchecked", "br.radar_limit_currency").Severity)
}

// TestComprehensionVariableShadowsAPolicyVariable is the regression test of
// engine-review F8: a comprehension's own variable is bound inside it, even
// when it has the name of a policy variable, so a shipment-scope rule may
// write shipment.items.exists(item, ...). Outside the comprehension, item
// is still not available in a shipment-scope rule.
func TestComprehensionVariableShadowsAPolicyVariable(t *testing.T) {
	rule := "rules:\n  - {id: tr.ups, kind: info, scope: shipment, when: 'shipment.items.exists(item, item.category == \"ups\")', message: ups, source: test, confidence: confirmed}\n"
	engine := miniEngine(t, "rules:\n", rule)
	for _, tt := range []struct {
		category iorules.Category
		fired    bool
	}{{iorules.CategoryUPS, true}, {iorules.CategoryServer, false}} {
		t.Run(string(tt.category), func(t *testing.T) {
			s := policytest.SampleShipment("TR", 3)
			for i := range s.Items {
				s.Items[i].Category = iorules.CategoryServer
			}
			s.Items[1].Category = tt.category
			d, err := engine.Prequalify(s)
			require.NoError(t, err)
			fired := slices.ContainsFunc(d.Fired, func(f markets.FiredRule) bool { return f.Rule == "tr.ups" })
			require.Equal(t, tt.fired, fired)
		})
	}

	outside := "rules:\n  - {id: tr.ups, kind: info, scope: shipment, when: 'shipment.items.exists(i, i.category == \"ups\") && item.category == \"ups\"', message: ups, source: test, confidence: confirmed}\n"
	joined := strings.Join(issueStrings(loadIssues(t, strings.Replace(miniPolicy(t), "rules:\n", outside, 1))), "\n")
	require.Contains(t, joined, "rule tr.ups: item is not available here")
}
