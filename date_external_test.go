package iorules_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/markets"
	"github.com/stretchr/testify/require"
)

// yearOne returns the valid sample shipment with the approval valid until
// approvalUntil and the importer's RADAR valid until radarUntil.
func yearOne(t *testing.T, approvalUntil, radarUntil string) iorules.Shipment {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "shipment_valid.json"))
	require.NoError(t, err)
	in := strings.Replace(string(b), `"valid_until": "2028-01-01"`, `"valid_until": "`+approvalUntil+`"`, 1)
	in = strings.Replace(in, `"level": "unlimited"`, `"level": "unlimited", "valid_until": "`+radarUntil+`"`, 1)
	s, err := iorules.DecodeShipment(bytes.NewReader([]byte(in)))
	require.NoError(t, err)
	return s
}

// TestYearOneExpires checks that an approval or a registration valid until
// 0001-01-01 has expired on any shipment date, instead of never expiring
// (issue 16, B2).
func TestYearOneExpires(t *testing.T) {
	s := yearOne(t, "0001-01-01", "0001-01-01")
	status, ref := approvals.LineStatus(s.Items[0], "br.anatel", s.Date)
	require.Equal(t, approvals.StatusExpired, status)
	require.Equal(t, "12345-21-01234", ref)

	engine, err := markets.New()
	require.NoError(t, err)
	rules := func(s iorules.Shipment) []string {
		d, err := engine.PrequalifyMarket("BR", s)
		require.NoError(t, err)
		var out []string
		for _, r := range d.Reasons {
			out = append(out, r.Rule)
		}
		return out
	}
	require.Contains(t, rules(s), "br.radar", "a RADAR valid until year 1 is not registered")
	require.NotContains(t, rules(yearOne(t, "2028-01-01", "2099-12-31")), "br.radar")
	status, _ = approvals.LineStatus(yearOne(t, "2028-01-01", "2099-12-31").Items[0], "br.anatel", s.Date)
	require.Equal(t, approvals.StatusHeld, status)
}
