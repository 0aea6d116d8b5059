package exportctl

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/iorules/iorules"
)

// Matching rules: how a score came about (Match.Rule).
const (
	// MatchRuleTokens: the names' words, compared one to one (dice).
	MatchRuleTokens = "tokens"
	// MatchRuleContained: every word of the listed name is in the party's
	// name, each extra word costing 5 points (1 for a generic word such as
	// "Information" or "Industry"); or every word of the party's name is
	// in the listed name, whose extra words are all generic (1 point each).
	MatchRuleContained = "contained"
	// MatchRuleJoined: words of one name written in pieces in the other
	// ("Hua-wei", "Hua wei", "S u g o n") compared once joined.
	MatchRuleJoined = "joined"
	// MatchRuleCompact: the names are the same once every space and
	// separator is removed ("SiemensAG", "Siemens AG").
	MatchRuleCompact = "compact"
)

// scored is the best comparison of a party with one listed entry.
type scored struct {
	name    string // the listed name or alias compared
	alias   bool
	score   int
	pairs   []tokenPair
	listed  normName
	rule    string   // a MatchRule constant
	inner   string   // for MatchRuleContained, the name found whole: "listed" or "party"
	joined  []string // the pieces joined, "hua+wei", for MatchRuleJoined
	onlyOwn []string
	capped  bool      // the tokens score was capped at genericCap
	steps   nameSteps // the normalisations of both names
}

type tokenPair struct {
	party, listed string
	sim           int
}

// Token similarity at or above this counts as the same token.
const tokenMatchFloor = 75

// genericCap is the highest tokens score of names that have only generic
// words in common while the listed name has a word that identifies it.
const genericCap = 70

// bestName compares the party with the entry's name and each alias, given
// normalised in listed, and keeps the best score (the primary name wins
// ties).
func bestName(pn normName, lp *ListedParty, listed []normName) (scored, bool) {
	var best scored
	found := false
	for i, ln := range listed {
		if len(ln.tokens) == 0 {
			continue
		}
		sc := compareNames(pn, ln)
		sc.name, sc.alias, sc.listed = lp.Name, i > 0, ln
		if i > 0 {
			sc.name = lp.Aliases[i-1]
		}
		if !found || sc.score > best.score {
			best, found = sc, true
		}
	}
	return best, found
}

// compareNames scores two normalised names, 0-100, deterministically, as
// the best of these rules:
//   - tokens: word pairs are matched greedily by similarity (100 × (1 −
//     edit distance / longer length), transpositions counting one edit),
//     best first, ties in alphabetical order; pairs below tokenMatchFloor
//     do not match; the score is 2 × (sum of matched similarities) / (party
//     words + listed words);
//     or at most genericCap when the words in common are all generic
//     (data/names.yaml) and the listed name has one that is not;
//   - contained: when every word of one name matched and that name has a
//     word that is not generic (data/names.yaml) of at least three letters,
//     the mean similarity of its words − 5 per extra word of the party's
//     name that is not generic and − 1 per generic one; the party's name
//     inside a longer listed name only when the listed name's extra words
//     are all generic (− 1 each);
//   - joined: the same two rules after joining runs of words of one name
//     whose concatenation is exactly a word of the other ("hua"+"wei");
//   - compact: 100 when the names, every word included, are the same
//     without separators and have at least four letters.
//
// A name with an alternative reading (normName.alt) is compared in both
// readings, and the best score kept.
func compareNames(p, l normName) scored {
	best := compareReadings(p, l)
	for _, pair := range [...][2]*normName{{p.alt, &l}, {&p, l.alt}, {p.alt, l.alt}} {
		if pair[0] == nil || pair[1] == nil {
			continue
		}
		if sc := compareReadings(*pair[0], *pair[1]); sc.score > best.score {
			best = sc
		}
	}
	return best
}

// compareReadings is compareNames for one reading of each name.
func compareReadings(p, l normName) scored {
	if len(p.tokens) == 0 || len(l.tokens) == 0 {
		return scored{rule: MatchRuleTokens}
	}
	t := names()
	if !anyPair(p.tokens, l.tokens) && !mayJoin(t, p.ordered, l.tokens) && !mayJoin(t, l.ordered, p.tokens) && !sameLetters(p.all, l.all) {
		return scored{rule: MatchRuleTokens, steps: p.steps | l.steps} // nothing in common: the usual case, without allocating
	}
	best := alignTokens(t, p.tokens, l.tokens)
	if pj, joined := joinRuns(t, p.ordered, l.tokens); len(joined) > 0 {
		if sc := alignTokens(t, sortedSet(pj), l.tokens); sc.score > best.score {
			best, best.rule, best.joined = sc, MatchRuleJoined, joined
		}
	}
	if lj, joined := joinRuns(t, l.ordered, p.tokens); len(joined) > 0 {
		if sc := alignTokens(t, p.tokens, sortedSet(lj)); sc.score > best.score {
			best, best.rule, best.joined = sc, MatchRuleJoined, joined
		}
	}
	if best.score < 100 && sameLetters(p.all, l.all) {
		best = scored{score: 100, rule: MatchRuleCompact}
	}
	best.steps = p.steps | l.steps
	return best
}

