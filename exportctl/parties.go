package exportctl

import (
	"cmp"
	"fmt"
	"github.com/iorules/iorules/internal/editdist"
	"slices"
	"strings"
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
	// List is the listed entry's List, which decides the match's effect.
	List string `json:"list"`
	// Source is the listed entry's Source; empty when the entry gives
	// none (the reason then cites the list's own source).
	Source string `json:"source,omitempty"`
	// Score is 0-100; 100 is the same normalised name.
	Score int `json:"score"`
	// Rule is the matching rule that gave the score: MatchRuleTokens,
	// MatchRuleContained, MatchRuleJoined or MatchRuleCompact.
	Rule string `json:"rule"`
	// Normalizations lists what normalisation changed in either name
	// before the comparison (compatibility forms, invisible characters,
	// diacritics, look-alike letters, transliteration, digits read as
	// letters); empty when the names were compared as written, lower-cased.
	Normalizations []string `json:"normalizations,omitempty"`
	// Explanation says which rule gave the score, which tokens matched and
	// which did not, what normalisation changed and what it removed.
	Explanation string `json:"explanation"`
	// Cleared is true when a Disposition cleared the match.
	Cleared bool `json:"cleared"`
	// Reference is the clearing disposition's reference; empty when the
	// match is not Cleared.
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
			best, ok := bestName(norm[i], lp, listed)
			if !ok || best.score < threshold {
				continue
			}
			m := Match{
				Role: r.role, PartyName: r.name, ListedName: lp.Name, MatchedName: best.name,
				ViaAlias: best.alias, List: lp.List, Source: lp.Source, Score: best.score,
				Rule: best.rule, Normalizations: best.steps.labels(),
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

// similarity is 100 × (1 − d / longer length), rounded down, where d is the
// optimal-string-alignment edit distance over runes.
func similarity(a, b string) int {
	if a == b {
		return 100
	}
	if isASCII(a) && isASCII(b) { // bytes are runes: no conversion
		return 100 * (max(len(a), len(b)) - editdist.OSA([]byte(a), []byte(b))) / max(len(a), len(b))
	}
	ra, rb := []rune(a), []rune(b)
	longer := max(len(ra), len(rb))
	if longer == 0 {
		return 100
	}
	return 100 * (longer - editdist.OSA(ra, rb)) / longer
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
