package exportctl

import (
	"cmp"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

// TestLineKeyCoversItem guards the line memo of lineOnce: every Item field
// is either part of lineKey or known not to be read by line evaluation. A
// new Item field fails this test until someone decides which it is.
func TestLineKeyCoversItem(t *testing.T) {
	inKey := map[string]bool{ // read by line evaluation: lineKey holds them (Line is renumbered)
		"Line": true, "ECCN": true, "Category": true, "HSCode": true,
		"CountryOfOrigin": true, "Encryption": true, "TPP": true,
	}
	notRead := map[string]bool{
		"SKU": true, "Model": true, "Description": true, "Quantity": true, "UnitValue": true,
		"NetWeightKg": true, "Condition": true, "Radio": true, "TariffExemption": true, "ApprovalsHeld": true,
		"PowerRatingKVA": true,
	}
	typ := reflect.TypeFor[iorules.Item]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		require.True(t, inKey[name] || notRead[name],
			"iorules.Item.%s is new: if export-control rules read it, add it to lineKey; otherwise list it here", name)
	}
}

// TestScoreBounds checks that scores stay within 0-100, that a name
// compared with itself scores 100, and that the length bound on token
// similarity never undercuts the real similarity.
func TestScoreBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	words := []string{"huawei", "huawie", "tech", "technologies", "rostec", "a", "ab", "star", "stars", "marine", "avia", "élan", "dalnyaya", "zhong", "zhongguancun"}
	pick := func() string {
		var b strings.Builder
		for range 1 + r.IntN(6) {
			b.WriteString(words[r.IntN(len(words))] + " ")
		}
		return b.String()
	}
	for range 5000 {
		p, l := normalizeName(pick()), normalizeName(pick())
		sc := compareNames(p, l)
		require.True(t, 0 <= sc.score && sc.score <= 100, "%v vs %v: %d", p.tokens, l.tokens, sc.score)
		if len(p.tokens) > 0 {
			require.Equal(t, 100, compareNames(p, p).score, "%v", p.tokens)
		}
		a, b := words[r.IntN(len(words))], words[r.IntN(len(words))]
		require.LessOrEqual(t, similarity(a, b), maxSimilarity(a, b), "%s vs %s", a, b)
	}
}

// TestParseECCNCanonical checks that parseECCN calls canonical only input
// that String prints back unchanged, which eccnLabel and classify reuse.
func TestParseECCNCanonical(t *testing.T) {
	for _, tc := range []struct {
		in        string
		canonical bool
	}{
		{"5A992.c", true}, {" 5A992.c ", true}, {"EAR99", true}, {"4A003.z.1.a", true}, {"5D002", true},
		{"5a992.c", false}, {"5A992c", false}, {"5A992.C", false}, {"ear99", false}, {"5A002a1", false}, {"4A003.z1a", false},
	} {
		e, canonical, err := parseECCN(tc.in)
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.canonical, canonical, tc.in)
		if canonical {
			require.Equal(t, strings.TrimSpace(tc.in), e.String(), tc.in)
		}
	}
}

func FuzzParseECCNCanonical(f *testing.F) {
	for _, s := range []string{"3A090.a", "5A002a1", "EAR99", "4A003.z.1.a", "5a992.C", " 9E999.z.99.z "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, canonical, err := parseECCN(s)
		if err == nil && canonical && e.String() != strings.TrimSpace(s) {
			t.Fatalf("%q is called canonical but prints %q", s, e)
		}
	})
}