// alignTokens applies the tokens and contained rules to two sorted sets of
// words.
func alignTokens(t *nameTables, p, l []string) scored {
	type cand struct {
		i, j, sim int
	}
	var buf [16]cand
	cands := buf[:0]
	for i, a := range p {
		for j, b := range l {
			if maxSimilarity(a, b) < tokenMatchFloor {
				continue // too different in length to match
			}
			if s := similarity(a, b); s >= tokenMatchFloor {
				cands = append(cands, cand{i, j, s})
			}
		}
	}
	slices.SortStableFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(y.sim, x.sim), cmp.Compare(x.i, y.i), cmp.Compare(x.j, y.j))
	})
	var flags [32]bool
	var usedP, usedL []bool
	if len(p)+len(l) <= len(flags) {
		usedP, usedL = flags[:len(p)], flags[len(p):len(p)+len(l)]
	} else {
		usedP, usedL = make([]bool, len(p)), make([]bool, len(l))
	}
	out := scored{rule: MatchRuleTokens}
	sum := 0
	for _, c := range cands {
		if usedP[c.i] || usedL[c.j] {
			continue
		}
		usedP[c.i], usedL[c.j] = true, true
		sum += c.sim
		out.pairs = append(out.pairs, tokenPair{p[c.i], l[c.j], c.sim})
	}
	slices.SortStableFunc(out.pairs, func(a, b tokenPair) int { return strings.Compare(a.listed, b.listed) })
	for i, used := range usedP {
		if !used {
			out.onlyOwn = append(out.onlyOwn, p[i])
		}
	}
	out.score = 2 * sum / (len(p) + len(l))
	// Generic words alone do not make a match when the listed name has a
	// word that identifies it and the party's name lacks it.
	if out.score > genericCap && distinctive(t, l) &&
		!slices.ContainsFunc(out.pairs, func(pr tokenPair) bool { return isDistinctive(t, pr.listed) }) {
		out.score, out.capped = genericCap, true
	}
	// contained: all of one name's words found, the other's extra words
	// generic or paid for.
	contained := func(inner []string, extra []string, which string) {
		if len(out.pairs) != len(inner) || !distinctive(t, inner) {
			return
		}
		cost := 0
		for _, w := range extra {
			if t.generic[w] {
				cost++ // so that 100 stays for names with the same words
				continue
			}
			if which == "party" {
				return // the listed name says more than the party's, and not only generic words
			}
			cost += 5
		}
		if sc := sum/len(inner) - cost; sc > out.score {
			out.score, out.rule, out.inner = sc, MatchRuleContained, which
		}
	}
	contained(l, out.onlyOwn, "listed")
	var listedExtra []string
	for j, used := range usedL {
		if !used {
			listedExtra = append(listedExtra, l[j])
		}
	}
	contained(p, listedExtra, "party")
	out.score = max(0, min(100, out.score))
	return out
}

// distinctive reports whether a name has a word of at least three letters
// that is not generic, so that finding it inside another name means
// something.
func distinctive(t *nameTables, words []string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return isDistinctive(t, w) })
}

func isDistinctive(t *nameTables, w string) bool {
	return utf8.RuneCountInString(w) >= 3 && !t.generic[w]
}

// joinRuns joins runs of two or more consecutive words whose concatenation
// (digits in it read as letters) is exactly one of targets, longest run
// first. It returns the words with each run replaced by its join, and the
// runs joined ("hua+wei"); none when nothing joins. It allocates only when
// something joins.
func joinRuns(t *nameTables, words, targets []string) ([]string, []string) {
	if len(words) < 2 {
		return nil, nil
	}
	var out, joined []string
	done := 0 // words[:done] are in out
	for i := 0; i < len(words)-1; {
		n, w := 0, ""
		for _, tg := range targets {
			if k := runSpelling(t, words[i:], tg); k > n {
				n, w = k, tg
			}
		}
		if n == 0 {
			i++
			continue
		}
		out = append(out, words[done:i]...)
		out = append(out, w)
		joined = append(joined, strings.Join(words[i:i+n], "+"))
		i += n
		done = i
	}
	if len(joined) == 0 {
		return nil, nil
	}
	return append(out, words[done:]...), joined
}

