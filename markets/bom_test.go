package markets_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// bomIncomplete lists the markets whose policy does not yet rate every line
// of the data-centre bill of materials in testdata/bom (issue 18). A market
// listed here must still be incomplete, so the list cannot go stale: remove
// a market once its policy rates every line.
var bomIncomplete = map[iorules.Country]bool{
	"IN": true, "MY": true, "PH": true,
	"RS": true, "TR": true, "UZ": true,
}

// TestBillOfMaterialsEveryTaxComputed evaluates the same twenty-line
// data-centre bill of materials (servers, storage, GPU cards, switches,
// transceivers, an aerial, a UPS, a lithium-ion battery cabinet, copper and
// fibre cables, SSDs, a rack, PDUs, cooling, a monitor and a KVM console),
// declared under each market's national tariff lines, in every market, on
// both sides of 1 January 2027: every tax must be computed for every line,
// so the total is a total and not a lower bound.
func TestBillOfMaterialsEveryTaxComputed(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	for _, market := range engine.Markets() {
		for _, date := range []string{"2026-12-01", "2027-03-01"} {
			t.Run(string(market)+"/"+date, func(t *testing.T) {
				s := bomShipment(t, market)
				s.Date = iorules.MustParseDate(date)
				d, err := engine.Prequalify(s)
				require.NoError(t, err)
				if bomIncomplete[market] {
					require.NotEmpty(t, d.NotComputed, "%s rates every line now: remove it from bomIncomplete", market)
					return
				}
				require.Empty(t, d.NotComputed)
				require.NotNil(t, d.TotalTaxes)
				require.Nil(t, d.PartialTotalTaxes)
				require.NotEmpty(t, d.Taxes)
				for _, tax := range d.Taxes {
					require.False(t, tax.Partial, "%s is partial", tax.ID)
				}
			})
		}
	}
}

// bomShipment decodes the bill of materials declared for market.
func bomShipment(t *testing.T, market iorules.Country) iorules.Shipment {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "bom", strings.ToLower(string(market))+".json"))
	require.NoError(t, err)
	defer f.Close()
	s, err := iorules.DecodeShipment(f)
	require.NoError(t, err)
	require.Equal(t, market, s.Destination)
	return s
}

// TestBillOfMaterialsCallerRowsFillEveryGap is the uncommon case of issue
// 18 made answerable by the caller: in every market whose policy leaves a
// bill-of-materials line unrated, the decision names each missing row
// (NotComputed.Missing: table, key, date), and rows the caller supplies for
// exactly those (here a test figure standing for a broker's confirmed rate)
// complete the answer: every tax computed, each figure from a caller row
// cited as such.
func TestBillOfMaterialsCallerRowsFillEveryGap(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	for _, market := range engine.Markets() {
		if !bomIncomplete[market] {
			continue
		}
		t.Run(string(market), func(t *testing.T) {
			s := bomShipment(t, market)
			tables := markets.Tables{market: {}}
			filled := engine
			var d markets.Decision
			for round := 0; ; round++ {
				d, err = filled.Prequalify(s)
				require.NoError(t, err)
				if len(d.NotComputed) == 0 {
					break
				}
				require.Less(t, round, 4, "the caller's rows never complete the answer: %+v", d.NotComputed)
				for _, nc := range d.NotComputed {
					require.NotNil(t, nc.Missing, "%s on lines %v is not missing a table row: %s", nc.Tax, nc.Lines, nc.Message)
					m := nc.Missing
					require.Equal(t, s.Date, m.Date)
					rows := tables[market][m.Table]
					if slices.ContainsFunc(rows, func(r markets.TableRow) bool { return r.Key == m.Key }) {
						continue
					}
					tables[market][m.Table] = append(rows, markets.TableRow{
						Key: m.Key, Value: decimal.RequireFromString("0.05"),
						Source:        "Binding tariff information TEST-" + string(market) + "-" + m.Key + " (a test figure, not a rate)",
						Confidence:    iorules.ConfidenceConfirmed,
						EffectiveFrom: iorules.MustParseDate("2026-01-01"), EffectiveTo: iorules.MustParseDate("2027-12-31"),
					})
				}
				filled, err = markets.New(markets.WithTables(tables))
				require.NoError(t, err)
			}
			require.NotNil(t, d.TotalTaxes)
			require.Nil(t, d.PartialTotalTaxes)
			require.True(t, slices.ContainsFunc(d.Reasons, func(r iorules.Reason) bool { return r.Code == markets.CodeCallerRate }),
				"a figure from a caller's row must say so")
		})
	}
}
