package markets_test

import (
	"encoding/json"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

const sampleRollout = "../examples/shipments/rollout-nine-markets.json"

// readRollout decodes a rollout file.
func readRollout(t *testing.T, path string) markets.Rollout {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	r, err := markets.DecodeRollout(f)
	require.NoError(t, err)
	return r
}

// elevenMarkets is the nine-market sample with Uzbekistan and Serbia added,
// so that every embedded market is offered the same mixed shipment: ten
// 1U servers (MX), four leaf switches (TW) and twelve Wi-Fi access points
// (CN), FCA, from the US, with SIRIM CoAs, Indian BIS and MTCTE and a Saudi
// CST certificate held.
func elevenMarkets(t *testing.T) markets.Rollout {
	t.Helper()
	r := readRollout(t, sampleRollout)
	rate := func(s string) map[iorules.Currency]decimal.Decimal {
		return map[iorules.Currency]decimal.Decimal{"USD": decimal.RequireFromString(s)}
	}
	noOwners := &iorules.Ownership{Owners: []iorules.Owner{}, CheckedOn: iorules.MustParseDate("2026-11-20")}
	r.Markets["UZ"] = markets.MarketSetup{
		ImporterOfRecord: iorules.Party{Name: "Tashkent Import Services LLC", Country: "UZ",
			Registrations: []iorules.Registration{{Scheme: "uz.tin", ID: "305112874"}}, Ownership: noOwners},
		ExchangeRates: rate("12050.00"),
	}
	r.Markets["RS"] = markets.MarketSetup{
		ImporterOfRecord: iorules.Party{Name: "Dunav Uvoz d.o.o.", Country: "RS",
			Registrations: []iorules.Registration{{Scheme: "rs.pib", ID: "109283746"}}, Ownership: noOwners},
		ExchangeRates: rate("100.3500"),
	}
	return r
}

// marketOutcome is what the table test pins for one market.
type marketOutcome struct {
	Verdict  markets.Verdict
	Landed   string // in the market's currency; "" when not computed
	LandedSC string // in USD
	Missing  []string
	ShipFrom string // "" when declined, "unknown" when unknown
	Open     []string
}

func outcomeOf(mr markets.MarketResult) marketOutcome {
	o := marketOutcome{Verdict: mr.Verdict, Open: mr.OpenConditions, ShipFrom: "unknown"}
	if mr.LandedCost != nil {
		o.Landed = mr.LandedCost.StringFixed(mr.Currency.MinorUnits())
		o.LandedSC = mr.LandedCostInShipmentCurrency.StringFixed(2)
	}
	for _, a := range mr.MissingApprovals {
		o.Missing = append(o.Missing, a.ID)
	}
	switch {
	case mr.Verdict == markets.Decline:
		o.ShipFrom = ""
	case !mr.ShipDateUnknown:
		o.ShipFrom = mr.EarliestShipDate.String()
	}
	return o
}

// TestRolloutElevenMarkets offers the mixed shipment to all eleven embedded
// markets and checks each market's result and the summary.
func TestRolloutElevenMarkets(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	r := elevenMarkets(t)
	res, err := engine.Rollout(r)
	require.NoError(t, err)

	require.Equal(t, "ROLL-2612-0009", res.ShipmentID)
	require.Equal(t, iorules.Currency("USD"), res.Currency)
	var order []iorules.Country
	for _, mr := range res.Markets {
		order = append(order, mr.Market)
	}
	require.Equal(t, engine.Markets(), order, "one result per embedded market, in market order")

	// Why each market says what it says (policy rule ids in brackets):
	want := map[iorules.Country]marketOutcome{
		// RADAR limited to USD 50,000 against a USD 146,730 customs value
		// [br.radar_limit]; ANATEL for the switches and access points.
		"BR": {Verdict: markets.Decline, Landed: "1364479.62", LandedSC: "253291.19", Missing: []string{"br.anatel"}},
		// ACID (2 days) and NTRA for switches and access points (14 days).
		"EG": {Verdict: markets.Conditional, Landed: "8268741.67", LandedSC: "168922.20",
			Missing: []string{"eg.ntra", "eg.acid"}, ShipFrom: "2026-12-15", Open: []string{}},
		// BIS and MTCTE held; WPC ETA for the radio (30 days) and the DGFT
		// import authorisation for the servers (HS 8471, no known lead
		// time). The duty on 8517.62 splits below HS-6: the sample declares
		// the switches and access points under India's 8517.62.90 (10% BCD)
		// in IN only, so IN has a landed cost (TestRolloutHSCodes has
		// markets without their line).
		"IN": {Verdict: markets.Conditional, Landed: "15784738.26", LandedSC: "178056.83",
			Missing: []string{"in.dgft_ims", "in.wpc_eta"}, ShipFrom: "unknown", Open: []string{}},
		// KNB encryption notification, EAC conformity (TR CU 004/020 and
		// TR EAEU 037), RES permit: no lead times; servers and switches are on the CHPL and KZ is a diversion risk.
		"KZ": {Verdict: markets.Conditional, Landed: "89606135.52", LandedSC: "171856.80",
			Missing: []string{"kz.eac_conformity", "kz.eac_rohs", "kz.knb_notification", "kz.res_permit"}, ShipFrom: "unknown",
			Open: []string{"chpl_end_user_evidence"}},
		// The SIRIM CoAs are held: nothing blocks.
		"MY": {Verdict: markets.Clear, Landed: "686453.13", LandedSC: "163053.00", ShipFrom: "2026-12-01", Open: []string{}},
		// The importer is BOC-accredited but holds no NTC dealer permit, which
		// radio gear needs [ph.ntc_dealer].
		"PH": {Verdict: markets.Decline, Landed: "9784938.67", LandedSC: "166071.60",
			Missing: []string{"ph.ntc_permit_to_import", "ph.ntc_type_approval"}},
		// The conformity certificate is needed after clearance only; the
		// duty rates are not on file, the goods are on the CHPL.
		// No conventional duty rate of Serbia's tariff was read for these
		// lines: no landed cost until one is supplied (-tables).
		"RS": {Verdict: markets.Conditional, Missing: []string{"rs.ratel"}, ShipFrom: "2026-12-01",
			Open: []string{"chpl_end_user_evidence", "tariff_rate_unknown", "fact_missing"}},
		// CST held for the access points but needed for the switches too;
		// PCoC and SCoC have no lead time.
		"SA": {Verdict: markets.Conditional, Landed: "638960.64", LandedSC: "170389.50",
			Missing: []string{"sa.saber_pcoc", "sa.saber_scoc", "sa.cst"}, ShipFrom: "unknown", Open: []string{}},
		"TR": {Verdict: markets.Conditional, Landed: "7670339.61", LandedSC: "177883.57",
			Missing: []string{"tr.tareks", "tr.tareks_ce"}, ShipFrom: "unknown", Open: []string{"chpl_end_user_evidence"}},
		"UZ": {Verdict: markets.Conditional, Missing: []string{"uz.res_permit", "uz.conformity_certificate"},
			ShipFrom: "unknown", Open: []string{"chpl_end_user_evidence", "fact_missing"}},
		"VN": {Verdict: markets.Conditional, Landed: "4213515697", LandedSC: "160118.40",
			Missing: []string{"vn.most_type_approval", "vn.quality_inspection"}, ShipFrom: "unknown", Open: []string{}},
	}
	for _, mr := range res.Markets {
		t.Run(string(mr.Market), func(t *testing.T) {
			w := want[mr.Market]
			if w.Verdict == markets.Decline {
				w.Open = mr.OpenConditions // not pinned for a market that cannot ship at all
			}
			if d := cmp.Diff(w, outcomeOf(mr)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}

			// The rollout is the market's own evaluation of the shipment
			// built for it, nothing more.
			s, ok := r.ShipmentFor(mr.Market)
			require.True(t, ok)
			d, err := engine.PrequalifyMarket(mr.Market, s)
			require.NoError(t, err)
			require.Equal(t, d, mr.Decision)
			require.Equal(t, mr.Market, d.Market)
			require.Equal(t, r.Markets[mr.Market].ImporterOfRecord, s.ImporterOfRecord)

			// The landed cost converted back at the market's own rate.
			if mr.LandedCost != nil {
				rate := r.Markets[mr.Market].ExchangeRates["USD"]
				require.True(t, rate.Equal(*mr.ExchangeRate))
				require.True(t, mr.LandedCost.Equal(*d.LandedCost))
				back := mr.LandedCost.DivRound(rate, 2)
				require.True(t, back.Equal(*mr.LandedCostInShipmentCurrency), "%s / %s = %s, not %s", mr.LandedCost, rate, back, mr.LandedCostInShipmentCurrency)
			} else {
				require.Nil(t, mr.LandedCostInShipmentCurrency)
			}
			for _, a := range mr.MissingApprovals {
				require.NotEmpty(t, a.Authority)
				require.NotEqual(t, "held", string(a.Status))
			}
		})
	}

	wantSummary := markets.RolloutSummary{
		Together: []markets.ShipGroup{
			{Date: iorules.MustParseDate("2026-12-01"), Markets: []iorules.Country{"MY", "RS"}},
			{Date: iorules.MustParseDate("2026-12-15"), Markets: []iorules.Country{"EG"}},
		},
		DateUnknown: []iorules.Country{"IN", "KZ", "SA", "TR", "UZ", "VN"},
	}
	got := res.Summary
	var declined []string
	for _, d := range got.Declined {
		declined = append(declined, string(d.Market)+" "+d.Reason.Rule+" "+d.Reason.Code)
		require.NotEmpty(t, d.Reason.Unblock)
	}
	require.Equal(t, []string{"BR br.radar_limit radar_limit_exceeded", "PH ph.ntc_dealer ior_registration_missing"}, declined)
	got.Declined = nil
	if d := cmp.Diff(wantSummary, got, cmp.Comparer(func(a, b iorules.Date) bool { return a.Equal(b) })); d != "" {
		t.Errorf("summary (-want +got):\n%s", d)
	}
}

// TestRolloutPassesOptions checks that the evaluation options reach every
// market, and that each market's decision (its audit record included) is
// the one PrequalifyMarket gives for that market's shipment.
func TestRolloutPassesOptions(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	r := readRollout(t, sampleRollout)
	opt := markets.WithScreening(exportctl.Options{Parties: []exportctl.ListedParty{
		{Name: "Meridian Edge Cloud Ltd", Country: "GB", List: "EL", Source: "test entry"},
	}})
	res, err := engine.Rollout(r, opt)
	require.NoError(t, err)
	shipmentHashes := map[string]bool{}
	for _, mr := range res.Markets {
		s, _ := r.ShipmentFor(mr.Market)
		d, err := engine.PrequalifyMarket(mr.Market, s, opt)
		require.NoError(t, err)
		require.Equal(t, d, mr.Decision, mr.Market)
		shipmentHashes[d.Audit.ShipmentSHA256] = true
		if mr.Market != "BR" { // Brazil has an end user of its own
			require.Equal(t, markets.Decline, mr.Verdict, "%s: the listed end user declines", mr.Market)
		}
	}
	require.Len(t, shipmentHashes, len(res.Markets), "each market's audit names its own shipment")
}

// TestRolloutMalaysiaByHand recomputes Malaysia's landed cost from the
// policy's rates: CIF at the market's rate, no duty on 8471 and 8517.62,
// sales tax 10% per declaration group, plus the costs after the border.
func TestRolloutMalaysiaByHand(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	res, err := engine.Rollout(readRollout(t, sampleRollout))
	require.NoError(t, err)
	i := slices.IndexFunc(res.Markets, func(mr markets.MarketResult) bool { return mr.Market == "MY" })
	require.GreaterOrEqual(t, i, 0)
	mr := res.Markets[i]
	rate := decimal.RequireFromString("4.21")
	usd := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }

	// Goods 135780 (10 x 11250 + 4 x 4200 + 12 x 540), freight 9800,
	// insurance 1150: CIF USD 146730. Each line is its share of that,
	// converted and rounded to the sen once, and the total their sum.
	v := mr.Decision.Valuation
	cif, goods := usd("146730"), usd("135780")
	lineCV := decimal.Zero
	for _, value := range []string{"112500", "16800", "6480"} {
		lineCV = lineCV.Add(usd(value).Mul(cif).Mul(rate).DivRound(goods, 2))
	}
	require.True(t, v.CustomsValue.Equal(lineCV), "customs value %s, by hand %s", v.CustomsValue, lineCV)
	tax := decimal.Zero
	for _, l := range mr.Decision.Lines {
		tax = tax.Add(l.CustomsValue.Mul(usd("0.10")).Round(2)) // one group per line here
	}
	afterBorder := usd("1650").Mul(rate) // destination handling 700 + inland 950
	want := v.CustomsValue.Add(afterBorder).Add(tax)
	require.True(t, want.Equal(*mr.LandedCost), "landed %s, by hand %s", mr.LandedCost, want)
	require.Equal(t, "163053.00", mr.LandedCostInShipmentCurrency.StringFixed(2))
}

