package markets_test

import (
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/stretchr/testify/require"
)

// TestNilOptionsAreSkippedAndANilFileSystemIsAnError is the regression test
// of issue 17 (F13): a nil option used to panic.
func TestNilOptionsAreSkippedAndANilFileSystemIsAnError(t *testing.T) {
	engine, err := markets.New(nil)
	require.NoError(t, err)
	require.NotEmpty(t, engine.Markets())

	_, err = markets.New(markets.WithPolicies(nil))
	require.ErrorIs(t, err, markets.ErrNoPolicies)

	d, err := engine.Prequalify(sample(t), nil)
	require.NoError(t, err)
	require.NotEmpty(t, d.Verdict)
}

// TestInvalidShipmentGetsFieldErrorsBeforeTheMarket is the regression test
// of issue 17 (F13): an empty shipment used to be reported as an unknown
// market "" instead of getting its field errors.
func TestInvalidShipmentGetsFieldErrorsBeforeTheMarket(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	for name, call := range map[string]func() error{
		"Prequalify":       func() error { _, err := engine.Prequalify(iorules.Shipment{}); return err },
		"PrequalifyMarket": func() error { _, err := engine.PrequalifyMarket("XX", iorules.Shipment{}); return err },
		"PrequalifyAll":    func() error { _, err := engine.PrequalifyAll(iorules.Shipment{}); return err },
	} {
		t.Run(name, func(t *testing.T) {
			err := call()
			require.Error(t, err)
			var unknown *markets.UnknownMarketError
			require.NotErrorAs(t, err, &unknown)
			fields := iorules.FieldErrors(err)
			require.NotEmpty(t, fields)
			var paths []string
			for _, f := range fields {
				paths = append(paths, f.Path)
			}
			require.Contains(t, paths, "destination")
		})
	}
	// A valid shipment for a market without a policy is still an unknown market.
	_, err = engine.PrequalifyMarket("XX", sample(t))
	var unknown *markets.UnknownMarketError
	require.ErrorAs(t, err, &unknown)
}

// TestPolicyInfoCarriesTheDecisionsPolicyRef checks that what Engine.Policy
// describes is what every decision of the market cites.
func TestPolicyInfoCarriesTheDecisionsPolicyRef(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	s := sample(t)
	info, ok := engine.Policy(s.Destination)
	require.True(t, ok)
	d, err := engine.Prequalify(s)
	require.NoError(t, err)
	require.Equal(t, d.Policy, info.PolicyRef)
	require.NotEmpty(t, info.Rules)
	require.NotEmpty(t, info.Taxes)
	require.Equal(t, d.Currency, info.Currency)
}
