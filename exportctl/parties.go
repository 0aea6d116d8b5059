package exportctl

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iorules/iorules"
)

// DefaultThreshold is the score at or above which a name counts as a match
// when Options.Threshold is 0.
const DefaultThreshold = 85

// ListedParty is one entry of a restricted-party list the caller supplies,
// such as a row of the Consolidated Screening List.
type ListedParty struct {
	// Name is the listed name.
	Name string `json:"name"`
	// Aliases are the entry's alternative names.
	Aliases []string `json:"aliases,omitempty"`
	// Country is the entry's country, when the list gives one.
	Country iorules.Country `json:"country,omitempty"`
	// List names the list: a CSL source code ("EL", "DPL", "SDN", ...) or
	// its name ("BIS Entity List"). It decides the effect of a match; a
	// list the package does not know is treated as one whose matches
	// decline.
	List string `json:"list"`
	// Source cites the entry (Federal Register notice, list version date).
	Source string `json:"source,omitempty"`
}

// Disposition is the caller's record of a reviewed match.
type Disposition struct {
	// PartyName is the shipment party's name as screened.
	PartyName string `json:"party_name"`
	// ListedName is the listed name or alias the party matched.
	ListedName string `json:"listed_name"`
	// Decision is "cleared" for a false positive, or
	// DecisionOwnershipCleared for a party whose owners were screened (with
	// ListedName empty); other decisions leave the match in force.
	Decision string `json:"decision"`
	// Reference points to the review record.
	Reference string `json:"reference"`
}

// DecisionCleared is the Disposition decision that clears a match.
const DecisionCleared = "cleared"

// Match is a shipment party whose name scored at or above the threshold
// against a listed name or alias.
type Match struct {
	// Role is exporter, importer_of_record or end_user.
	Role string `json:"role"`
	// PartyName is the party's name as given.
	PartyName string `json:"party_name"`
	// ListedName is the listed entry's primary name.
	ListedName string `json:"listed_name"`
	// MatchedName is the name or alias that scored best.
	MatchedName string `json:"matched_name"`
	// ViaAlias is true when MatchedName is an alias.
	ViaAlias bool `json:"via_alias"`
	// List and Source are copied from the listed entry.
	List   string `json:"list"`
	Source string `json:"source,omitempty"`
	// Score is 0-100; 100 is the same normalised name.
	Score int `json:"score"`
	// Explanation says which tokens matched, which did not, and what
	// normalisation removed.
	Explanation string `json:"explanation"`
	// Cleared is true when a Disposition cleared the match.
	Cleared bool `json:"cleared"`
	// Reference is the clearing disposition's reference.
	Reference string `json:"reference,omitempty"`
}

