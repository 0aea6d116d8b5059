package valuation

import (
	"strings"
	"testing"

	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

// TestImplausibleRates is the regression test of issue 16 B15: a rate that
// zeroes a line's customs value, or that is far from any rate the pair has
// had (inverted, a misplaced decimal point), is a condition showing the
// figures, never a silent clear.
func TestImplausibleRates(t *testing.T) {
	ch := charges("0", "400", "0", "0", "0")
	tests := []struct {
		name  string
		rate  string
		codes []string
		has   string
	}{
		{name: "ordinary rate", rate: "5.3870"},
		{name: "within the band", rate: "7.10"},
		{name: "a rate that zeroes every amount", rate: "0.000000000001",
			codes: []string{"customs_value_zero", "customs_value_zero", "exchange_rate_implausible"}, has: "rounds to BRL 0"},
		{name: "inverted", rate: "0.1856", codes: []string{"exchange_rate_implausible"}, has: "the rate looks inverted"},
		{name: "decimal point misplaced", rate: "53870", codes: []string{"exchange_rate_implausible"}, has: "plausible range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := shipment("BR", "USD", tt.rate, iorules.CIF, ch, line{4, "100000.00"}, line{1, "40400.00"})
			v, err := Value(s, CIF, "BRL")
			require.NoError(t, err)
			var codes []string
			var text string
			for _, r := range v.Reasons {
				codes = append(codes, r.Code)
				require.Equal(t, iorules.SeverityCondition, r.Severity)
				require.NotEmpty(t, r.Unblock)
				text += r.Message
			}
			require.Equal(t, tt.codes, codes)
			require.Contains(t, text, tt.has)
		})
	}
}

// TestRateBandsLoad checks the embedded plausibility data.
func TestRateBandsLoad(t *testing.T) {
	b, err := loadBands()
	require.NoError(t, err)
	for _, c := range []string{"USD", "EUR", "BRL", "TRY", "SAR", "EGP", "RSD", "VND", "MYR", "PHP", "INR", "KZT", "UZS"} {
		require.Contains(t, b.UnitsPerUSD, c)
	}
	require.Equal(t, iorules.ConfidenceUnconfirmed, b.Confidence)
	require.Equal(t, "2026-11-25", b.AsOf.String())
}

// TestRateBandsRejected checks that the plausibility data is checked as it
// loads: its confidence and date are typed, and each is required.
func TestRateBandsRejected(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown confidence", "confidence: unconfirmed", "confidence: likely", `confidence: want confirmed or unconfirmed, not "likely"`},
		{"no confidence", "confidence: unconfirmed\n", "", "confidence: required (confirmed or unconfirmed)"},
		{"bad date", "as_of: 2026-11-25", "as_of: 2026-11-31", `invalid date "2026-11-31"`},
		{"no date", "as_of: 2026-11-25\n", "", "as_of: required"},
		{"tolerance too small", `tolerance: "4"`, `tolerance: "1"`, "tolerance: want a factor above 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, string(ratesYAML), tt.old)
			_, err := parseBands([]byte(strings.Replace(string(ratesYAML), tt.old, tt.new, 1)))
			require.ErrorContains(t, err, tt.want)
		})
	}
}