// TestLikeLinesMatchLinesAlone checks the line memo against evaluation
// without it: each line of a shipment of many like lines gets the
// LineResult it gets alone (a one-line shipment is evaluated directly).
func TestLikeLinesMatchLinesAlone(t *testing.T) {
	shared := tpp("4800")
	kinds := []iorules.Item{
		withCrypto(line(0, iorules.CategoryServer, "84715010", "5A992.c", "CN"), true),
		withCrypto(line(0, iorules.CategorySwitch, "85176259", "", "MX"), true),
		withCrypto(line(0, iorules.CategoryFirewall, "85176259", "", "US"), false),
		line(0, iorules.CategoryUPS, "85044040", "", "VN"),
		line(0, iorules.CategoryCableCopper, "85444200", "ear99", "TW"),
		line(0, iorules.CategoryStorage, "84717012", "5a002A1", "US"),
		line(0, iorules.CategoryOther, "85423100", "3A001.a.1", "DE"),
		line(0, iorules.CategoryOther, "84715010", "not an eccn", "CN"),
		withTPP(line(0, iorules.CategoryGPUAccelerator, "85423100", "3A090.a", "TW"), "15832"),
		{Category: iorules.CategoryGPUServer, HSCode: "84715010", ECCN: "4A090.b", CountryOfOrigin: "US", TPP: shared},
		{Category: iorules.CategoryGPUServer, HSCode: "84715010", ECCN: "4A090.b", CountryOfOrigin: "US", TPP: shared},
		line(0, iorules.CategoryGPUAccelerator, "85423100", "", "KR"),
	}
	// Variants of two items that differ in a single field of lineKey each.
	server := line(0, iorules.CategoryServer, "85044040", "", "CN")
	for _, vary := range []func(*iorules.Item){
		func(it *iorules.Item) { it.Category = iorules.CategoryGPUAccelerator },
		func(it *iorules.Item) { it.HSCode = "85423100" },
		func(it *iorules.Item) { it.Encryption = iorules.Encryption{Present: true} },
	} {
		it := server
		vary(&it)
		kinds = append(kinds, server, it)
	}
	base := withTPP(line(0, iorules.CategoryGPUAccelerator, "85423100", "3A090.b", "TW"), "4000")
	for _, vary := range []func(*iorules.Item){
		func(it *iorules.Item) { it.ECCN = "5A992.c" },
		func(it *iorules.Item) { it.Category = iorules.CategoryGPUServer },
		func(it *iorules.Item) { it.HSCode = "84715010" },
		func(it *iorules.Item) { it.CountryOfOrigin = "US" },
		func(it *iorules.Item) { it.Encryption = iorules.Encryption{Present: true} },
		func(it *iorules.Item) { it.TPP = tpp("1000") },
		func(it *iorules.Item) { it.TPP = nil },
	} {
		it := base
		vary(&it)
		kinds = append(kinds, base, it)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, route := range [][2]iorules.Country{{"US", "BR"}, {"US", "CN"}, {"US", "AE"}, {"DE", "AE"}, {"GB", "IN"}, {"JP", "MY"}, {"JP", "RU"}, {"US", "UA"}} {
		var items []iorules.Item
		for n := 1; n <= 40; n++ {
			it := kinds[r.IntN(len(kinds))]
			it.Line = n
			items = append(items, it)
		}
		many := Screen(ship(route[0], route[1], items, endUserHQ("")), Options{})
		require.Len(t, many.Lines, len(items))
		for i, it := range items {
			alone := Screen(ship(route[0], route[1], []iorules.Item{it}, endUserHQ("")), Options{})
			require.Equal(t, alone.Lines[0], many.Lines[i], "%s→%s line %d (%s)", route[0], route[1], it.Line, it.ECCN)
			require.Equal(t, reasonsOfLine(alone.Reasons, it.Line), reasonsOfLine(many.Reasons, it.Line),
				"%s→%s line %d (%s)", route[0], route[1], it.Line, it.ECCN)
		}
	}
}

// reasonsOfLine returns the reasons that name line n, without their lines
// and in an order that does not depend on the other lines.
func reasonsOfLine(rs []iorules.Reason, n int) []iorules.Reason {
	var out []iorules.Reason
	for _, r := range rs {
		if slices.Contains(r.Lines, n) {
			r.Lines = nil
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b iorules.Reason) int {
		return cmp.Or(strings.Compare(a.Code, b.Code), strings.Compare(a.Rule, b.Rule), strings.Compare(a.Message, b.Message),
			strings.Compare(a.Source, b.Source), strings.Compare(a.Unblock, b.Unblock), strings.Compare(string(a.Severity), string(b.Severity)))
	})
	return out
}