// screenParties screens the exporter, importer of record and end user
// against the caller's list. It returns the matches, fs with their findings
// appended, and whether an uncleared match declines the shipment.
func (d *dataset) screenParties(s iorules.Shipment, opts Options, fs []finding) ([]Match, []finding, bool) {
	if len(opts.Parties) == 0 {
		return nil, append(fs, finding{
			severity: iorules.SeverityInfo, code: CodeScreeningNotPerformed, rule: ruleScreening,
			message: "No restricted-party list was supplied, so the parties were not screened; a no-hit is never a safe harbour and lists change daily.",
		}), false
	}
	roles := [...]nameTarget{
		{role: "exporter", name: s.Exporter.Name, country: s.Exporter.Country},
		{role: "importer_of_record", name: s.ImporterOfRecord.Name, country: s.ImporterOfRecord.Country},
		{role: "end_user", name: s.EndUser.Name, country: s.EndUser.Country},
	}
	matchNames(roles[:], opts)
	var matches []Match
	for i := range roles {
		matches = append(matches, roles[i].found...)
	}

	declined := false
	for _, m := range matches {
		eff, known := d.listEffectOf(m.List)
		src := m.Source
		if src == "" {
			src = eff.source
		}
		if src == "" {
			src = d.ruleSourceAny(ruleScreening)
		}
		where := fmt.Sprintf("The %s %q matches %q on %s (score %d: %s)", strings.ReplaceAll(m.Role, "_", " "), m.PartyName, m.MatchedName, m.List, m.Score, m.Explanation)
		if m.Cleared {
			fs = append(fs, finding{
				severity: iorules.SeverityInfo, code: CodeRestrictedPartyCleared, rule: ruleScreening, source: src,
				message: where + fmt.Sprintf("; cleared by disposition %q.", m.Reference),
			})
			continue
		}
		f := finding{
			severity: eff.effect, code: CodeRestrictedParty, rule: ruleScreening, source: src,
			unblock: "a recorded disposition clearing the match as a different party (with its reference), or the authorisation the list requires",
		}
		switch {
		case !known:
			f.message = where + "; the list is not one the library knows, so the match is treated as a decline."
		case eff.effect == iorules.SeverityDecline:
			f.message = where + "; exports to or involving a listed party are prohibited or need a licence under a presumption of denial, and licence exceptions are unavailable (15 CFR 740.2)."
		default:
			f.message = where + "; the list restricts the transaction (for example no licence exceptions, or a statement before export) and must be reviewed."
		}
		if f.severity == iorules.SeverityDecline {
			declined = true
		}
		fs = append(fs, f)
	}
	return matches, fs, declined
}

// nameTarget is a name to screen, a shipment party's or an owner's, and the
// matches found for it.
type nameTarget struct {
	role    string // Match.Role
	name    string
	country iorules.Country
	found   []Match // best first
}

// threshold is the lowest score that counts as a match.
func (o *Options) threshold() int {
	switch {
	case o.Threshold <= 0:
		return DefaultThreshold
	case o.Threshold > 100:
		return 100
	}
	return o.Threshold
}

// matchNames screens the targets against the caller's list, setting each
// target's matches, best first; a match a disposition clears is kept,
// marked Cleared. Each listed name is normalised once and compared with
// every target, rather than once per target.
func matchNames(targets []nameTarget, opts Options) {
	threshold := opts.threshold()
	var names [4]normName // the targets' names, normalised; most screenings have three
	norm := names[:0]
	screened := false
	for i := range targets {
		norm = append(norm, normalizeName(targets[i].name))
		screened = screened || len(norm[i].tokens) > 0
	}
	var z nameNormalizer
	var listed []normName // the entry's names, normalised: its primary name, then its aliases
	for k := 0; screened && k < len(opts.Parties); k++ {
		lp := &opts.Parties[k]
		z.reset()
		listed = append(listed[:0], z.normalize(lp.Name))
		for _, a := range lp.Aliases {
			listed = append(listed, z.normalize(a))
		}
		for i := range targets {
			r := &targets[i]
			if len(norm[i].tokens) == 0 {
				continue
			}
			best, ok := bestName(norm[i], lp, listed, threshold)
			if !ok || best.score < threshold {
				continue
			}
			m := Match{
				Role: r.role, PartyName: r.name, ListedName: lp.Name, MatchedName: best.name,
				ViaAlias: best.alias, List: lp.List, Source: lp.Source, Score: best.score,
				Explanation: best.explain(norm[i], *lp, r.country),
			}
			if ref, ok := cleared(opts.Dispositions, norm[i], listed[0], best.listed); ok {
				m.Cleared, m.Reference = true, ref
			}
			r.found = append(r.found, m)
		}
	}
	for i := range targets {
		slices.SortStableFunc(targets[i].found, func(a, b Match) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.ListedName, b.ListedName), strings.Compare(a.List, b.List))
		})
	}
}

func (d *dataset) ruleSourceAny(id string) string {
	if rs := d.rules[id]; len(rs) > 0 {
		return rs[0].source
	}
	return ""
}

