package policy

import (
	"testing"

	"github.com/iorules/iorules/internal/exact"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestSplitMatchesAllocate holds Split, which splits taxes over groups and
// lines on exact.Dec without converting, to valuation.Allocate: the same
// shares (coefficient and exponent) and, for inputs Allocate refuses, its
// error.
func TestSplitMatchesAllocate(t *testing.T) {
	tests := []struct {
		name    string
		total   string
		weights []string
		places  int32
	}{
		{"pro rata", "100.00", []string{"1", "2", "3"}, 2},
		{"remainders to the largest", "10.00", []string{"1", "1", "1"}, 2},
		{"zero weights split equally", "100.00", []string{"0", "0", "0"}, 2},
		{"negative total", "-7.01", []string{"3.5", "1.25", "0"}, 2},
		{"one weight", "12.34", []string{"5"}, 2},
		{"total without places", "100", []string{"1", "3"}, 2},
		{"zero total", "0.00", []string{"1", "3"}, 2},
		{"large", "123456789012345678.91", []string{"98765432109876543.21", "1.5"}, 2},
		{"refused: too many places", "1.005", []string{"1", "1"}, 2},
		{"refused: negative weight", "1.00", []string{"1", "-1"}, 2},
		{"refused: negative places", "1", []string{"1", "1"}, -1},
		{"refused: no weights", "1.00", nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			total := decimal.RequireFromString(tt.total)
			ws := make([]decimal.Decimal, len(tt.weights))
			xs := make([]exact.Dec, len(tt.weights))
			for i, w := range tt.weights {
				ws[i] = decimal.RequireFromString(w)
				xs[i] = exact.FromDecimal(ws[i])
			}
			want, wantErr := valuation.Allocate(total, ws, tt.places)
			got, err := Split(exact.FromDecimal(total), xs, tt.places, make([]exact.Dec, len(xs)))
			if wantErr != nil {
				require.EqualError(t, err, wantErr.Error())
				return
			}
			require.NoError(t, err)
			require.Len(t, got, len(want))
			for i := range want {
				g := got[i].Decimal()
				require.True(t, want[i].Equal(g) && want[i].Exponent() == g.Exponent(), "share %d: got %s, want %s", i, g, want[i])
			}
		})
	}
}
