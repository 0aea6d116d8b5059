package exportctl

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/iorules/iorules"
)

// DecisionOwnershipCleared is the Disposition decision recording that a
// party's owners were established and screened under the BIS Affiliates
// rule: no party on the Entity List, the Military End-User List or an SDN
// programme of 15 CFR 744.8 owns 50 % or more of it, directly or indirectly,
// individually or in the aggregate. Its PartyName names the party screened;
// its ListedName is empty. It lifts the ownership condition for that party.
const DecisionOwnershipCleared = "ownership_cleared"

// affiliates applies the BIS Affiliates rule to a shipment the EAR reaches:
// while the rule is in force, an unlisted end user or importer of record is
// treated as listed when listed parties own 50 % or more of it, so its owners
// must be known. The shipment records no owners; a party is settled only by
// a DecisionOwnershipCleared disposition.
func (e *eval) affiliates(items []iorules.Item, ds []Disposition) {
	r, ok := e.d.inForce(ruleAffiliates, e.on)
	if !ok || e.listedDecline || e.blocked() || e.s.Destination == "US" {
		return // not in force; a party is itself listed; embargoed; or not an export from the US's view
	}
	reached := e.regime == regimeEAR || slices.ContainsFunc(items, func(it iorules.Item) bool { return it.CountryOfOrigin == "US" })
	if !reached {
		return // foreign-made goods shipped from abroad: whether the EAR reaches them is asked per line
	}
	t := e.d.affiliatesTexts[r.from]
	var open, settled []string
	for _, p := range e.parties() {
		who := p.role
		if name := strings.TrimSpace(p.party.Name); name != "" {
			who += " " + strconv.Quote(name)
		}
		if ref, ok := ownershipCleared(ds, p.party.Name); ok {
			settled = append(settled, who+" (disposition "+strconv.Quote(ref)+")")
		} else {
			open = append(open, who)
		}
	}
	if len(settled) > 0 {
		e.add(finding{
			regime: regimeEAR, severity: iorules.SeverityInfo, code: CodeNote, rule: ruleAffiliates, source: r.source,
			message: t.lead + " Ownership recorded as screened for " + strings.Join(settled, " and ") + ".",
		})
	}
	if len(open) == 0 {
		return
	}
	whom := strings.Join(open, " and ")
	e.add(finding{
		regime: regimeEAR, severity: iorules.SeverityCondition, code: CodeOwnershipUnknown, rule: ruleAffiliates, source: r.source,
		message: t.lead + " Who owns " + whom + " is not stated; screening their names alone cannot show it.",
		unblock: "who owns " + t.pct + " % or more of " + whom + ", directly or indirectly, alone or together, and confirmation that none of those owners is on the Entity List, the Military End-User List or an SDN programme of 15 CFR 744.8 (record it as a disposition with decision \"" + DecisionOwnershipCleared + "\", the party's name and the review's reference)",
	})
}

// affiliatesText is the part of the Affiliates-rule reason that depends only
// on the rule's record; the dataset builds it once per record.
type affiliatesText struct {
	lead string // the rule, as the reason's message opens
	pct  string // the ownership threshold, "50"
}

func newAffiliatesText(r rule) affiliatesText {
	pct := "50"
	if v, ok := r.params["ownership_percent"]; ok {
		pct = v.String()
	}
	since := "in force from " + r.from.String()
	if r.confidence != confirmed {
		since += "; unconfirmed, as a later extension of its suspension would not be reflected"
	}
	return affiliatesText{
		pct:  pct,
		lead: fmt.Sprintf("BIS Affiliates rule (%s): an entity owned %s %% or more, directly or indirectly, alone or together, by parties on the Entity List or the Military End-User List (or by SDNs under 15 CFR 744.8) is treated as listed itself.", since, pct),
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
