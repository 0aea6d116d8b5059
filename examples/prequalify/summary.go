package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
)

// Limits of the one-screen summary.
const (
	summaryApprovals  = 5  // missing approvals listed
	summaryConditions = 4  // other open conditions or declines listed
	summaryWidth      = 96 // longest line, before the ellipsis
)

// writeSummary writes -format summary: for one decision a screen of at
// most 25 lines, for several one line per market.
func writeSummary(w io.Writer, ds []markets.Decision) error {
	p := &printer{w: w}
	if len(ds) > 1 {
		writeRollout(p, ds)
		return p.err
	}
	for _, d := range ds {
		writeDecisionSummary(p, d)
	}
	return p.err
}

// writeDecisionSummary writes the verdict, what must happen before the
// cargo moves (the longest lead time first), the open conditions or
// declines, and the money, in at most 25 lines.
func writeDecisionSummary(p *printer, d markets.Decision) {
	p.line("%s  %s  shipment %s, as of %s, policy %s %s", d.Market, strings.ToUpper(string(d.Verdict)),
		d.ShipmentID, d.AsOf, d.Policy.Market, d.Policy.Version)
	p.para("  ", verdictSummary(d))
	missing := blockingMissing(d)
	if len(missing) > 0 {
		p.line("Before the cargo moves (longest lead time first):")
		for i, a := range missing {
			if i == summaryApprovals {
				p.line("  + %d more (see -format text)", len(missing)-i)
				break
			}
			lead := "lead time unknown"
			if a.LeadTimeDays != nil {
				lead = plural(*a.LeadTimeDays, "day", "days")
			}
			p.line("  - %s", shorten(fmt.Sprintf("%s (%s), %s, %s", a.ID, a.Authority, lead, strings.ToLower(linesText(a.Lines))), summaryWidth))
		}
	}
	want, heading := iorules.SeverityCondition, "Also open:"
	if d.Verdict == markets.Decline {
		want, heading = iorules.SeverityDecline, "Declined because:"
	}
	var open []iorules.Reason
	for _, r := range d.Reasons {
		if r.Severity == want && !approvalReason(r, d.Approvals) {
			open = append(open, r)
		}
	}
	if len(open) > 0 {
		p.line("%s", heading)
		for i, r := range open {
			if i == summaryConditions {
				p.line("  + %d more (see -format text)", len(open)-i)
				break
			}
			what := r.Message
			if r.Unblock != "" {
				what = r.Unblock
			}
			p.line("  - %s", shorten(fmt.Sprintf("%s (%s): %s", r.Code, strings.ToLower(linesText(r.Lines)), what), summaryWidth))
		}
	}
	p.para("", moneySummary(d))
	p.line("Full report: -format text; how each figure came about: -explain.")
}

// moneySummary says the customs value, the taxes and the landed cost, or
// why they are not given.
// taxesNotComputed counts the distinct taxes of d.NotComputed: a tax has
// one entry per cause (a table miss on each HS code).
func taxesNotComputed(d markets.Decision) int {
	seen := map[string]bool{}
	for _, nc := range d.NotComputed {
		seen[nc.Tax] = true
	}
	return len(seen)
}

func moneySummary(d markets.Decision) string {
	v := d.Valuation
	if v == nil {
		return "Taxes: not computed, the shipment could not be valued (see -format text)."
	}
	c := v.Currency
	s := fmt.Sprintf("Customs value %s %s", c, fixed(v.CustomsValue, c))
	switch {
	case d.TotalTaxes != nil:
		s += fmt.Sprintf("; taxes %s %s; landed cost %s %s.", c, fixed(*d.TotalTaxes, c), c, fixed(*d.LandedCost, c))
	case d.PartialTotalTaxes != nil:
		s += fmt.Sprintf("; taxes at least %s %s (partial: %s not computed for some lines); landed cost not computed.",
			c, fixed(*d.PartialTotalTaxes, c), plural(taxesNotComputed(d), "tax", "taxes"))
	default:
		s += "; taxes not computed."
	}
	return s
}