// cleared finds a disposition that clears the pair (party, listed name or
// matched alias), comparing normalised names.
func cleared(ds []Disposition, party, listedName, matched normName) (string, bool) {
	for _, d := range ds {
		if !strings.EqualFold(strings.TrimSpace(d.Decision), DecisionCleared) {
			continue
		}
		if normalizeName(d.PartyName).key() != party.key() {
			continue
		}
		ln := normalizeName(d.ListedName).key()
		if ln == listedName.key() || ln == matched.key() {
			return d.Reference, true
		}
	}
	return "", false
}

// normName is a name reduced for comparison.
type normName struct {
	tokens  []string // sorted, unique
	dropped []string // legal forms and stop words removed
}

func (n normName) key() string { return strings.Join(n.tokens, " ") }

// foldTable maps letters with diacritics to plain Latin letters. It covers
// the Latin-1 and Latin Extended-A letters common in company names; other
// scripts pass through unchanged.
var foldTable = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae", 'ç': "c", 'ć': "c", 'č': "c", 'ĉ': "c", 'ċ': "c", 'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ğ': "g", 'ģ': "g", 'ħ': "h", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ī': "i", 'į': "i", 'ı': "i",
	'ķ': "k", 'ĺ': "l", 'ļ': "l", 'ľ': "l", 'ł': "l", 'ñ': "n", 'ń': "n", 'ņ': "n", 'ň': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ő': "o", 'œ': "oe",
	'ŕ': "r", 'ř': "r", 'ś': "s", 'ş': "s", 'š': "s", 'ș': "s", 'ß': "ss", 'ţ': "t", 'ť': "t", 'ț': "t", 'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ý': "y", 'ÿ': "y", 'ź': "z", 'ż': "z", 'ž': "z",
}

// legalForms are company-form words dropped before comparison; multiWord
// forms are dropped first, as whole phrases.
var (
	legalForms = map[string]bool{
		"llc": true, "ltd": true, "limited": true, "gmbh": true, "co": true, "company": true,
		"inc": true, "incorporated": true, "corp": true, "corporation": true, "jsc": true,
		"ojsc": true, "pjsc": true, "cjsc": true, "ooo": true, "zao": true, "oao": true, "pao": true,
		"ao": true, "sa": true, "sarl": true, "srl": true, "spa": true, "bv": true, "nv": true,
		"ag": true, "plc": true, "pte": true, "pty": true, "kk": true, "kft": true, "ab": true,
		"oy": true, "llp": true, "lp": true, "ltda": true, "sas": true, "sro": true, "fze": true,
		"fzco": true, "fzc": true, "lllp": true, "se": true, "as": true, "doo": true, "tov": true,
		"sdn": true, "bhd": true, "berhad": true, "pt": true, "tbk": true, "ltee": true, "sl": true,
	}
	multiWord = [][]string{
		{"public", "joint", "stock", "company"},
		{"closed", "joint", "stock", "company"},
		{"open", "joint", "stock", "company"},
		{"joint", "stock", "company"},
		{"limited", "liability", "company"},
		{"limited", "liability", "partnership"},
		{"sp", "z", "oo"},
		{"societe", "anonyme"},
	}
	stopWords = map[string]bool{"the": true, "and": true}

	// droppedWords is legalForms and stopWords together, so that a token
	// is looked up once.
	droppedWords = func() map[string]bool {
		m := maps.Clone(legalForms)
		maps.Copy(m, stopWords)
		return m
	}()
)

// normalizeName folds case and diacritics, removes punctuation (dots and
// apostrophes join, other marks separate), drops legal forms and stop
// words, and sorts the unique tokens. A name made only of legal forms keeps
// them.
func normalizeName(s string) normName {
	z := nameNormalizer{text: make([]byte, 0, len(s)+8), tokens: make([]string, 0, 8)}
	n := z.normalize(s)
	if len(n.dropped) == 0 {
		n.dropped = nil
	}
	return n
}

// nameNormalizer normalises names as normalizeName does, reusing its
// buffers from one name to the next: the slices of the normNames it returns
// share them and stay valid only until reset. Screening uses one per call
// for the listed names, which are needed only while their entry is
// compared, so that a name costs one allocation (its folded text).
type nameNormalizer struct {
	text    []byte   // the name being folded
	tokens  []string // the tokens of the names since reset, each name's in its own window
	dropped []string // likewise, the words dropped from them
}

