package tpp

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestFromTOPS(t *testing.T) {
	cases := []struct {
		name string
		tops string
		bits int
		want string
	}{
		{"H100 SXM5 FP8 dense", "1979", 8, "15832"},
		{"H100 SXM5 BF16 dense", "989", 16, "15824"},
		{"threshold 3A090.a", "600", 8, "4800"},
		{"fractional TOPS", "66.9", 64, "4281.6"},
		{"zero", "0", 8, "0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FromTOPS(decimal.RequireFromString(tc.tops), tc.bits)
			require.NoError(t, err)
			require.True(t, got.Equal(decimal.RequireFromString(tc.want)), "got %s", got)
		})
	}
	_, err := FromTOPS(decimal.NewFromInt(-1), 8)
	require.Error(t, err)
	_, err = FromTOPS(decimal.NewFromInt(1), 0)
	require.Error(t, err)
}

func TestMax(t *testing.T) {
	_, err := Max()
	require.Error(t, err)
	_, err = Max(Throughput{TOPS: decimal.NewFromInt(1), BitLength: -8})
	require.Error(t, err)
	got, err := Max(Throughput{TOPS: decimal.NewFromInt(100), BitLength: 16}, Throughput{TOPS: decimal.NewFromInt(300), BitLength: 4})
	require.NoError(t, err)
	require.Equal(t, "1600", got.String(), "max of 1600 and 1200")
}

func TestPerformanceDensity(t *testing.T) {
	got, err := PerformanceDensity(decimal.NewFromInt(15832), decimal.NewFromInt(814))
	require.NoError(t, err)
	require.Equal(t, "19.449631", got.String(), "truncated at six places")
	// Just under 5.92 must not round up to it.
	got, err = PerformanceDensity(decimal.RequireFromString("5.9199999"), decimal.NewFromInt(1))
	require.NoError(t, err)
	require.True(t, got.LessThan(decimal.RequireFromString("5.92")), "got %s", got)
	_, err = PerformanceDensity(decimal.NewFromInt(1), decimal.Zero)
	require.Error(t, err)
	_, err = PerformanceDensity(decimal.NewFromInt(-1), decimal.NewFromInt(1))
	require.Error(t, err)
}
