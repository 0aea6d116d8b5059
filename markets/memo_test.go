package markets_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/markets/policytest"
	"github.com/stretchr/testify/require"
)

// requireSameDecision fails t unless want and got encode to the same
// JSON, byte for byte, showing the difference under title.
func requireSameDecision(t *testing.T, want, got markets.Decision, title string) {
	t.Helper()
	a, err := json.Marshal(want)
	require.NoError(t, err)
	b, err := json.Marshal(got)
	require.NoError(t, err)
	if string(a) != string(b) {
		t.Fatalf("%s:\n%s", title, cmp.Diff(string(a), string(b)))
	}
}

// randomLines gives the items of s values drawn from small pools, so that
// lines repeat some fields and differ in others: the case where an
// item-scope condition is answered once per class of lines.
func randomLines(r *rand.Rand, s *iorules.Shipment) {
	kinds := []struct {
		code     iorules.HSCode
		category iorules.Category
	}{
		{"84715010", iorules.CategoryServer}, {"847150", iorules.CategoryServer}, {"84714900", iorules.CategoryServer},
		{"85176259", iorules.CategorySwitch}, {"85176290", iorules.CategoryWirelessAccessPoint},
		{"85044040", iorules.CategoryUPS}, {"85444200", iorules.CategoryCableCopper},
		{"84733050", iorules.CategoryGPUAccelerator}, {"85177900", iorules.CategoryTransceiver},
		{"85171300", iorules.CategoryMobilePhone}, {"84713012", iorules.CategoryLaptop},
		{"84159000", iorules.CategoryCooling}, {"85369090", iorules.CategoryPDU},
	}
	conditions := []iorules.Condition{iorules.ConditionNew, iorules.ConditionNew, iorules.ConditionRefurbished, iorules.ConditionUsed}
	origins := []iorules.Country{"CN", "MX", "TW", "US", "VN"}
	radios := [][]iorules.Radio{nil, nil, {iorules.RadioWiFi}, {iorules.RadioWiFi, iorules.RadioBluetooth}, {iorules.RadioCellular}}
	eccns := []string{"5A992.c", "5A002.a", "4A994.l", "EAR99", "3A090.a", ""}
	for i := range s.Items {
		it := &s.Items[i]
		k := kinds[r.IntN(len(kinds))]
		it.HSCode, it.Category = k.code, k.category
		it.Condition = conditions[r.IntN(len(conditions))]
		it.CountryOfOrigin = origins[r.IntN(len(origins))]
		it.Radio = radios[r.IntN(len(radios))]
		it.ECCN = eccns[r.IntN(len(eccns))]
		present := r.IntN(3) > 0
		it.Encryption = iorules.Encryption{Present: present, MassMarket: present && r.IntN(2) == 0}
		it.Model = []string{"", "M-1", "M-2"}[r.IntN(3)]
		if r.IntN(3) == 0 {
			// Held, expired or for other models: held() must tell them apart.
			h := iorules.HeldApproval{ID: strings.ToLower(string(s.Destination)) + "." + []string{"anatel", "inmetro", "btk", "cst"}[r.IntN(4)], Reference: "CERT-1"}
			switch r.IntN(3) {
			case 0:
				h.ValidUntil = iorules.MustParseDate("2026-01-31")
			case 1:
				h.Models = []string{"M-1"}
			}
			it.ApprovalsHeld = []iorules.HeldApproval{h}
		}
	}
}

// twinLines follows every line with a twin that differs from it only in
// the approvals held: the line holds one of ids, valid, and its twin holds
// it expired, for other models, or not at all. Lines alike in every other
// field must still be told apart where a condition asks held().
func twinLines(r *rand.Rand, s *iorules.Shipment, ids []string) {
	if len(ids) == 0 {
		return
	}
	var items []iorules.Item
	for i, it := range s.Items {
		it.Model = "M-1"
		it.ApprovalsHeld = []iorules.HeldApproval{{ID: ids[r.IntN(len(ids))], Reference: "CERT-1"}}
		twin := it
		h := it.ApprovalsHeld[0]
		switch i % 3 {
		case 0:
			h.ValidUntil = iorules.MustParseDate("2026-01-31")
			twin.ApprovalsHeld = []iorules.HeldApproval{h}
		case 1:
			h.Models = []string{"OTHER"}
			twin.ApprovalsHeld = []iorules.HeldApproval{h}
		default:
			twin.ApprovalsHeld = nil
		}
		items = append(items, it, twin)
	}
	for i := range items {
		items[i].Line = i + 1
	}
	s.Items = items
}