// reset makes the buffers available again, invalidating earlier results.
func (z *nameNormalizer) reset() {
	z.tokens, z.dropped = z.tokens[:0], z.dropped[:0]
}

// normalize is normalizeName, except that an empty dropped list may be
// non-nil.
func (z *nameNormalizer) normalize(s string) normName {
	b := z.text[:0]
	for _, r := range s {
		if r < utf8.RuneSelf { // ASCII, as most listed names are: the cases below, without table look-ups
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
				b = append(b, byte(r))
			case 'A' <= r && r <= 'Z':
				b = append(b, byte(r)-'A'+'a')
			case r == '.' || r == '\'':
			case r == '&':
				b = append(b, " and "...)
			default:
				b = append(b, ' ')
			}
			continue
		}
		r = unicode.ToLower(r)
		if folded, ok := foldTable[r]; ok {
			b = append(b, folded...)
			continue
		}
		switch {
		case unicode.Is(unicode.Mn, r): // combining marks of decomposed text
		case r == '’':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b = utf8.AppendRune(b, r)
		default:
			b = append(b, ' ')
		}
	}
	z.text = b
	// Split at the spaces, the only white space the folding leaves.
	text := string(b)
	start := len(z.tokens)
	for i := 0; i < len(text); {
		if text[i] == ' ' {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && text[j] != ' ' {
			j++
		}
		z.tokens = append(z.tokens, text[i:j])
		i = j
	}
	raw := z.tokens[start:len(z.tokens):len(z.tokens)]
	if len(raw) == 0 {
		return normName{}
	}
	// Keep the tokens in raw's own window: the kth kept token is written at
	// k, never ahead of the token being read, and a name that keeps nothing
	// leaves raw untouched.
	kept := raw[:0]
	dropStart := len(z.dropped)
	for i := 0; i < len(raw); {
		if n := phraseAt(raw, i); n > 0 {
			z.dropped = append(z.dropped, strings.Join(raw[i:i+n], " "))
			i += n
			continue
		}
		if droppedWords[raw[i]] {
			z.dropped = append(z.dropped, raw[i])
		} else {
			kept = append(kept, raw[i])
		}
		i++
	}
	dropped := z.dropped[dropStart:len(z.dropped):len(z.dropped)]
	if len(kept) == 0 {
		kept, dropped = raw, nil
	}
	slices.Sort(kept)
	kept = slices.Compact(kept)
	return normName{tokens: kept[:len(kept):len(kept)], dropped: dropped}
}

func phraseAt(tokens []string, i int) int {
	for _, p := range multiWord {
		if i+len(p) <= len(tokens) && slices.Equal(tokens[i:i+len(p)], p) {
			return len(p)
		}
	}
	return 0
}

// scored is the best comparison of a party with one listed entry.
type scored struct {
	name    string // the listed name or alias compared
	alias   bool
	score   int
	pairs   []tokenPair
	listed  normName
	cover   bool // the score came from every listed token being present
	onlyOwn []string
}

type tokenPair struct {
	party, listed string
	sim           int
}

// Token similarity at or above this counts as the same token.
const tokenMatchFloor = 75

