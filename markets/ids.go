package markets

import (
	"fmt"
	"github.com/iorules/iorules/internal/editdist"
	"slices"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets/internal/policy"
)

// reportUnknownIDs adds an info reason for each approval id and
// registration scheme of the shipment that belongs to the market (it has
// the market's prefix, or no market prefix at all) but that the policy does
// not know: such an id is treated as absent, so a misspelling ("in.bis"
// for "in.bis_crs") must not pass unnoticed. Ids of other markets are
// left alone: a shipment offered to several markets carries them all.
func (ev *evaluation) reportUnknownIDs() {
	pol := ev.pol
	for i, it := range ev.s.Items {
		for j, h := range it.ApprovalsHeld {
			if ev.foreignOrKnown(h.ID, pol.KnownApprovals) {
				continue
			}
			path := fmt.Sprintf("items[%d].approvals_held[%d].id", i, j)
			ev.addReason(unknownIDReason(path, "an approval", h.ID, pol, pol.KnownApprovals, []int{it.Line}))
		}
	}
	for k, r := range ev.s.ImporterOfRecord.Registrations {
		if ev.foreignOrKnown(r.Scheme, pol.KnownSchemes) {
			continue
		}
		path := fmt.Sprintf("importer_of_record.registrations[%d].scheme", k)
		ev.addReason(unknownIDReason(path, "a registration scheme", r.Scheme, pol, pol.KnownSchemes, nil))
	}
}

// foreignOrKnown reports whether id is known to the policy or names
// another market ("br.anatel" while evaluating TR).
func (ev *evaluation) foreignOrKnown(id string, known []string) bool {
	if containsSorted(known, id) {
		return true
	}
	prefix, _, ok := strings.Cut(id, ".")
	if !ok {
		return false
	}
	c, err := iorules.ParseCountry(strings.ToUpper(prefix))
	return err == nil && c != ev.pol.Market
}

func containsSorted(ids []string, id string) bool {
	_, found := slices.BinarySearch(ids, id)
	return found
}

func unknownIDReason(path, what, id string, pol *policy.Policy, known []string, lines []int) iorules.Reason {
	msg := fmt.Sprintf("%s: %q is not %s the %s policy %s knows, so it counts as absent", path, id, what, pol.Market, pol.Version)
	unblock := "Check the id against the market's list."
	if best := closest(id, known); best != "" {
		msg += fmt.Sprintf("; did you mean %q?", best)
		unblock = fmt.Sprintf("Use the id %q if that is what the shipment holds.", best)
	}
	if len(known) > 0 {
		msg += " Known: " + strings.Join(known, ", ") + "."
	}
	return iorules.Reason{Code: CodeUnknownID, Severity: iorules.SeverityInfo, Rule: "ids", Lines: lines, Message: msg, Unblock: unblock}
}

// closest returns the known id nearest to id by edit distance, preferring
// one that id is a prefix of, or "" when none is near (more than half of
// the longer one differs).
func closest(id string, known []string) string {
	best, bestDist := "", -1
	for _, k := range known {
		d := editdist.OSA([]byte(id), []byte(k))
		if strings.HasPrefix(k, id) || strings.HasPrefix(id, k) {
			d = min(d, 1) // "in.bis" for "in.bis_crs"
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" || bestDist*2 > max(len(id), len(best)) {
		return ""
	}
	return best
}
