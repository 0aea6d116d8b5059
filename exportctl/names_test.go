package exportctl

import (
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

// namePair is one labelled pair: a party's name as written, a listed name,
// and whether they are the same party.
type namePair struct {
	party, listed string
	match         bool
	group         string // category or schema, for the breakdown
}

// readNamePairs reads a CSV with a header naming at least name1, name2 and
// is_match (true/false); group names the column to break the figures down
// by. Lines starting with # are comments.
func readNamePairs(t testing.TB, path, group string) []namePair {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, rows, "no header")
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"name1", "name2", "is_match", group} {
		require.Contains(t, col, h, "%s has no %s column", path, h)
	}
	var out []namePair
	for n, row := range rows[1:] {
		m := strings.ToLower(strings.TrimSpace(row[col["is_match"]]))
		require.True(t, m == "true" || m == "false", "%s row %d: is_match %q", path, n+2, m)
		out = append(out, namePair{party: row[col["name1"]], listed: row[col["name2"]], match: m == "true", group: row[col[group]]})
	}
	return out
}

// confusion counts a labelled run.
type confusion struct{ tp, fp, fn, tn int }

func (c *confusion) add(want, got bool) {
	switch {
	case want && got:
		c.tp++
	case want:
		c.fn++
	case got:
		c.fp++
	default:
		c.tn++
	}
}

func (c confusion) String() string {
	ratio := func(a, b int) string {
		if b == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.3f", float64(a)/float64(b))
	}
	return fmt.Sprintf("precision %s, recall %s (tp %d, fp %d, fn %d, tn %d)",
		ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn), c.tp, c.fp, c.fn, c.tn)
}

// pairScore is the score screening gives a party against a listed name.
func pairScore(p namePair) scored {
	return compareNames(normalizeName(p.party), normalizeName(p.listed))
}

// TestNamePairsLabelled measures screening on the project's own labelled
// pairs (testdata/names/screening_pairs.csv: the attacks of issue 16 B1 and
// true negatives). Every pair must come out as labelled.
func TestNamePairsLabelled(t *testing.T) {
	pairs := readNamePairs(t, "testdata/names/screening_pairs.csv", "category")
	var all confusion
	var wrong []string
	for _, p := range pairs {
		sc := pairScore(p)
		got := sc.score >= DefaultThreshold
		all.add(p.match, got)
		if got != p.match {
			wrong = append(wrong, fmt.Sprintf("%q vs %q: want match %v, score %d (%s)", p.party, p.listed, p.match, sc.score, sc.rule))
		}
	}
	t.Logf("own labelled pairs (%d): %s", len(pairs), all)
	require.Empty(t, wrong)
}

// TestNameBenchmark measures precision and recall on an external labelled
// set of name pairs, such as OpenSanctions' name-matching benchmark
// (nomenklatura contrib/name_bench/cases.csv), whose path is given in
// IORULES_NAME_BENCH. The data is not part of the repository; see
// BENCHMARKS.md for the version measured and the figures.
func TestNameBenchmark(t *testing.T) {
	path := os.Getenv("IORULES_NAME_BENCH")
	if path == "" {
		t.Skip("IORULES_NAME_BENCH is not set: give the path of a CSV of labelled name pairs (columns name1, name2, is_match, schema), such as nomenklatura's contrib/name_bench/cases.csv")
	}
	pairs := readNamePairs(t, path, "schema")
	all := confusion{}
	by := map[string]*confusion{}
	for _, p := range pairs {
		got := pairScore(p).score >= DefaultThreshold
		all.add(p.match, got)
		if by[p.group] == nil {
			by[p.group] = &confusion{}
		}
		by[p.group].add(p.match, got)
	}
	t.Logf("%s: %d pairs, threshold %d: %s", path, len(pairs), DefaultThreshold, all)
	for _, g := range slices.Sorted(func(yield func(string) bool) {
		for k := range by {
			if !yield(k) {
				return
			}
		}
	}) {
		t.Logf("  %s: %s", g, *by[g])
	}
}