func TestRolloutErrors(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	base := readRollout(t, sampleRollout)
	clone := func(r markets.Rollout) markets.Rollout {
		r.Markets = maps.Clone(r.Markets)
		r.Shipment.Items = slices.Clone(r.Shipment.Items)
		return r
	}

	tests := []struct {
		name   string
		change func(r *markets.Rollout)
		want   []string // every field error, in order
	}{
		{
			name: "market problems are named under markets[XX], base problems once under shipment",
			change: func(r *markets.Rollout) {
				tr := r.Markets["TR"]
				tr.ImporterOfRecord.Registrations = []iorules.Registration{{Scheme: "TR VKN", ID: "1"}}
				r.Markets["TR"] = tr
				br := r.Markets["BR"]
				br.DestinationSubdivision = ""
				br.ExchangeRates = nil
				r.Markets["BR"] = br
				r.Shipment.Items[0].Quantity = 0
			},
			want: []string{
				"shipment.items[0].quantity: must be greater than 0",
				`markets[BR].destination_subdivision: required: the taxes of BR depend on it (an ISO 3166-2 code such as "BR-SP")`,
				"markets[BR].exchange_rates.USD: required: rate of USD in BRL on 2026-12-01",
				`markets[TR].importer_of_record.registrations[0].scheme: must be "<market>.<name>" in lower case, such as "br.radar"; not "TR VKN"`,
			},
		},
		{
			name: "a market's own end user is named under it",
			change: func(r *markets.Rollout) {
				br := r.Markets["BR"]
				br.EndUser = &iorules.Party{Country: "BR"}
				r.Markets["BR"] = br
				r.Shipment.EndUser.Name = ""
			},
			want: []string{"shipment.end_user.name: required", "markets[BR].end_user.name: required"},
		},
		{
			name:   "no markets",
			change: func(r *markets.Rollout) { r.Markets = nil },
			want:   []string{"markets: required: at least one market"},
		},
		{
			name: "the origin as a market",
			change: func(r *markets.Rollout) {
				r.Shipment.Origin = "MY"
			},
			want: []string{"markets[MY]: must differ from origin (MY): an import crosses a border"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := clone(base)
			tt.change(&r)
			_, err := engine.Rollout(r)
			require.Error(t, err)
			var got []string
			for _, fe := range iorules.FieldErrors(err) {
				got = append(got, fe.Error())
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("field errors (-want +got):\n%s", d)
			}
		})
	}

	t.Run("charges the price cannot cover: an input error on the base", func(t *testing.T) {
		r := clone(base)
		r.Shipment.Incoterm = "CIF"
		r.Shipment.Charges.Freight = decimal.RequireFromString("900000.00")
		_, err := engine.Rollout(r)
		fes := iorules.FieldErrors(err)
		require.Len(t, fes, 1, "%v", err)
		require.Equal(t, "shipment.charges", fes[0].Path)
	})

	t.Run("a market without a policy", func(t *testing.T) {
		r := clone(base)
		r.Markets["DE"] = r.Markets["TR"]
		_, err := engine.Rollout(r)
		var unknown *markets.UnknownMarketError
		require.True(t, errors.As(err, &unknown), "%v", err)
		require.Equal(t, iorules.Country("DE"), unknown.Market)
	})
}

