package markets_test

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/markets/policytest"
	"github.com/stretchr/testify/require"
)

// TestLoweringChangesNothing checks that evaluating the expressions the
// engine lowers to Go gives, byte for byte, the decision (with its
// explanation) of interpreting every expression with CEL: on every case
// of every embedded policy, and on random shipments of every market,
// including shipments that cannot be valued and lines without weights.
func TestLoweringChangesNothing(t *testing.T) {
	lowered, err := markets.New()
	require.NoError(t, err)
	interpreted, err := markets.New(markets.WithoutLowering())
	require.NoError(t, err)
	same := func(t *testing.T, want, got markets.Decision) {
		t.Helper()
		requireSameDecision(t, want, got, "lowered decision differs (-interpreted +lowered)")
	}
	t.Run("cases", func(t *testing.T) {
		fsys := markets.Embedded()
		files, err := policytest.CaseFiles(lowered, fsys)
		require.NoError(t, err)
		require.NotEmpty(t, files)
		for _, cf := range files {
			src, err := fs.ReadFile(fsys, cf.Name)
			require.NoError(t, err)
			suite, err := policytest.ParseSuite(src)
			require.NoError(t, err)
			for _, opts := range [][]markets.EvalOption{nil, {markets.WithExplanation()}} {
				want := suite.Run(interpreted, cf.Market, opts...)
				got := suite.Run(lowered, cf.Market, opts...)
				require.Len(t, got, len(want))
				for i := range want {
					t.Run(fmt.Sprintf("%s/%s/explain=%v", cf.Stem(), want[i].Case, opts != nil), func(t *testing.T) {
						require.Equal(t, want[i].Err, got[i].Err)
						same(t, want[i].Decision, got[i].Decision)
					})
				}
			}
		}
	})
	t.Run("random", func(t *testing.T) {
		r := rand.New(rand.NewPCG(17, 2027))
		all := lowered.Markets()
		for mi, m := range all {
			for n := range 30 {
				s := policytest.SampleShipment(m, 1+r.IntN(12))
				randomLines(r, &s)
				market := m
				switch n % 5 {
				case 1: // evaluated for another market, into whose currency
					// the shipment gives no rate: money is a missing fact
					market = all[(mi+1)%len(all)]
				case 2: // a line without a net weight
					s.Items[0].NetWeightKg = nil
				case 3: // the next year's law
					s.Date = iorules.MustParseDate("2027-03-01")
				}
				require.NoError(t, s.Validate())
				var opts []markets.EvalOption
				if n%2 == 0 {
					opts = append(opts, markets.WithExplanation())
				}
				want, err := interpreted.PrequalifyMarket(market, s, opts...)
				require.NoError(t, err)
				got, err := lowered.PrequalifyMarket(market, s, opts...)
				require.NoError(t, err)
				t.Run(fmt.Sprintf("%s/%d", m, n), func(t *testing.T) { same(t, want, got) })
			}
		}
	})
}