// TestScreeningEvasions is issue 16 B1: a listed name written to slip
// past screening is still caught, through Screen, and the match says how.
func TestScreeningEvasions(t *testing.T) {
	list := []ListedParty{
		{Name: "Huawei Technologies Co., Ltd.", Aliases: []string{"Huawei"}, Country: "CN", List: "EL", Source: "84 FR 22961"},
		{Name: "Sugon", Aliases: []string{"Dawning Information Industry Co., Ltd."}, Country: "CN", List: "EL", Source: "84 FR 29371"},
		{Name: "Rostekh", Country: "RU", List: "SDN"},
	}
	cases := []struct {
		name   string
		party  string
		listed string
		rule   string
		steps  []string
	}{
		{"zero-width space", "Hua\u200bwei Technologies", "Huawei Technologies Co., Ltd.", MatchRuleTokens, []string{"invisible characters dropped"}},
		{"zero-width joiner", "Hua\u200dwei", "Huawei Technologies Co., Ltd.", MatchRuleTokens, []string{"invisible characters dropped"}},
		{"word joiner", "Su\u2060gon", "Sugon", MatchRuleTokens, []string{"invisible characters dropped"}},
		{"soft hyphen", "Su\u00adgon", "Sugon", MatchRuleTokens, []string{"invisible characters dropped"}},
		{"full-width", "Ｓｕｇｏｎ", "Sugon", MatchRuleTokens, []string{"compatibility forms (NFKC)"}},
		{"mathematical", "𝐒𝐮𝐠𝐨𝐧", "Sugon", MatchRuleTokens, []string{"compatibility forms (NFKC)"}},
		{"Cyrillic look-alikes", "Ѕugоn", "Sugon", MatchRuleTokens, []string{"look-alike letters read as Latin"}},
		{"Greek look-alikes", "ΗUΑWΕΙ", "Huawei Technologies Co., Ltd.", MatchRuleTokens, []string{"look-alike letters read as Latin"}},
		{"Cyrillic transliterated", "Ростех", "Rostekh", MatchRuleTokens, []string{"transliterated to Latin"}},
		{"hyphen", "Hua-wei Technologies", "Huawei Technologies Co., Ltd.", MatchRuleJoined, nil},
		{"space", "Hua wei", "Huawei Technologies Co., Ltd.", MatchRuleJoined, nil},
		{"middle dot", "Hua·wei", "Huawei Technologies Co., Ltd.", MatchRuleJoined, nil},
		{"digit", "Sug0n", "Sugon", MatchRuleTokens, []string{"digits read as letters"}},
		{"spaced letters", "S u g o n", "Sugon", MatchRuleJoined, nil},
		{"one-word name inside", "Sugon Information Industry", "Sugon", MatchRuleContained, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := ship("US", "BR", []iorules.Item{storage("EAR99")}, endUser(tc.party, "BR", "BR"))
			res := Screen(s, Options{Parties: list})
			require.NotEmpty(t, res.Screening, "no match for %q", tc.party)
			m := res.Screening[0]
			require.Equal(t, tc.listed, m.ListedName)
			require.GreaterOrEqual(t, m.Score, DefaultThreshold)
			require.Equal(t, tc.rule, m.Rule, m.Explanation)
			require.Empty(t, cmp.Diff(tc.steps, m.Normalizations), m.Explanation)
			require.Contains(t, m.Explanation, "rule "+tc.rule)
			for _, step := range tc.steps {
				require.Contains(t, m.Explanation, step)
			}
			check(t, res, want{verdict: "decline", codes: []string{CodeRestrictedParty}, msg: "rule " + tc.rule})
		})
	}
}

// TestScreeningPrecision: common words and look-alike neighbours do not
// match. A name that names a listed party ("Huawei-free Solutions")
// does: the words are there, and only a reviewer can tell.
func TestScreeningPrecision(t *testing.T) {
	list := []ListedParty{
		{Name: "Dawning Information Industry Co., Ltd.", Aliases: []string{"Sugon"}, List: "EL"},
		{Name: "Huawei Technologies Co., Ltd.", Aliases: []string{"Huawei"}, List: "EL"},
		{Name: "ZTE", List: "EL"},
		{Name: "Information", List: "EL"},
	}
	cases := []struct {
		party string
		match string // the listed name it matches, "" for none
	}{
		{"Information Industry", ""},
		{"Information Industry Co., Ltd.", ""},
		{"Beijing Information Technology", ""},
		{"Aztec Systems", ""},
		{"Sugar Onions Ltd", ""},
		{"Rostelecom", ""},
		{"Hua Xin Wei Ye", ""},
		{"Huawei-free Solutions", "Huawei Technologies Co., Ltd."},
		{"ZTE Brasil", "ZTE"},
	}
	for _, tc := range cases {
		t.Run(tc.party, func(t *testing.T) {
			s := ship("US", "BR", []iorules.Item{storage("EAR99")}, endUser(tc.party, "BR", "BR"))
			res := Screen(s, Options{Parties: list})
			if tc.match == "" {
				require.Empty(t, res.Screening)
				return
			}
			require.NotEmpty(t, res.Screening)
			require.Equal(t, tc.match, res.Screening[0].ListedName)
		})
	}
}