// bestName compares the party with the entry's name and each alias, given
// normalised in listed, and keeps the best score (the primary name wins
// ties). Names that cannot reach threshold (see maxScore) are not compared,
// so the result is only meaningful when its score reaches threshold: it is
// then the best over all the names.
func bestName(pn normName, lp *ListedParty, listed []normName, threshold int) (scored, bool) {
	var best scored
	found := false
	for i, ln := range listed {
		if len(ln.tokens) == 0 || maxScore(len(pn.tokens), len(ln.tokens)) < threshold {
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

// maxScore bounds the score compareNames can give names of np and nl
// tokens: at most min(np, nl) pairs match, each with a similarity of at
// most 100, and the cover score needs every listed token matched.
func maxScore(np, nl int) int {
	bound := 2 * 100 * min(np, nl) / (np + nl) // dice with every pair at 100
	if nl >= 2 && np >= nl {
		bound = max(bound, 100-5*(np-nl)) // cover with every pair at 100
	}
	return min(100, bound)
}

// compareNames scores two normalised names, 0-100, deterministically:
//   - token pairs are matched greedily by similarity (100 × (1 − edit
//     distance / longer length), transpositions counting one edit), best
//     first, ties in alphabetical order; pairs below tokenMatchFloor do not
//     match;
//   - dice = 2 × (sum of matched similarities) / (party tokens + listed
//     tokens);
//   - cover = mean similarity of the listed tokens − 5 per extra party
//     token, when the listed name has at least two tokens and every one of
//     them matched (a listed name inside a longer name);
//   - the score is the higher of dice and cover.
func compareNames(p, l normName) scored {
	type cand struct {
		i, j, sim int
	}
	var cands []cand
	for i, a := range p.tokens {
		for j, b := range l.tokens {
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
	usedP := make([]bool, len(p.tokens))
	usedL := make([]bool, len(l.tokens))
	var out scored
	sum := 0
	for _, c := range cands {
		if usedP[c.i] || usedL[c.j] {
			continue
		}
		usedP[c.i], usedL[c.j] = true, true
		sum += c.sim
		out.pairs = append(out.pairs, tokenPair{p.tokens[c.i], l.tokens[c.j], c.sim})
	}
	slices.SortStableFunc(out.pairs, func(a, b tokenPair) int { return strings.Compare(a.listed, b.listed) })
	for i, used := range usedP {
		if !used {
			out.onlyOwn = append(out.onlyOwn, p.tokens[i])
		}
	}
	dice := 2 * sum / (len(p.tokens) + len(l.tokens))
	out.score = dice
	if len(l.tokens) >= 2 && len(out.pairs) == len(l.tokens) {
		cover := sum/len(l.tokens) - 5*(len(p.tokens)-len(l.tokens))
		if cover > dice {
			out.score, out.cover = cover, true
		}
	}
	out.score = max(0, min(100, out.score))
	return out
}

// explain says in words how the score came about.
func (sc scored) explain(pn normName, lp ListedParty, partyCountry iorules.Country) string {
	var parts []string
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
	if len(missing) > 0 {
		parts = append(parts, "listed tokens not found: "+strings.Join(missing, ", "))
	}
	if len(sc.onlyOwn) > 0 {
		parts = append(parts, "extra party tokens: "+strings.Join(sc.onlyOwn, ", "))
	}
	if sc.cover {
		parts = append(parts, "the whole listed name appears in the party's name")
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

// similarity is 100 × (1 − d / longer length), rounded down, where d is the
// optimal-string-alignment edit distance over runes.
func similarity(a, b string) int {
	if a == b {
		return 100
	}
	ra, rb := []rune(a), []rune(b)
	longer := max(len(ra), len(rb))
	if longer == 0 {
		return 100
	}
	d := osaDistance(ra, rb)
	return 100 * (longer - d) / longer
}

// maxSimilarity bounds similarity(a, b) from the lengths alone: the edit
// distance is at least the difference in length.
func maxSimilarity(a, b string) int {
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	longer := max(la, lb)
	if longer == 0 {
		return 100
	}
	return 100 * min(la, lb) / longer
}

// osaDistance is the Levenshtein distance with adjacent transpositions
// counted as one edit (optimal string alignment).
func osaDistance(a, b []rune) int {
	n := len(b) + 1
	var buf [3 * 24]int // rows for names' tokens without allocating
	var rows []int
	if 3*n <= len(buf) {
		rows = buf[:3*n]
	} else {
		rows = make([]int, 3*n)
	}
	prev2, prev, cur := rows[:n], rows[n:2*n], rows[2*n:]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
