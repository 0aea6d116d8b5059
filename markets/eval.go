package markets

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/classify"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/markets/internal/policy"
	"github.com/iorules/iorules/valuation"
)

// evaluation is the state of one Prequalify call: the decision being
// assembled, and the run of the policy's rules and taxes, which reports to
// it (policy.Sink).
type evaluation struct {
	run     policy.Run
	pol     *policy.Policy
	s       *iorules.Shipment
	d       *Decision
	reqs    []approvals.Requirement
	missing notComputedList // the taxes not computed for some lines
	// explain, when not nil, collects the explanation.
	explain *Explanation
}

func (ev *evaluation) addReason(r iorules.Reason) {
	ev.d.Reasons = append(ev.d.Reasons, r)
}

// reasonBuffers recycle the slices an evaluation gathers its reasons in:
// finish copies the reasons, in order of severity, into a slice of the
// decision's own, and gives the buffer back cleared.
var reasonBuffers = sync.Pool{New: func() any { b := make([]iorules.Reason, 0, 64); return &b }}

// maxPooledReasons bounds the buffers kept for reuse.
const maxPooledReasons = 1024

// Reason adds a reason of the policy's run to the decision (policy.Sink).
func (ev *evaluation) Reason(r iorules.Reason) { ev.addReason(r) }

// MoreLines merges the lines of r into the reason already given for the
// same rule or tax that failed the same way (policy.Sink).
func (ev *evaluation) MoreLines(r *iorules.Reason) bool {
	for i := range ev.d.Reasons {
		if rr := &ev.d.Reasons[i]; rr.Rule == r.Rule && rr.Code == r.Code && rr.Message == r.Message &&
			(rr.Code == CodeFactMissing || rr.Code == CodeRuleError) {
			rr.Lines = append(rr.Lines, r.Lines...)
			return true
		}
	}
	return false
}

// Fired records a rule that held (policy.Sink): its approval
// requirements, or its reason.
func (ev *evaluation) Fired(r *policy.Rule, fired []int, message string) {
	if r.Kind == policy.KindApproval {
		for _, line := range fired {
			req := r.Approval
			req.Line = line
			ev.reqs = append(ev.reqs, req)
		}
	}
	ev.d.Fired = append(ev.d.Fired, FiredRule{Rule: r.ID, Lines: fired})
	if r.Confidence == iorules.ConfidenceUnconfirmed {
		ev.addReason(iorules.Reason{
			Code: CodeUnconfirmedRule, Severity: iorules.SeverityInfo, Lines: fired, Rule: r.ID, Source: r.Source,
			Message: r.UnconfirmedNote,
		})
	}
	if r.Kind == policy.KindApproval {
		return
	}
	ev.addReason(iorules.Reason{
		Code: r.Code, Severity: severityOf(r.Kind), Message: message, Lines: fired,
		Rule: r.ID, Source: r.Source, Unblock: r.Unblock,
	})
}

// Prequalify evaluates the shipment against the policy of its destination
// market.
func (e *Engine) Prequalify(s iorules.Shipment, opts ...EvalOption) (Decision, error) {
	return e.PrequalifyMarket(s.Destination, s, opts...)
}