// TestNormalizeNameAlphabet: what the normaliser leaves is lower-case
// Latin letters and digits, or letters of scripts it does not read, in
// words separated by single spaces.
func TestNormalizeNameAlphabet(t *testing.T) {
	for _, in := range []string{
		"Ｈ\u200cu\u00ada·w\u200de1 Ｔechnologies", "ООО «Ростех»", "Μικρον Α.Ε.", "شركة روستك", "北京 Sugon", "Ǆemal ǈuba", "İstanbul ẞtraße", "٣M",
	} {
		key := normalizeName(in).key()
		requireAlphabet(t, in, key)
		require.Equal(t, key, normalizeName(key).key(), "not idempotent: %q", in)
	}
}

// requireAlphabet fails unless key is made of words of lower-case letters
// and digits, none Cyrillic, Greek or Arabic, none a format character or
// mark, separated by single spaces.
func requireAlphabet(t testing.TB, in, key string) {
	t.Helper()
	require.True(t, utf8.ValidString(key), "%q: invalid UTF-8 %q", in, key)
	require.False(t, strings.HasPrefix(key, " ") || strings.HasSuffix(key, " ") || strings.Contains(key, "  "), "%q: spacing in %q", in, key)
	for _, r := range key {
		ok := r == ' ' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') ||
			(r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mc, r)) &&
				!unicode.In(r, unicode.Cyrillic, unicode.Greek, unicode.Arabic) && !unicode.IsUpper(r) && unicode.ToLower(r) == r)
		require.True(t, ok, "%q: %q has %U", in, key, r)
	}
}

// FuzzNormalizeName: the normaliser never panics, is idempotent on its own
// output, and leaves only the expected alphabet.
func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{
		"Huawei Technologies Co., Ltd.", "Hua\u200bwei", "Ｓｕｇｏｎ", "𝐒𝐮𝐠𝐨𝐧", "Ѕugоn", "ΗUΑWΕΙ", "Ростех", "روستك",
		"Hua-wei", "S u g o n", "Sug0n", "Hu@wei $", "ООО", "Public Joint Stock Company", "٣M", "Ǆ", "\u0301",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := normalizeName(s)
		key := n.key()
		requireAlphabet(t, s, key)
		require.Equal(t, key, normalizeName(key).key(), "not idempotent: %q", s)
		for _, w := range n.ordered {
			require.NotEmpty(t, w)
		}
		sc := compareNames(n, n)
		if len(n.tokens) > 0 {
			require.Equal(t, 100, sc.score, "%q against itself", s)
		}
	})
}

// TestNameTables: the embedded tables load, and a bad table is refused
// with every problem named.
func TestNameTables(t *testing.T) {
	_, err := loadNames()
	require.NoError(t, err)
	_, err = parseNames(yNamesFile{
		Confidence:      "probably",
		Confusables:     map[string]string{"Нн": "h", "q": "q", "А": "A"},
		Transliteration: map[string]string{"Ж": "zh"},
		Digits:          map[string]string{"0": "oo", "x": "a"},
		GenericWords:    []string{"Information"},
	})
	require.Error(t, err)
	for _, want := range []string{"source is missing", "confidence", `"Нн" is not one character`, `"q" is not a Cyrillic`, `"А" reads as "A"`, `"Ж" is not a Cyrillic`, `"0" reads as "oo"`, `"x" reads as "a"`, `"Information"`} {
		require.Contains(t, err.Error(), want)
	}
}

// TestNameNormalizerReuse: a normaliser that reuses its buffers gives each
// name what normalizeName gives it, and earlier results stay intact until
// reset.
func TestNameNormalizerReuse(t *testing.T) {
	in := []string{"Huawei Technologies Co., Ltd.", "Sug0n", "ООО Ростех", "Public Joint Stock Company Mikron", "Ltd", "Ｓｕｇｏｎ", "", "S u g o n", "Μικρον"}
	var z nameNormalizer
	for round := 0; round < 2; round++ {
		var got []normName
		for _, s := range in {
			got = append(got, z.normalize(s))
		}
		for i, s := range in {
			want := normalizeName(s)
			require.Equal(t, want.tokens, got[i].tokens, "%q", s)
			require.Equal(t, want.ordered, got[i].ordered, "%q", s)
			require.Equal(t, want.all, got[i].all, "%q", s)
			require.Equal(t, len(want.dropped), len(got[i].dropped), "%q", s)
		}
		z.reset()
	}
}
