package iorules

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestFieldPathDeep checks that paths render, compare and nest at any
// depth, and that extending a path leaves the paths it was extended from
// as they were.
func TestFieldPathDeep(t *testing.T) {
	var root fieldPath
	base := root.field("a").at(1).field("b").at(2).field("c").at(3)
	require.Len(t, base, 6)
	x := base.field("x").at(4)
	y := base.field("y").at(5)
	xx := x.field("deeper")
	require.Equal(t, "a[1].b[2].c[3]", base.String())
	require.Equal(t, "a[1].b[2].c[3].x[4]", x.String())
	require.Equal(t, "a[1].b[2].c[3].y[5]", y.String())
	require.Equal(t, "a[1].b[2].c[3].x[4].deeper", xx.String())
	require.Equal(t, `a[1].b[2].c[3].x[4]["odd key"]`, x.key("odd key").String())
	require.True(t, xx.hasPrefix(x))
	require.True(t, xx.hasPrefix(base))
	require.False(t, xx.hasPrefix(y))
	require.False(t, base.hasPrefix(x))
	require.Equal(t, -1, comparePaths(x, y))
	require.Equal(t, -1, comparePaths(x, xx))
	require.Equal(t, 1, comparePaths(y, xx))
	require.Equal(t, 0, comparePaths(xx, x.field("deeper")))

	leafParent := x
	require.Equal(t, "a[1].b[2].c[3].x[4].z", leafParent.leaf("z").path().String())
	require.Equal(t, "a[1].b[2].c[3].x[4][7]", leafParent.leafAt(7).path().String())
	require.Equal(t, "items[3].id", root.field("items").at(3).field("id").String())
}

// TestProblemsWithout checks that a problem at or inside a covered path is
// dropped and others are kept.
func TestProblemsWithout(t *testing.T) {
	var root fieldPath
	items := root.field("items")
	var p problems
	p.add(items.at(0).field("unit_value"), "a")
	p.add(items.at(1).field("unit_value"), "b")
	p.add(root.field("id"), "c")
	p.add(items.at(10).field("line"), "d")
	p.without([]problem{{path: items.at(1)}, {path: root.field("id")}})
	var got []string
	for _, x := range p.list {
		got = append(got, x.path.String()+": "+x.msg)
	}
	require.Equal(t, []string{"items[0].unit_value: a", "items[10].line: d"}, got)
}

// TestComparePositive compares comparePositive with decimal's Cmp on
// positive decimals of every size and exponent, and checks that it defers
// to Cmp beyond 18 digits.
func TestComparePositive(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	positive := func() decimal.Decimal {
		digits := make([]byte, 1+r.IntN(20))
		for i := range digits {
			digits[i] = byte('0' + r.IntN(10))
		}
		digits[0] = byte('1' + r.IntN(9))
		if r.IntN(4) == 0 { // trailing zeros: equal values written differently
			digits = append(digits, "000"...)
		}
		c, ok := new(big.Int).SetString(string(digits), 10)
		require.True(t, ok)
		return decimal.NewFromBigInt(c, int32(r.IntN(50))-25)
	}
	compared := 0
	for range 100_000 {
		a, b := positive(), positive()
		if r.IntN(5) == 0 {
			b = a.Round(int32(r.IntN(30)) - 10) // close values
			if b.Sign() <= 0 {
				continue
			}
		}
		got, ok := comparePositive(a, b)
		if !ok {
			require.True(t, a.NumDigits() > 18 || b.NumDigits() > 18)
			continue
		}
		compared++
		require.Equal(t, a.Cmp(b), got, "%s vs %s", a, b)
	}
	require.Greater(t, compared, 10_000)
	for _, limit := range []decimal.Decimal{maxMoney, maxWeight, maxRate} {
		require.True(t, tooLarge(limit, limit))
		require.False(t, tooLarge(limit.Sub(decimal.New(1, -30)), limit))
		require.True(t, tooLarge(limit.Add(decimal.New(1, -30)), limit))
	}
}

// TestValidateLongShipment checks duplicate lines and document lines in a
// shipment of a hundred lines.
func TestValidateLongShipment(t *testing.T) {
	s := goShipment()
	for i := 2; len(s.Items) < 100; i++ {
		it := s.Items[1]
		it.Line = i + 1
		s.Items = append(s.Items, it)
	}
	require.NoError(t, s.Validate())

	s.Items[50].Line = 7
	s.Items[80].Line = 7
	s.Items[90].Line = 0
	s.Documents = []Document{{Type: DocumentCertificate, Lines: []int{7, 91, 51, 95, 7}}}
	want := []string{
		"items[50].line: duplicate line number 7 (also items[6].line)",
		"items[80].line: duplicate line number 7 (also items[6].line)",
		"items[90].line: must be greater than 0",
		"documents[0].lines[1]: no item has line 91",
		"documents[0].lines[2]: no item has line 51",
		"documents[0].lines[4]: duplicate line 7",
	}
	require.Equal(t, want, lines(t, s.Validate()))
}
