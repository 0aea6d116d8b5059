package exportctl

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
)

// DecisionOwnershipCleared is the Disposition decision recording that a
// party's owners were established and screened under the BIS Affiliates
// rule: no party on the Entity List, the Military End-User List or an SDN
// programme of 15 CFR 744.8 owns 50 % or more of it, directly or indirectly,
// individually or in the aggregate. Its PartyName names the party screened;
// its ListedName is empty. It lifts the ownership condition for that party
// when the shipment does not state the party's ownership or no list was
// supplied to screen the stated owners, and the review condition of a
// listed minority owner; it never outweighs stated owners whose listed
// shares reach the rule's threshold.
const DecisionOwnershipCleared = "ownership_cleared"

// affiliates applies the BIS Affiliates rule to a shipment the EAR reaches:
// while the rule is in force, an unlisted end user or importer of record is
// treated as listed when listed parties own 50 % or more of it, so its owners
// must be known. A party is settled by its stated ownership (no owner of
// 25 % or more, or owners screened against the caller's list) or by a
// DecisionOwnershipCleared disposition; otherwise the ownership condition
// asks for its owners.
func (e *eval) affiliates(items []iorules.Item, opts Options) {
	r, ok := e.d.inForce(ruleAffiliates, e.on)
	if !ok || e.listedDecline || e.blocked() || e.s.Destination == "US" {
		return // not in force; a party is itself listed; embargoed; or not an export from the US's view
	}
	reached := e.regime == regimeEAR || slices.ContainsFunc(items, func(it iorules.Item) bool { return it.CountryOfOrigin == "US" })
	if !reached {
		return // foreign-made goods shipped from abroad: whether the EAR reaches them is asked per line
	}
	t := e.d.affiliatesTexts[r.From]
	var open, unscreened, settled []string
	for _, p := range e.parties() {
		who := p.role
		if name := strings.TrimSpace(p.party.Name); name != "" {
			who += " " + strconv.Quote(name)
		}
		own := p.party.Ownership
		switch {
		case own != nil && len(own.Owners) == 0:
			settled = append(settled, who+" (no owner of 25 % or more, checked on "+own.CheckedOn.String()+")")
		case own != nil && len(opts.Parties) > 0:
			if note, ok := e.ownersScreened(r, t, who, p.party.Name, own, opts); ok {
				settled = append(settled, note)
			}
		default:
			if ref, ok := ownershipCleared(opts.Dispositions, p.party.Name); ok {
				settled = append(settled, who+" (disposition "+strconv.Quote(ref)+")")
			} else if own != nil {
				unscreened = append(unscreened, who+" ("+ownersList(own)+")")
			} else {
				open = append(open, who)
			}
		}
	}
	if len(settled) > 0 {
		e.add(finding{
			regime: regimeEAR, severity: iorules.SeverityInfo, code: CodeNote, rule: ruleAffiliates, source: r.source,
			message: t.lead + " Ownership established for " + strings.Join(settled, " and ") + ".",
		})
	}
	if len(unscreened) > 0 {
		whom := strings.Join(unscreened, " and ")
		e.add(finding{
			regime: regimeEAR, severity: iorules.SeverityCondition, code: CodeOwnershipUnknown, rule: ruleAffiliates, source: r.source,
			message: t.lead + " The owners of " + whom + " are stated but were not screened: no restricted-party list was supplied.",
			unblock: "screening of the owners named against the Entity List, the Military End-User List and the SDN List (supply the list in the options), or a disposition with decision \"" + DecisionOwnershipCleared + "\", the party's name and the review's reference",
		})
	}
	if len(open) == 0 {
		return
	}
	whom := strings.Join(open, " and ")
	e.add(finding{
		regime: regimeEAR, severity: iorules.SeverityCondition, code: CodeOwnershipUnknown, rule: ruleAffiliates, source: r.source,
		message: t.lead + " Who owns " + whom + " is not stated; screening their names alone cannot show it.",
		unblock: "who owns " + t.pct + " % or more of " + whom + ", directly or indirectly, alone or together, and confirmation that none of those owners is on the Entity List, the Military End-User List or an SDN programme of 15 CFR 744.8 (state it in the party's ownership, or record it as a disposition with decision \"" + DecisionOwnershipCleared + "\", the party's name and the review's reference)",
	})
}

