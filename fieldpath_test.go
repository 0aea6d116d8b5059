package iorules

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestFieldPathDeep checks a path deeper than the segments a fieldPath
// holds inline: it renders, compares and nests like a shallow one, and
// extending it leaves the paths it was extended from as they were.
func TestFieldPathDeep(t *testing.T) {
	var root fieldPath
	base := root.field("a").at(1).field("b").at(2).field("c").at(3) // inlinePathSegs segments
	require.Equal(t, inlinePathSegs, base.n)
	x := base.field("x").at(4)
	y := base.field("y").at(5)
	xx := x.field("deeper")
	require.Equal(t, "a[1].b[2].c[3]", base.String())
	require.Equal(t, "a[1].b[2].c[3].x[4]", x.String())
	require.Equal(t, "a[1].b[2].c[3].y[5]", y.String())
	require.Equal(t, "a[1].b[2].c[3].x[4].deeper", xx.String())
	require.Equal(t, `a[1].b[2].c[3].x[4]["odd key"]`, x.key("odd key").String())
	require.True(t, xx.hasPrefix(&x))
	require.True(t, xx.hasPrefix(&base))
	require.False(t, xx.hasPrefix(&y))
	require.False(t, base.hasPrefix(&x))
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

// TestIdentifierMatchers compares the hand-written matchers with the
// regular expressions they stand for, on random strings near their shape.
func TestIdentifierMatchers(t *testing.T) {
	scheme := regexp.MustCompile(`^[a-z]{2}\.[a-z0-9_]+$`)
	r := rand.New(rand.NewPCG(4, 4))
	const alphabet = "abyzABYZ019_.-\n é"
	randomString := func() string {
		var b strings.Builder
		for range r.IntN(9) {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	tests := []string{"", "br.radar", "br.", "b.radar", "br.radar\n", "BR-SP", "BR-", "BR-SPX", "BR-SPXY", "br-sp",
		"BR-1", "BR.SP", "xx.a_1", "xx.A"}
	for range 50_000 {
		tests = append(tests, randomString())
	}
	for _, s := range tests {
		require.Equal(t, scheme.MatchString(s), isSchemeID(s), "%q", s)
		require.Equal(t, subdivisionForm.MatchString(s), isSubdivisionForm(s), "%q", s)
	}
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
// shipment longer than the line index Validate keeps on the stack.
func TestValidateLongShipment(t *testing.T) {
	s := goShipment()
	for i := 2; len(s.Items) < 3*smallShipment; i++ {
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

// TestLineIndex checks the line index against a linear search.
func TestLineIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	for range 2000 {
		items := make([]Item, r.IntN(3*smallShipment))
		for i := range items {
			items[i].Line = r.IntN(len(items)+2) - 1
		}
		index := indexLines(nil, items)
		for line := -1; line <= len(items)+2; line++ {
			want := slices.IndexFunc(items, func(it Item) bool { return it.Line == line && line > 0 })
			got, ok := index.first(line)
			require.Equal(t, want >= 0, ok, fmt.Sprint(line))
			if ok {
				require.Equal(t, want, got, fmt.Sprint(line))
			}
		}
	}
}