// PrequalifyAll evaluates the shipment against every loaded market, in
// market order. Export controls are screened for each market as the
// destination.
func (e *Engine) PrequalifyAll(s iorules.Shipment, opts ...EvalOption) ([]Decision, error) {
	if err := s.Validate(e.checks...); err != nil {
		return nil, err
	}
	cfg := newEvalConfig(opts)
	out := make([]Decision, 0, len(e.order))
	for _, m := range e.order {
		d, err := e.prequalifyWith(e.policies[m], s, screenFor(m, s, &cfg), &cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// PrequalifyMarket evaluates the shipment against one market's policy,
// which need not be the shipment's destination (to compare markets before
// choosing one); export controls are screened with market as the
// destination. It returns an error only for an invalid shipment (a joined
// error of *iorules.FieldError, what the policy of its destination needs of
// it included: see ShipmentChecks) or an unknown market
// (*UnknownMarketError).
func (e *Engine) PrequalifyMarket(market iorules.Country, s iorules.Shipment, opts ...EvalOption) (Decision, error) {
	// An invalid shipment gets its field errors whatever the market: a
	// shipment without a destination must not read as an unknown market.
	if err := s.Validate(e.checks...); err != nil {
		return Decision{}, err
	}
	pol, ok := e.policies[market]
	if !ok {
		return Decision{}, &UnknownMarketError{Market: market}
	}
	cfg := newEvalConfig(opts)
	return e.prequalifyWith(pol, s, screenFor(market, s, &cfg), &cfg)
}

// screenFor screens the shipment's export controls as if it were addressed
// to market: what the origin's rules require depends on the destination
// (country groups, embargoes, licence policy), so a comparison of markets
// must not reuse the screening of the shipment's own destination.
func screenFor(market iorules.Country, s iorules.Shipment, cfg *evalConfig) exportctl.Result {
	s.Destination = market
	return exportctl.Screen(s, cfg.screening)
}

// policyRef identifies pol as a decision cites it.
func policyRef(pol *policy.Policy) PolicyRef {
	return PolicyRef{Market: pol.Market, Version: pol.Version, File: pol.File, SHA256: pol.Digest,
		EffectiveFrom: pol.EffectiveFrom, EffectiveTo: pol.EffectiveTo}
}

// prequalifyWith evaluates a validated shipment against one policy, given
// the export-control screening of the shipment and the call's evaluation
// options (reference prices; the audit digests, cached across markets).
func (e *Engine) prequalifyWith(pol *policy.Policy, s iorules.Shipment, screen exportctl.Result, cfg *evalConfig) (Decision, error) {
	d := &Decision{
		ShipmentID: s.ID, Market: pol.Market, Currency: pol.Currency, AsOf: s.Date,
		Reasons: (*reasonBuffers.Get().(*[]iorules.Reason))[:0], Approvals: []approvals.Approval{}, Taxes: []Tax{},
		Lines: []Line{}, Fired: []FiredRule{}, NotEvaluated: slices.Clone(pol.NotEvaluated),
		Policy: policyRef(pol),
	}
	ev := &evaluation{pol: pol, s: &s, d: d}
	ev.run.Start(e.env, pol, &s, ev, policy.RunOptions{NoMemo: e.noMemo, Explain: cfg.explain, Interpret: e.interpret})
	if cfg.explain {
		ev.explain = &Explanation{RateDate: s.Date, Taxes: []TaxExplanation{}, Rules: []RuleExplanation{}}
	}

	if !policy.InWindow(s.Date, pol.EffectiveFrom, pol.EffectiveTo) {
		ev.addReason(iorules.Reason{
			Code: CodePolicyOutOfWindow, Severity: iorules.SeverityCondition, Rule: "policy",
			Message: fmt.Sprintf("the shipment date %s is outside the window %s..%s for which the %s policy %s is known good; rates and rules may have changed",
				s.Date, pol.EffectiveFrom, orOpen(pol.EffectiveTo), pol.Market, pol.Version),
			Unblock: "Re-run with a policy version whose window covers the shipment date.",
		})
	}

	ev.reportUnknownIDs()
	var classReasons []iorules.Reason
	d.Classification, classReasons = classify.CheckShipment(pol.Market, s)
	d.Reasons = append(d.Reasons, classReasons...)
	d.ExportControl = screen
	d.Reasons = append(d.Reasons, screen.Reasons...)

	val, err := valuation.Value(s, pol.Basis, pol.Currency)
	var missing *valuation.MissingRateError
	switch {
	case errors.As(err, &missing):
		ev.addReason(iorules.Reason{
			Code: CodeExchangeRateMissing, Severity: iorules.SeverityCondition, Rule: "valuation",
			Message: fmt.Sprintf("no exchange rate from %s to %s: the customs value and taxes were not computed", missing.From, missing.To),
			Unblock: fmt.Sprintf("Supply exchange_rates.%s: %s per %s on %s.", missing.From, missing.To, missing.From, s.Date),
		})
	case err != nil:
		return Decision{}, err
	default:
		d.Valuation = &val
		d.Reasons = append(d.Reasons, val.Reasons...)
	}
	ev.run.Bind(val, missing)
	ev.run.ApplyRules()
	ev.applyApprovals()
	ev.review(cfg)
	if d.Valuation != nil {
		ev.applyTaxes()
	}
	ev.noteUnconfirmed()
	ev.finish()
	if ev.explain != nil {
		if d.Valuation != nil && d.Valuation.SourceCurrency != d.Valuation.Currency {
			rate := d.Valuation.ExchangeRate
			ev.explain.ExchangeRate = &rate
		}
		d.Explanation = ev.explain
	}
	if d.Audit, err = e.audit(pol, &s, cfg); err != nil {
		return Decision{}, err
	}
	return *d, nil
}

func orOpen(d iorules.Date) string {
	if d.IsZero() {
		return "(open)"
	}
	return d.String()
}

// linesPhrase names lines for a person: "line 3", "lines 1, 2".
func linesPhrase(lines []int) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprint(l)
	}
	if len(lines) == 1 {
		return "Line " + parts[0]
	}
	return "Lines " + strings.Join(parts, ", ")
}

func severityOf(kind string) iorules.Severity {
	switch kind {
	case policy.KindDecline, policy.KindImporter:
		return iorules.SeverityDecline
	case policy.KindCondition:
		return iorules.SeverityCondition
	}
	return iorules.SeverityInfo
}

// applyApprovals merges the approval requirements and reports the ones
// that are not held.
func (ev *evaluation) applyApprovals() {
	d := ev.d
	d.Approvals = approvals.Merge(*ev.s, ev.reqs)
	for _, a := range d.Approvals {
		if a.Status == approvals.StatusHeld {
			continue
		}
		sev := iorules.SeverityCondition
		if !a.Stage.Blocks() {
			sev = iorules.SeverityInfo
		}
		code, what := CodeApprovalMissing, "is required"
		if a.Status == approvals.StatusExpired {
			code, what = CodeApprovalExpired, "has expired"
		}
		msg := fmt.Sprintf("%s (%s) %s %s", approvalName(a), a.ID, what, stagePhrase(a.Stage))
		if a.Note != "" {
			msg += ". " + strings.TrimSuffix(a.Note, ".")
		}
		lead := "lead time unknown"
		if a.LeadTimeDays != nil {
			lead = fmt.Sprintf("lead time about %d days", *a.LeadTimeDays)
		}
		unblock := fmt.Sprintf("Obtain %s from %s (%s) and list it in approvals_held as %q.", a.Title, a.Authority, lead, a.ID)
		if a.Unblock != "" {
			unblock = a.Unblock + " (" + lead + ")"
		}
		ev.addReason(iorules.Reason{
			Code: code, Severity: sev, Lines: a.Lines, Rule: a.Rule, Source: a.Source,
			Message: msg + ".", Unblock: unblock,
		})
	}
	date, ok := approvals.EarliestShipDate(ev.s.Date, d.Approvals)
	if !ok {
		ev.addReason(iorules.Reason{
			Code: CodeLeadTimeUnknown, Severity: iorules.SeverityInfo, Rule: "approvals",
			Message: "the earliest ship date cannot be given: a missing approval has no known lead time",
		})
		return
	}
	// An export licence required at origin holds the cargo too, and no
	// processing time is known for one: the date is unknown, not today.
	if lines, needed := licenceLines(d.ExportControl); needed {
		ev.addReason(iorules.Reason{
			Code: CodeLeadTimeUnknown, Severity: iorules.SeverityInfo, Rule: "export_control", Lines: lines,
			Message: "the earliest ship date cannot be given: an export licence is required at origin and its processing time is not known",
		})
		return
	}
	d.EarliestShipDate = date
}

// licenceLines reports whether an export licence is required at origin,
// and for which lines (none named when it is for the shipment as a whole).
func licenceLines(r exportctl.Result) ([]int, bool) {
	var lines []int
	for _, l := range r.Lines {
		if l.LicenceRequired {
			lines = append(lines, l.Line)
		}
	}
	return lines, r.LicenceRequired || len(lines) > 0
}

// approvalName is the authority and title of an approval, without saying
// the authority twice when the title starts with it ("TAREKS import
// inspection", "BIS registration").
func approvalName(a approvals.Approval) string {
	if rest, ok := strings.CutPrefix(a.Title, a.Authority); a.Authority == "" || ok && (rest == "" || rest[0] == ' ') {
		return a.Title
	}
	return a.Authority + " " + a.Title
}

func stagePhrase(s approvals.Stage) string {
	switch s {
	case approvals.BeforeShipment:
		return "before the goods are shipped"
	case approvals.BeforeClearance:
		return "before the customs declaration"
	}
	return "after clearance, to sell or operate the goods; it does not hold the cargo"
}

// noteUnconfirmed adds one info reason per unconfirmed or caller-supplied
// table row used, in order of first use.
func (ev *evaluation) noteUnconfirmed() {
	for _, u := range ev.run.Used() {
		label := u.Label()
		if u.Entry.Caller {
			msg := label + " was supplied by the caller (" + strings.TrimPrefix(u.Entry.Source, policy.CallerSource) + ")"
			if u.Entry.Confidence == "unconfirmed" {
				msg += ", marked unconfirmed"
			}
			ev.addReason(iorules.Reason{
				Code: CodeCallerRate, Severity: iorules.SeverityInfo, Rule: "table " + u.Table, Source: u.Entry.Source,
				Message: msg + "; the figures computed from it rest on that source",
			})
			continue
		}
		ev.addReason(iorules.Reason{
			Code: CodeUnconfirmedRate, Severity: iorules.SeverityInfo, Rule: "table " + u.Table, Source: u.Entry.Source,
			Message: label + " is unconfirmed: check it against the official tariff before relying on the figure",
		})
	}
}

// bySeverity orders reasons from the most to the least severe, keeping
// the order of reasons of equal severity. There are three severities, so
// this is one pass per severity rather than a sort that moves the large
// Reason values around.
func bySeverity(reasons []iorules.Reason) []iorules.Reason {
	out := make([]iorules.Reason, 0, len(reasons))
	for _, sev := range []iorules.Severity{iorules.SeverityDecline, iorules.SeverityCondition, iorules.SeverityInfo} {
		for i := range reasons {
			if reasons[i].Severity == sev {
				out = append(out, reasons[i])
			}
		}
	}
	if len(out) != len(reasons) {
		// A severity outside the three: fall back to the general order.
		out = append(out[:0], reasons...)
		slices.SortStableFunc(out, func(a, b iorules.Reason) int {
			return cmp.Compare(b.Severity.Rank(), a.Severity.Rank())
		})
	}
	return out
}

// finish orders the reasons and sets the verdict.
func (ev *evaluation) finish() {
	d := ev.d
	for i := range d.Reasons {
		slices.Sort(d.Reasons[i].Lines)
		d.Reasons[i].Lines = slices.Compact(d.Reasons[i].Lines)
	}
	gathered := d.Reasons
	d.Reasons = bySeverity(gathered)
	if cap(gathered) <= maxPooledReasons {
		// Nothing else holds the buffer: the decision has its own copy.
		gathered = gathered[:cap(gathered)]
		clear(gathered)
		gathered = gathered[:0]
		reasonBuffers.Put(&gathered)
	}
	d.Verdict = Clear
	for _, r := range d.Reasons {
		switch r.Severity {
		case iorules.SeverityDecline:
			d.Verdict = Decline
			// A declined shipment does not move: it has no ship date.
			d.EarliestShipDate = iorules.Date{}
			return
		case iorules.SeverityCondition:
			d.Verdict = Conditional
		}
	}
}