// TestRuleMemoChangesNothing checks that answering an item-scope condition
// once per class of lines gives byte for byte the decision of evaluating
// it on every line, on every market.
func TestRuleMemoChangesNothing(t *testing.T) {
	memo, err := markets.New()
	require.NoError(t, err)
	plain, err := markets.New(markets.WithoutRuleMemo())
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(11, 25))
	for _, m := range memo.Markets() {
		for n := range 40 {
			t.Run(fmt.Sprintf("%s/%d", m, n), func(t *testing.T) {
				s := policytest.SampleShipment(m, 1+r.IntN(16))
				randomLines(r, &s)
				if n%2 == 1 {
					// Twin the lines on the approvals the market asks of them.
					d, err := plain.Prequalify(s)
					require.NoError(t, err)
					var ids []string
					for _, a := range d.Approvals {
						ids = append(ids, a.ID)
					}
					twinLines(r, &s, ids)
				}
				if err := s.Validate(); err != nil {
					t.Fatalf("generated an invalid shipment: %v", err)
				}
				want, err := plain.Prequalify(s)
				require.NoError(t, err)
				got, err := memo.Prequalify(s)
				require.NoError(t, err)
				requireSameDecision(t, want, got, "memoized decision differs (-plain +memo)")
			})
		}
	}
}

// TestRuleMemoAdversarialConditions checks conditions written to defeat
// the reuse of answers per class of lines: each is added to a small policy
// and evaluated, with and without reuse, on a shipment whose lines come in
// identical pairs (equal in every field but the line number).
func TestRuleMemoAdversarialConditions(t *testing.T) {
	conditions := map[string]string{
		"record compared whole":    `item.encryption in [shipment.items[0].encryption]`,
		"record field":             `item.encryption.present && item.category == "server"`,
		"item compared whole":      `item in [shipment.items[0]]`,
		"item through dyn":         `dyn(item).line == 1`,
		"line number":              `item.line % 2 == 0`,
		"line values":              `line.quantity > 2`,
		"shadowing comprehension":  `[1, 2].exists(item, item == 2) && item.category == "switch"`,
		"comprehension on a field": `item.radio.exists(item, item == "wifi") || item.line == 3`,
		"presence test":            `has(item.eccn) && item.hs4 == "8471"`,
		"held":                     `!held("tr.tareks") && item.category == "switch"`,
		"document naming lines":    `has_document("certificate_of_origin")`,
		"document naming none":     `has_document("commercial_invoice") && item.line > 0`,
	}
	s := sample(t)
	var items []iorules.Item
	for _, it := range s.Items {
		for range 2 {
			it.Line = len(items) + 1
			items = append(items, it)
		}
	}
	s.Items = items
	s.Items[3].ApprovalsHeld = []iorules.HeldApproval{{ID: "tr.tareks", Reference: "T-1"}}
	// A certificate naming one line of each of two twin pairs.
	s.Documents = append(s.Documents, iorules.Document{Type: iorules.DocumentCertificateOfOrigin, Reference: "CO-1", Lines: []int{2, 3}})
	for name, cond := range conditions {
		t.Run(name, func(t *testing.T) {
			rule := fmt.Sprintf("rules:\n  - {id: tr.probe, kind: info, when: '%s', message: probe, source: test, confidence: confirmed}\n", cond)
			src := strings.Replace(miniPolicy(t), "rules:\n", rule, 1)
			fsys := fstest.MapFS{"zz.yaml": {Data: []byte(src)}}
			memo, err := markets.New(markets.WithPolicies(fsys))
			require.NoError(t, err)
			plain, err := markets.New(markets.WithPolicies(fsys), markets.WithoutRuleMemo())
			require.NoError(t, err)
			want, err := plain.Prequalify(s)
			require.NoError(t, err)
			got, err := memo.Prequalify(s)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(want, got), "the reuse changed the decision")
		})
	}
}