// runSpelling returns the number of words, two or more, at the start of
// words whose concatenation spells target (of three letters or more), a
// digit or symbol standing for the letter the tables give when the run has
// letters; 0 when no run does.
func runSpelling(t *nameTables, words []string, target string) int {
	if len(target) < 3 {
		return 0
	}
	pos, letters, folded := 0, false, false
	for k, w := range words {
		if pos+len(w) > len(target) {
			return 0
		}
		for i := 0; i < len(w); i++ {
			c, tc := w[i], target[pos+i]
			switch {
			case c == tc:
				letters = letters || !isLeet(rune(c))
			case c < utf8.RuneSelf && isLeet(rune(c)) && t.digits[rune(c)] == tc:
				folded = true
			default:
				return 0
			}
		}
		pos += len(w)
		if pos == len(target) {
			if k == 0 || (folded && !letters) {
				return 0
			}
			return k + 1
		}
	}
	return 0
}

// anyPair reports whether some word of p and some word of l are similar
// enough to match.
func anyPair(p, l []string) bool {
	for _, a := range p {
		for _, b := range l {
			if maxSimilarity(a, b) >= tokenMatchFloor && similarity(a, b) >= tokenMatchFloor {
				return true
			}
		}
	}
	return false
}

// mayJoin reports whether joinRuns would join some run of words.
func mayJoin(t *nameTables, words, targets []string) bool {
	for i := 0; i+1 < len(words); i++ {
		for _, tg := range targets {
			if runSpelling(t, words[i:], tg) > 0 {
				return true
			}
		}
	}
	return false
}

// sameLetters reports whether two names, of four letters or more, are the
// same once their words are joined.
func sameLetters(a, b []string) bool {
	n := 0
	for _, w := range a {
		n += len(w)
	}
	m := 0
	for _, w := range b {
		m += len(w)
	}
	if n != m || n < 4 {
		return false
	}
	i, j, ai, bj := 0, 0, 0, 0 // word index and offset in a and b
	for k := 0; k < n; k++ {
		for ai == len(a[i]) {
			i, ai = i+1, 0
		}
		for bj == len(b[j]) {
			j, bj = j+1, 0
		}
		if a[i][ai] != b[j][bj] {
			return false
		}
		ai, bj = ai+1, bj+1
	}
	return true
}

func sortedSet(words []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(words)))
}

// explain says in words how the score came about: the rule, the word
// pairs, and the normalisations that brought the names together.
func (sc scored) explain(pn normName, lp ListedParty, partyCountry iorules.Country) string {
	var parts []string
	switch sc.rule {
	case MatchRuleTokens:
		parts = append(parts, "rule tokens: words compared one to one")
	case MatchRuleContained:
		if sc.inner == "listed" {
			parts = append(parts, "rule contained: the whole listed name appears in the party's name")
		} else {
			parts = append(parts, "rule contained: the whole party name appears in the listed name")
		}
	case MatchRuleJoined:
		parts = append(parts, "rule joined: words written in pieces joined ("+strings.Join(sc.joined, ", ")+")")
	case MatchRuleCompact:
		parts = append(parts, "rule compact: the same letters once spaces and separators are removed")
	}
	var same, near []string
	for _, p := range sc.pairs {
		if p.sim == 100 {
			same = append(same, p.listed)
		} else {
			near = append(near, fmt.Sprintf("%s~%s (%d)", p.party, p.listed, p.sim))
		}
	}
	if len(same) > 0 {
		parts = append(parts, "same tokens: "+strings.Join(same, ", "))
	}
	if len(near) > 0 {
		parts = append(parts, "near tokens: "+strings.Join(near, ", "))
	}
	if sc.rule != MatchRuleCompact {
		var missing []string
		matched := map[string]bool{}
		for _, p := range sc.pairs {
			matched[p.listed] = true
		}
		for _, t := range sc.listed.tokens {
			if !matched[t] {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 && sc.rule != MatchRuleJoined {
			parts = append(parts, "listed tokens not found: "+strings.Join(missing, ", "))
		}
		if len(sc.onlyOwn) > 0 {
			parts = append(parts, "extra party tokens: "+strings.Join(sc.onlyOwn, ", "))
		}
	}
	if sc.capped {
		parts = append(parts, fmt.Sprintf("only generic words in common: score capped at %d", genericCap))
	}
	if steps := sc.steps.labels(); len(steps) > 0 {
		parts = append(parts, "normalised: "+strings.Join(steps, ", "))
	}
	if dropped := slices.Concat(pn.dropped, sc.listed.dropped); len(dropped) > 0 {
		slices.Sort(dropped)
		parts = append(parts, "ignored: "+strings.Join(slices.Compact(dropped), ", "))
	}
	if sc.alias {
		parts = append(parts, fmt.Sprintf("via alias %q", sc.name))
	}
	if lp.Country != "" && partyCountry != "" {
		if lp.Country == partyCountry {
			parts = append(parts, "same country "+string(lp.Country))
		} else {
			parts = append(parts, fmt.Sprintf("countries differ (%s, listed %s)", partyCountry, lp.Country))
		}
	}
	return strings.Join(parts, "; ")
}
