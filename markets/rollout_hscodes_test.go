package markets_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// upsRollout is the nine-market sample offered the goods of mixed-rollout.json:
// its servers, switches and access points, and a fourth line of UPSs
// declared under the HS-6 8504.40, which Vietnam's and the Philippines'
// tables split below HS-6.
func upsRollout(t *testing.T) markets.Rollout {
	t.Helper()
	r := readRollout(t, sampleRollout)
	delete(r.Markets, "IN") // the sample's own tariff lines, for 8517.62
	for m, setup := range r.Markets {
		require.Empty(t, setup.HSCodes, "the sample gives %s a tariff line", m)
	}
	raw, err := os.ReadFile("../examples/shipments/mixed-rollout.json")
	require.NoError(t, err)
	mixed, err := iorules.DecodeShipment(strings.NewReader(string(raw)))
	require.NoError(t, err)
	require.Equal(t, iorules.MustParseHSCode("8504.40"), mixed.Items[3].HSCode)
	r.Shipment.Items = mixed.Items
	return r
}

// TestRolloutHSCodes gives Vietnam and the Philippines their national UPS
// line (AHTN 8504.40.11): both then compute every tax, while every other
// market keeps the HS-6 code and the very same decision (issue 18).
func TestRolloutHSCodes(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	r := upsRollout(t)
	before, err := engine.Rollout(r)
	require.NoError(t, err)

	national := map[int]iorules.HSCode{4: iorules.MustParseHSCode("8504.40.11")}
	for _, m := range []iorules.Country{"VN", "PH"} {
		setup := r.Markets[m]
		setup.HSCodes = national
		r.Markets[m] = setup
	}
	after, err := engine.Rollout(r)
	require.NoError(t, err)
	require.Equal(t, iorules.MustParseHSCode("8504.40"), r.Shipment.Items[3].HSCode, "the base keeps its code")

	require.Len(t, after.Markets, len(before.Markets))
	for i, mr := range after.Markets {
		was := before.Markets[i]
		switch mr.Market {
		case "VN", "PH":
			require.NotEmpty(t, was.Decision.NotComputed, "%s: without its tariff line, 8504.40 is not precise enough", mr.Market)
			require.Contains(t, was.Decision.NotComputed[0].Message, "not precise enough")
			require.Nil(t, was.LandedCost)
			require.Nil(t, was.LandedCostInShipmentCurrency)
			require.Contains(t, was.OpenConditions, "fact_missing", "a tax not computed is an open condition")
			require.Empty(t, mr.OpenConditions, "%s has no open condition left", mr.Market)
			require.Empty(t, mr.Decision.NotComputed, "%s computes every tax", mr.Market)
			require.NotNil(t, mr.LandedCost, mr.Market)
			s, ok := r.ShipmentFor(mr.Market)
			require.True(t, ok)
			require.Equal(t, national[4], s.Items[3].HSCode)
			require.Equal(t, r.Shipment.Items[0].HSCode, s.Items[0].HSCode, "the other lines keep theirs")
		default:
			want, err := json.Marshal(was)
			require.NoError(t, err)
			got, err := json.Marshal(mr)
			require.NoError(t, err)
			if d := cmp.Diff(string(want), string(got)); d != "" {
				t.Errorf("%s changed though it gives no tariff line (-want +got):\n%s", mr.Market, d)
			}
			s, _ := r.ShipmentFor(mr.Market)
			require.Equal(t, iorules.MustParseHSCode("8504.40"), s.Items[3].HSCode, mr.Market)
		}
	}
}

// TestRolloutHSCodesProblems checks the tariff lines of a rollout built in
// Go: a line no item has, an invalid code and a code under another HS-6 are
// field errors named in the market, and an empty map is no tariff line at
// all.
func TestRolloutHSCodesProblems(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	base := upsRollout(t)
	plain, err := engine.Rollout(base)
	require.NoError(t, err)
	tests := []struct {
		name  string
		codes map[int]iorules.HSCode
		want  []string
	}{
		{"an empty map", map[int]iorules.HSCode{}, nil},
		{"the item's own code", map[int]iorules.HSCode{4: "850440"}, nil},
		{"a line no item has", map[int]iorules.HSCode{9: "85044011"},
			[]string{`markets[VN].hs_codes["9"]: no item has line 9`}},
		{"an invalid code", map[int]iorules.HSCode{4: "8504.40.11"},
			[]string{`markets[VN].hs_codes["4"]: must be an HS code of 6 to 12 digits, such as "8504.40.11", not "8504.40.11"`}},
		{"a code under another HS-6", map[int]iorules.HSCode{4: "85444210", 1: "84715010"},
			[]string{`markets[VN].hs_codes["4"]: 8544.42.10 is not under 8504.40, the HS-6 subheading line 4 declares: a national tariff line must extend it`}},
		{"several", map[int]iorules.HSCode{0: "85044011", 3: "847150"},
			[]string{`markets[VN].hs_codes["0"]: no item has line 0`,
				`markets[VN].hs_codes["3"]: 8471.50 is not under 8517.62, the HS-6 subheading line 3 declares: a national tariff line must extend it`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			r.Markets = map[iorules.Country]markets.MarketSetup{}
			for m, setup := range base.Markets {
				r.Markets[m] = setup
			}
			setup := r.Markets["VN"]
			setup.HSCodes = tt.codes
			r.Markets["VN"] = setup
			res, err := engine.Rollout(r)
			var got []string
			for _, fe := range iorules.FieldErrors(err) {
				got = append(got, fe.Error())
			}
			require.Equal(t, tt.want, got, "error: %v", err)
			if tt.want == nil {
				require.NoError(t, err)
				want, _ := json.Marshal(plain)
				out, _ := json.Marshal(res)
				require.JSONEq(t, string(want), string(out), "the item's own code changes nothing")
			}
		})
	}
}

// TestMarketSetupJSON checks that the JSON form of MarketSetup is what
// DecodeRollout reads, tariff lines included, and that a market without
// tariff lines writes no hs_codes.
func TestMarketSetupJSON(t *testing.T) {
	r := upsRollout(t)
	vn := r.Markets["VN"]
	vn.HSCodes = map[int]iorules.HSCode{4: iorules.MustParseHSCode("8504.40.11")}
	r.Markets["VN"] = vn

	setups, err := json.Marshal(r.Markets)
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(setups), `"hs_codes"`))
	require.Contains(t, string(setups), `"hs_codes":{"4":"8504.40.11"}`)

	raw, err := os.ReadFile(sampleRollout)
	require.NoError(t, err)
	var doc map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &doc))
	var base map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(doc["shipment"], &base))
	base["items"], err = json.Marshal(r.Shipment.Items)
	require.NoError(t, err)
	doc["shipment"], err = json.Marshal(base)
	require.NoError(t, err)
	doc["markets"] = setups
	in, err := json.Marshal(doc)
	require.NoError(t, err)

	got, err := markets.DecodeRollout(strings.NewReader(string(in)))
	require.NoError(t, err)
	if d := cmp.Diff(r.Markets, got.Markets, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
		cmp.Comparer(func(a, b iorules.Date) bool { return a.Equal(b) })); d != "" {
		t.Errorf("markets (-want +got):\n%s", d)
	}
}