func TestDecodeRollout(t *testing.T) {
	t.Run("a rollout of one market is the shipment it was made from", func(t *testing.T) {
		raw, err := os.ReadFile("../examples/shipments/mixed-rollout.json")
		require.NoError(t, err)
		want, err := iorules.DecodeShipment(strings.NewReader(string(raw)))
		require.NoError(t, err)

		var doc map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(raw, &doc))
		market := map[string]json.RawMessage{}
		for _, k := range []string{"importer_of_record", "exchange_rates"} {
			market[k] = doc[k]
			delete(doc, k)
		}
		delete(doc, "destination")
		rollout, err := json.Marshal(map[string]any{"shipment": doc, "markets": map[string]any{"TR": market}})
		require.NoError(t, err)

		r, err := markets.DecodeRollout(strings.NewReader(string(rollout)))
		require.NoError(t, err)
		require.Empty(t, r.Shipment.Destination)
		require.Empty(t, r.Shipment.ImporterOfRecord.Name)
		require.Nil(t, r.Markets["TR"].EndUser, "no end user of its own")
		got, ok := r.ShipmentFor("TR")
		require.True(t, ok)
		if d := cmp.Diff(want, got, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
			cmp.Comparer(func(a, b iorules.Date) bool { return a.Equal(b) })); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
		_, ok = r.ShipmentFor("SA")
		require.False(t, ok)
	})

	t.Run("the sample", func(t *testing.T) {
		r := readRollout(t, sampleRollout)
		require.Len(t, r.Markets, 9)
		require.Equal(t, iorules.Subdivision("BR-SP"), r.Markets["BR"].DestinationSubdivision)
		require.NotNil(t, r.Markets["BR"].EndUser)
		require.Equal(t, "Meridian Edge Cloud Brasil Ltda", r.Markets["BR"].EndUser.Name)
		require.Equal(t, "Meridian Edge Cloud Ltd", r.Shipment.EndUser.Name, "the base keeps its own end user")
		require.Len(t, r.Shipment.Items, 3)
		require.Equal(t, map[int]iorules.HSCode{2: "85176290", 3: "85176290"}, r.Markets["IN"].HSCodes,
			"India's tariff line for the switches and access points")
		require.Nil(t, r.Markets["VN"].HSCodes)
		in, _ := r.ShipmentFor("IN")
		vn, _ := r.ShipmentFor("VN")
		require.Equal(t, iorules.HSCode("85176290"), in.Items[1].HSCode)
		require.Equal(t, iorules.HSCode("851762"), vn.Items[1].HSCode)
		require.Equal(t, iorules.HSCode("851762"), r.Shipment.Items[1].HSCode)
	})

	valid := func() map[string]any {
		return map[string]any{
			"shipment": map[string]any{
				"id": "R-1", "date": "2026-12-01", "origin": "US", "incoterm": "CIF", "transport_mode": "air",
				"currency": "USD",
				"charges": map[string]any{"origin_inland": "0", "freight": "10.00", "insurance": "1.00",
					"destination_handling": "0", "destination_inland": "0"},
				"exporter": map[string]any{"name": "Acme Inc", "country": "US"},
				"end_user": map[string]any{"name": "DC Ltd", "country": "GB"},
				"items": []any{map[string]any{"line": 1, "description": "1U rack server", "category": "server",
					"hs_code": "8471.50", "quantity": 1, "unit_value": "1000.00", "net_weight_kg": "18",
					"condition": "new", "country_of_origin": "MX", "radio": []any{},
					"encryption": map[string]any{"present": false, "mass_market": false}}},
			},
			"markets": map[string]any{
				"TR": map[string]any{
					"importer_of_record": map[string]any{"name": "IOR AS", "country": "TR",
						"registrations": []any{map[string]any{"scheme": "tr.vkn", "id": "1"}}},
					"exchange_rates": map[string]any{"USD": "43.1200"},
				},
			},
		}
	}
	tests := []struct {
		name   string
		input  func() string
		errors []string
	}{
		{"valid", func() string { return encode(t, valid()) }, nil},
		{"malformed JSON", func() string { return `{"shipment": ` }, []string{"want a JSON object holding a rollout: malformed JSON: unexpected end of input"}},
		{"empty", func() string { return " " }, []string{"empty input: want a JSON object holding a rollout"}},
		{"an array", func() string { return "[]" }, []string{"want a JSON object holding a rollout, not an array"}},
		{"data after the object", func() string { return encode(t, valid()) + " {}" },
			[]string{"unexpected data after the JSON object at line 1, column " + itoa(len(encode(t, valid()))+2)}},
		{"unknown top-level field", func() string {
			v := valid()
			v["destination"] = "TR"
			return encode(t, v)
		}, []string{"destination: unknown field"}},
		{"structural and field problems together", func() string {
			v := valid()
			v["version"] = 2
			v["shipment"].(map[string]any)["items"].([]any)[0].(map[string]any)["quantity"] = 0
			return encode(t, v)
		}, []string{"version: unknown field", "shipment.items[0].quantity: must be greater than 0"}},
		{"nothing but an id", func() string { return `{"id": "x"}` },
			[]string{"id: unknown field", "shipment: required", "markets: required: at least one market"}},
		{"per-market fields in the base", func() string {
			v := valid()
			s := v["shipment"].(map[string]any)
			s["destination"] = "TR"
			s["importer_of_record"] = map[string]any{"name": "x", "country": "TR"}
			s["exchange_rates"] = map[string]any{"USD": "1"}
			return encode(t, v)
		}, []string{
			"shipment.destination: not allowed in a rollout: each key of markets is a destination",
			"shipment.exchange_rates: not allowed in a rollout: give it per market, as markets.XX.exchange_rates",
			"shipment.importer_of_record: not allowed in a rollout: give it per market, as markets.XX.importer_of_record",
		}},
		{"bad market keys and fields", func() string {
			v := valid()
			m := v["markets"].(map[string]any)
			m["tr"] = m["TR"]
			m["SA"] = map[string]any{"importer": map[string]any{}, "destination": "SA"}
			m["EG"] = "EG"
			return encode(t, v)
		}, []string{
			"markets[EG]: must be a JSON object",
			"markets[SA].destination: unknown field",
			"markets[SA].importer: unknown field",
			"markets[SA].exchange_rates.USD: required: rate of USD in SAR on 2026-12-01",
			"markets[SA].importer_of_record: required",
			`markets[tr]: unknown country code "tr" (want ISO 3166-1 alpha-2 in upper case, such as "TR")`,
		}},
		{"a duplicate market", func() string {
			s := encode(t, valid())
			tr := `"TR":{`
			i := strings.Index(s, tr)
			return s[:i] + `"TR":{},` + s[i:]
		}, []string{"markets[TR]: duplicate market"}},
		{"empty markets", func() string {
			v := valid()
			v["markets"] = map[string]any{}
			return encode(t, v)
		}, []string{"markets: required: at least one market"}},
		{"field errors inside a market and the base, strictly decoded", func() string {
			v := valid()
			tr := v["markets"].(map[string]any)["TR"].(map[string]any)
			tr["exchange_rates"] = map[string]any{"USD": 43.12}
			tr["importer_of_record"].(map[string]any)["colour"] = "blue"
			tr["end_user"] = map[string]any{"country": "TR"}
			v["shipment"].(map[string]any)["items"].([]any)[0].(map[string]any)["unit_value"] = "-1"
			return encode(t, v)
		}, []string{
			"shipment.items[0].unit_value: must be greater than 0",
			"markets[TR].exchange_rates.USD: must be a decimal string such as \"5.3000\", not a JSON number",
			"markets[TR].importer_of_record.colour: unknown field",
			"markets[TR].end_user.name: required",
		}},
		{"no end user anywhere", func() string {
			v := valid()
			delete(v["shipment"].(map[string]any), "end_user")
			return encode(t, v)
		}, []string{"shipment.end_user: required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := markets.DecodeRollout(strings.NewReader(tt.input()))
			if tt.errors == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			var got []string
			for _, fe := range iorules.FieldErrors(err) {
				got = append(got, fe.Error())
			}
			if d := cmp.Diff(tt.errors, got); d != "" {
				t.Errorf("field errors (-want +got):\n%s", d)
			}
		})
	}

	t.Run("every market gives its own end user", func(t *testing.T) {
		v := valid()
		delete(v["shipment"].(map[string]any), "end_user")
		v["markets"].(map[string]any)["TR"].(map[string]any)["end_user"] = map[string]any{"name": "DC AS", "country": "TR"}
		r, err := markets.DecodeRollout(strings.NewReader(encode(t, v)))
		require.NoError(t, err)
		require.Empty(t, r.Shipment.EndUser.Name)
		require.Equal(t, "DC AS", r.Markets["TR"].EndUser.Name)
	})
	t.Run("a nil reader", func(t *testing.T) {
		_, err := markets.DecodeRollout(nil)
		require.Len(t, iorules.FieldErrors(err), 1)
	})
}

