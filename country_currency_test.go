package iorules

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCountryCurrency(t *testing.T) {
	tests := map[Country]Currency{
		"BR": "BRL", "TR": "TRY", "SA": "SAR", "VN": "VND", "EG": "EGP", "MY": "MYR",
		"PH": "PHP", "IN": "INR", "KZ": "KZT", "UZ": "UZS", "RS": "RSD", "US": "USD",
		"DE": "EUR", "FR": "EUR", "HR": "EUR", "BG": "EUR", "ME": "EUR", "MX": "MXN",
		"CN": "CNY", "JP": "JPY", "GB": "GBP", "CH": "CHF", "LI": "CHF", "EC": "USD",
		"SN": "XOF", "CM": "XAF", "NC": "XPF", "GL": "DKK", "PR": "USD",
		"AQ": "", "PS": "", "XX": "", "": "", "br": "",
	}
	for c, want := range tests {
		require.Equal(t, want, c.Currency(), "country %q", c)
	}
}

// TestCountryCurrencyComplete checks the table against the country and
// currency lists: every assigned country has a valid currency, except the
// two that have none, and the table names no unknown country.
func TestCountryCurrencyComplete(t *testing.T) {
	none := []Country{"AQ", "PS"}
	for _, code := range strings.Fields(iso3166) {
		c := Country(code)
		if slices.Contains(none, c) {
			require.Empty(t, c.Currency(), "country %s", c)
			continue
		}
		require.True(t, c.Currency().IsValid(), "country %s: currency %q", c, c.Currency())
	}
	for c := range countryCurrency {
		require.True(t, c.IsValid(), "table names unknown country %q", c)
	}
	require.Len(t, countryCurrency, len(strings.Fields(iso3166))-len(none))
}

func TestSubdivisionIsValid(t *testing.T) {
	for s, want := range map[Subdivision]bool{
		"BR-SP": true, "TR-34": true, "GB-ENG": true, "BR-": false, "SP": false, "br-sp": false,
		"BR-SPXX": false, "ZZ-01": false, "": false,
	} {
		require.Equal(t, want, s.IsValid(), "%q", s)
	}
}
