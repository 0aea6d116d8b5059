package policytest

import (
	"slices"
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/stretchr/testify/require"
)

// TestTaxListedAtZeroIsNotExercised is the regression test of the
// coverage blind spot of the engine review (F14): Brazil's AFRMM applies
// only to sea freight, so on an air shipment it is listed at zero; a case
// on that shipment must not count it as exercised.
func TestTaxListedAtZeroIsNotExercised(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	s := SampleShipment("BR", 2)
	s.TransportMode = iorules.TransportAir
	d, err := engine.Prequalify(s, markets.WithExplanation())
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(d.Taxes, func(tx markets.Tax) bool { return tx.ID == "br.afrmm" && tx.Amount.IsZero() }),
		"the sample no longer lists br.afrmm at zero: pick another tax whose condition does not hold")
	seen := map[string]bool{}
	exercised(seen, d)
	require.False(t, seen["br.afrmm"], "a tax whose condition held nowhere counts as exercised")
	require.True(t, seen["br.ii"])
}