func encode(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestRolloutDeterministic evaluates the same rollout many times, and
// concurrently, and wants the same JSON bytes every time.
func TestRolloutDeterministic(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	r := elevenMarkets(t)
	first, err := engine.Rollout(r)
	require.NoError(t, err)
	want, err := json.Marshal(first)
	require.NoError(t, err)
	errs := make(chan error, 8)
	outs := make(chan []byte, 8)
	for range 8 {
		go func() {
			res, err := engine.Rollout(r)
			errs <- err
			b, _ := json.Marshal(res)
			outs <- b
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
		require.Equal(t, string(want), string(<-outs))
	}
}

// TestMarketResultJSON checks the hand-written MarshalJSON: a key for every
// field, in declaration order, and amounts with their currency's places.
func TestMarketResultJSON(t *testing.T) {
	want := jsonTags[markets.MarketResult]()
	landed, back, rate := decimal.RequireFromString("4213515696"), decimal.RequireFromString("160118.4"), decimal.RequireFromString("26315")
	mr := markets.MarketResult{
		Market: "VN", Currency: "VND", ShipmentCurrency: "USD", ExchangeRate: &rate,
		LandedCost: &landed, LandedCostInShipmentCurrency: &back, ShipDateUnknown: true,
		EarliestShipDate: iorules.MustParseDate("2026-12-01"),
		Decision:         markets.Decision{Currency: "VND"},
	}
	raw, err := json.Marshal(mr)
	require.NoError(t, err)
	require.Equal(t, want, jsonKeys(t, raw))
	require.Contains(t, string(raw), `"landed_cost":"4213515696"`)
	require.Contains(t, string(raw), `"landed_cost_shipment_currency":"160118.40"`)
}

// FuzzDecodeRollout feeds arbitrary bytes to DecodeRollout and evaluates
// whatever decodes: nothing may panic, and every input problem must come
// back as field errors.
func FuzzDecodeRollout(f *testing.F) {
	if src, err := os.ReadFile(sampleRollout); err == nil {
		f.Add(src)
	}
	f.Add([]byte(`{"shipment": {}, "markets": {"TR": {}}}`))
	f.Add([]byte(`{"shipment": null, "markets": {"tr": 1, "TR": {"end_user": null}}}`))
	f.Add([]byte(`{"shipment": null, "shipment": {"or\ud800": 1}, "markets": {"T\udc00": {}, "TR": {"exch\ud800": 1}}}`))
	f.Add([]byte("{\"shipment\": {\"id\": \"R\xff\u202e\"}, \"mark\xffets\": 1, \"markets\": {\"TR\": {}}}"))
	// Tariff lines (issue 18): valid ones, so that the fuzzer reaches their
	// evaluation, and broken ones.
	f.Add([]byte(hsCodes(`{"1": "8471.50.10"}`)))
	f.Add([]byte(hsCodes(`{"1": "8517.62.90", "2": "8471.50", "01": 1, "1": null, "x\ud800": "847150"}, "hs_codes": null`)))
	engine, err := markets.New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := markets.DecodeRollout(strings.NewReader(string(data)))
		if err != nil {
			if len(iorules.FieldErrors(err)) == 0 {
				t.Fatalf("not a field error: %v", err)
			}
			return
		}
		res, err := engine.Rollout(r)
		var unknown *markets.UnknownMarketError
		switch {
		case err == nil:
			require.Len(t, res.Markets, len(r.Markets))
		case errors.As(err, &unknown), len(iorules.FieldErrors(err)) > 0:
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	})
}