// ownersScreened screens a party's stated owners against the caller's list
// (as parties are screened) and adds up the shares of the owners that match
// a list the Affiliates rule extends (or one the data does not know). At the
// rule's threshold or more the party is treated as listed: a finding with
// the lists' effect, which also withdraws licence exceptions as a listed
// party does. Any other uncleared owner match is a condition to review (a
// listed minority owner is Red Flag 29), unless a DecisionOwnershipCleared
// disposition records that review. With no uncleared match it returns the
// note that settles the party.
func (e *eval) ownersScreened(r rule, t affiliatesText, who, party string, own *iorules.Ownership, opts Options) (string, bool) {
	targets := make([]nameTarget, len(own.Owners))
	for i, o := range own.Owners {
		targets[i] = nameTarget{role: "owner", name: o.Name, country: o.Country}
	}
	matchNames(targets, opts)
	var listed, other, clearedBy []string
	total := decimal.Zero
	effect := iorules.SeverityInfo
	for i := range targets {
		o := &own.Owners[i]
		owner := fmt.Sprintf("%q (%s %%)", o.Name, o.Share)
		var counted, rest *Match
		for j := range targets[i].found {
			m := &targets[i].found[j]
			if m.Cleared {
				clearedBy = append(clearedBy, fmt.Sprintf("%s: match on %s cleared by %q", owner, m.List, m.Reference))
				continue
			}
			eff, _ := e.d.listEffectOf(m.List)
			switch {
			case eff.affiliates && counted == nil:
				counted = m
				if eff.effect.Rank() > effect.Rank() {
					effect = eff.effect
				}
			case !eff.affiliates && rest == nil:
				rest = m
			}
		}
		switch {
		case counted != nil:
			total = total.Add(o.Share)
			listed = append(listed, fmt.Sprintf("%s matches %q on %s (score %d)", owner, counted.MatchedName, counted.List, counted.Score))
		case rest != nil:
			other = append(other, fmt.Sprintf("%s matches %q on %s (score %d), a list the rule does not extend", owner, rest.MatchedName, rest.List, rest.Score))
		}
	}
	checked := "ownership checked on " + own.CheckedOn.String()
	clearOwner := "dispositions clearing the owners' matches as different parties (decision \"" + DecisionCleared + "\", the owner's name as party_name)"
	if total.GreaterThanOrEqual(t.threshold) {
		f := finding{
			regime: regimeEAR, severity: effect, code: CodeRestrictedParty, rule: ruleAffiliates, source: r.source,
			message: t.lead + fmt.Sprintf(" Listed owners hold %s %% of %s (%s): %s. It is treated as listed itself",
				total, who, checked, strings.Join(slices.Concat(listed, other), "; ")),
			unblock: clearOwner + ", corrected ownership facts, or the authorisation the listed owners' lists require",
		}
		if effect == iorules.SeverityDecline {
			f.message += ": exports to or involving it need a licence under the listed owners' licence requirements and review policy, and licence exceptions are unavailable (15 CFR 740.2)."
			e.listedDecline = true
		} else {
			f.message += " and the transaction must be reviewed."
		}
		e.add(f)
		return "", false
	}
	if len(listed)+len(other) > 0 {
		if ref, ok := ownershipCleared(opts.Dispositions, party); ok {
			return who + " (listed owners under " + t.pct + " %, reviewed: disposition " + strconv.Quote(ref) + ")", true
		}
		e.add(finding{
			regime: regimeEAR, severity: iorules.SeverityCondition, code: CodeRestrictedParty, rule: ruleAffiliates, source: r.source,
			message: t.lead + fmt.Sprintf(" Owners of %s match restricted-party lists (%s): %s. Listed owners hold %s %% together, under %s %%, so on the stated shares it is not treated as listed; a listed minority owner is a red flag (Red Flag 29 of Supp. 3 to part 732) that calls for a review of its ties and of indirect ownership.",
				who, checked, strings.Join(slices.Concat(listed, other), "; "), total, t.pct),
			unblock: "a review of the party's ownership and ties to its listed owners, recorded as a disposition with decision \"" + DecisionOwnershipCleared + "\", the party's name and the review's reference; or " + clearOwner,
		})
		return "", false
	}
	note := who + " (owners screened, none listed: " + ownersList(own)
	if len(clearedBy) > 0 {
		note += "; " + strings.Join(clearedBy, "; ")
	}
	return note + "; " + checked + ")", true
}

// ownersList names a party's stated owners with their shares.
func ownersList(own *iorules.Ownership) string {
	names := make([]string, len(own.Owners))
	for i, o := range own.Owners {
		names[i] = fmt.Sprintf("%q %s %%", o.Name, o.Share)
	}
	return strings.Join(names, ", ")
}

// affiliatesText is the part of the Affiliates-rule reason that depends only
// on the rule's record; the dataset builds it once per record.
type affiliatesText struct {
	lead      string          // the rule, as the reason's message opens
	pct       string          // the ownership threshold, "50"
	threshold decimal.Decimal // the same, as a number
}

func newAffiliatesText(r rule) affiliatesText {
	threshold := decimal.NewFromInt(50)
	if v, ok := r.params["ownership_percent"]; ok {
		threshold = v
	}
	pct := threshold.String()
	since := "in force from " + r.From.String()
	if !r.confidence.IsConfirmed() {
		since += "; unconfirmed, as a later extension of its suspension would not be reflected"
	}
	return affiliatesText{
		pct:       pct,
		threshold: threshold,
		lead:      fmt.Sprintf("BIS Affiliates rule (%s): an entity owned %s %% or more, directly or indirectly, alone or together, by parties on the Entity List or the Military End-User List (or by SDNs under 15 CFR 744.8) is treated as listed itself.", since, pct),
	}
}

// ownershipCleared finds a DecisionOwnershipCleared disposition for the
// named party, comparing normalised names. An unnamed party cannot be
// cleared.
func ownershipCleared(ds []Disposition, party string) (string, bool) {
	key := ""
	for _, d := range ds {
		if !strings.EqualFold(strings.TrimSpace(d.Decision), DecisionOwnershipCleared) {
			continue
		}
		if key == "" { // normalised only when some disposition could clear it
			if key = normalizeName(party).key(); key == "" {
				return "", false
			}
		}
		if normalizeName(d.PartyName).key() == key {
			return d.Reference, true
		}
	}
	return "", false
}
