package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/classify"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
)

// reportWidth is the width the text report wraps prose to.
const reportWidth = 80

// writeText renders decisions as a report a person reads top to bottom:
// for several markets a rollout summary first, then for each market its
// verdict, what must happen before the cargo moves, the other reasons by
// severity, approvals, the tax table, classification and export-control
// findings, unconfirmed figures and sources.
func writeText(w io.Writer, ds []markets.Decision) error {
	p := &printer{w: w}
	if len(ds) > 1 {
		writeRollout(p, ds)
	} else {
		// The first screen is the summary; the full report follows.
		for _, d := range ds {
			writeDecisionSummary(p, d)
			p.line("")
			p.line("Full report")
			p.line("")
		}
	}
	for i, d := range ds {
		if i > 0 || len(ds) > 1 {
			p.line("")
		}
		writeDecision(p, d)
	}
	return p.err
}

// printer writes lines and remembers the first error.
type printer struct {
	w   io.Writer
	err error
}

// line writes one formatted line.
func (p *printer) line(format string, args ...any) { p.raw(fmt.Sprintf(format, args...)) }

// raw writes s as one line, without trailing spaces, escaping what must
// not reach a terminal raw (see escape).
func (p *printer) raw(s string) {
	if p.err != nil {
		return
	}
	_, p.err = io.WriteString(p.w, strings.TrimRight(escape(s), " ")+"\n")
}

// escape writes the characters of s that would not print as themselves as
// Go escapes: control characters (a line break, ESC and the terminal
// sequences it starts), format characters (the bidirectional overrides and
// isolates U+202A-U+202E and U+2066-U+2069, the marks U+200E and U+200F,
// zero-width characters) and line and paragraph separators as \u202e or
// \U000e0001, and bytes that are not UTF-8 as \xff. A shipment, a policy
// or a screening list then cannot make the report show text in another
// order than it holds, hide part of it, or drive the terminal. The output
// holds none of these characters, so escaping it again changes nothing.
func escape(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return r == utf8.RuneError || mustEscape(r) })
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for s = s[i:]; s != ""; {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case mustEscape(r) && r > 0xFFFF:
			fmt.Fprintf(&b, `\U%08x`, r)
		case mustEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}

// mustEscape reports whether escape writes r as an escape.
func mustEscape(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)
}

// para writes text wrapped to reportWidth; the first line starts with
// first, the others with an indent of the same width.
func (p *printer) para(first, text string) {
	first, text = escape(first), escape(text)
	indent := strings.Repeat(" ", utf8.RuneCountInString(first))
	for i, l := range wrap(text, reportWidth-utf8.RuneCountInString(first)) {
		if i == 0 {
			p.raw(first + l)
		} else {
			p.raw(indent + l)
		}
	}
}

// wrap splits text into lines of at most width runes at spaces; a word
// longer than width stands on its own line.
func wrap(text string, width int) []string {
	width = max(width, 20)
	words := strings.Fields(text)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	cur := words[0]
	for _, w := range words[1:] {
		// Lone punctuation (" ; " between URLs) stays with its word.
		if utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) > width && !strings.ContainsAny(w[:1], ";,:") {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur += " " + w
	}
	return append(lines, cur)
}

// table writes rows as columns separated by two spaces; right lists the
// columns aligned to the right.
func (p *printer) table(indent string, rows [][]string, right ...int) {
	// Escape first, so that the columns line up with what is printed.
	escaped := make([][]string, len(rows))
	for i, r := range rows {
		escaped[i] = make([]string, len(r))
		for j, c := range r {
			escaped[i][j] = escape(c)
		}
	}
	rows = escaped
	widths := map[int]int{}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if slices.Contains(right, i) {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		p.raw(b.String())
	}
}

// --- rollout summary -------------------------------------------------------

func writeRollout(p *printer, ds []markets.Decision) {
	first := ds[0]
	p.line("MARKETS  shipment %s, as of %s, %s", first.ShipmentID, first.AsOf, plural(len(ds), "market", "markets"))
	p.line("")
	rows := [][]string{{"Market", "Verdict", "Ship from", "Missing", "Landed cost", "Blocked by"}}
	type group struct {
		date    string
		markets []string
	}
	var groups []*group
	var declined, unknown []string
	marked := false
	for _, d := range ds {
		ship, known := shipDate(d)
		shipText := ship.String()
		name := string(d.Market)
		if d.Verdict == markets.Conditional && otherConditions(d) {
			name += "+"
		}
		switch {
		case d.Verdict == markets.Decline:
			shipText = "-"
			declined = append(declined, string(d.Market))
		case !known:
			shipText = "unknown"
			unknown = append(unknown, name)
			marked = marked || strings.HasSuffix(name, "+")
		default:
			i := slices.IndexFunc(groups, func(g *group) bool { return g.date == shipText })
			if i < 0 {
				groups = append(groups, &group{date: shipText})
				i = len(groups) - 1
			}
			groups[i].markets = append(groups[i].markets, name)
			marked = marked || strings.HasSuffix(name, "+")
		}
		rows = append(rows, []string{string(d.Market), strings.ToUpper(string(d.Verdict)), shipText,
			fmt.Sprint(len(blockingMissing(d))), landedText(d), strings.Join(blockers(d), ", ")})
	}
	p.table("  ", rows, 3)
	p.line("  Missing: approvals not held that hold the cargo. Blocked by: reason codes")
	p.line("  that decide the verdict, besides missing approvals.")
	p.line("")
	slices.SortFunc(groups, func(a, b *group) int { return cmp.Compare(a.date, b.date) })
	p.line("Markets that can move together")
	for _, g := range groups {
		p.para(fmt.Sprintf("  from %s:    ", g.date), strings.Join(g.markets, ", "))
	}
	if len(unknown) > 0 {
		p.para("  date unknown:       ", strings.Join(unknown, ", ")+" (a missing approval has no known lead time)")
	}
	if len(declined) > 0 {
		p.para("  declined:           ", strings.Join(declined, ", "))
	}
	if marked {
		p.line("  + also has open conditions besides approvals (see the market's report)")
	}
}

// blockers lists the distinct codes of the reasons that decide the verdict
// (the declines of a declined market, the conditions of a conditional one),
// leaving out missing approvals, which the summary counts apart.
func blockers(d markets.Decision) []string {
	want := iorules.SeverityCondition
	if d.Verdict == markets.Decline {
		want = iorules.SeverityDecline
	}
	var out []string
	for _, r := range d.Reasons {
		if r.Severity == want && !approvalReason(r, d.Approvals) && !slices.Contains(out, r.Code) {
			out = append(out, r.Code)
		}
	}
	return out
}

// landedText is the landed cost in the market's currency, with its value in
// the shipment currency when they differ.
func landedText(d markets.Decision) string {
	if d.LandedCost == nil || d.Valuation == nil {
		return "not computed"
	}
	s := string(d.Valuation.Currency) + " " + d.LandedCost.StringFixed(d.Valuation.Currency.MinorUnits())
	if conv := landedInShipmentCurrency(d); conv != "" {
		s += " " + conv
	}
	return s
}

// landedInShipmentCurrency converts the landed cost back at the customs
// exchange rate, for comparing markets; it is a display figure only.
func landedInShipmentCurrency(d markets.Decision) string {
	v := d.Valuation
	if d.LandedCost == nil || v == nil || v.SourceCurrency == v.Currency || !v.ExchangeRate.IsPositive() {
		return ""
	}
	places := v.SourceCurrency.MinorUnits()
	return fmt.Sprintf("(≈ %s %s)", v.SourceCurrency, d.LandedCost.DivRound(v.ExchangeRate, places).StringFixed(places))
}

// --- one market --------------------------------------------------------------

func writeDecision(p *printer, d markets.Decision) {
	p.line("%s  %s  shipment %s, as of %s, policy %s %s", d.Market, strings.ToUpper(string(d.Verdict)),
		d.ShipmentID, d.AsOf, d.Policy.Market, d.Policy.Version)
	p.para("  ", verdictSummary(d))

	writeBeforeCargo(p, d)
	writeReasons(p, d)
	writeDocumentFindings(p, d)
	writeOtherApprovals(p, d)
	writeTaxes(p, d)
	writeExplanation(p, d)
	writeNotEvaluated(p, d)
	writeClassification(p, d)
	writeExportControl(p, d)
	writeUnconfirmed(p, d)
	writeSources(p, d)
}

func verdictSummary(d markets.Decision) string {
	counts := map[iorules.Severity]int{}
	for _, r := range d.Reasons {
		counts[r.Severity]++
	}
	missing := blockingMissing(d)
	switch d.Verdict {
	case markets.Decline:
		return fmt.Sprintf("Cannot be imported as it stands: %s. Resolve every decline before anything else.",
			plural(counts[iorules.SeverityDecline], "declining reason", "declining reasons"))
	case markets.Conditional:
		var parts []string
		if len(missing) > 0 {
			parts = append(parts, plural(len(missing), "missing approval", "missing approvals"))
		}
		if n := conditionCount(d); n > 0 {
			parts = append(parts, plural(n, "other open condition", "other open conditions"))
		}
		s := "Clearable once these are in hand: " + strings.Join(parts, " and ") + "."
		if ship, ok := shipDate(d); ok && len(missing) > 0 {
			s += " Earliest ship date given the approvals' lead times: " + ship.String() + "."
		} else if !ok {
			s += " Earliest ship date unknown: " + shipUnknownWhy(d) + "."
		}
		return s
	}
	return "Nothing blocks the shipment; it can move on " + d.AsOf.String() + "."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// blockingMissing returns the approvals that hold the cargo and are not
// held, the longest lead time first (an unknown lead time first of all).
func blockingMissing(d markets.Decision) []approvals.Approval {
	var out []approvals.Approval
	for _, a := range d.Approvals {
		if a.Status != approvals.StatusHeld && a.Stage.Blocks() {
			out = append(out, a)
		}
	}
	lead := func(a approvals.Approval) int {
		if a.LeadTimeDays == nil {
			return int(^uint(0) >> 1)
		}
		return *a.LeadTimeDays
	}
	slices.SortStableFunc(out, func(a, b approvals.Approval) int {
		return cmp.Or(cmp.Compare(lead(b), lead(a)), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// shipDate is the earliest date the cargo can move given the approvals'
// lead times; ok is false when a missing approval's lead time is unknown.
func shipDate(d markets.Decision) (iorules.Date, bool) {
	return d.EarliestShipDate, !d.EarliestShipDate.IsZero()
}

// shipUnknownWhy says why a decision gives no earliest ship date.
func shipUnknownWhy(d markets.Decision) string {
	for _, r := range d.Reasons {
		if r.Code == markets.CodeLeadTimeUnknown && r.Rule == "export_control" {
			return "an export licence is required at origin and its processing time is not known"
		}
	}
	return "a missing approval has no known lead time"
}

// approvalReason reports whether r is the reason an approval in the list
// produced (those are shown with the approval, not again as reasons).
func approvalReason(r iorules.Reason, as []approvals.Approval) bool {
	if r.Code != markets.CodeApprovalMissing && r.Code != markets.CodeApprovalExpired {
		return false
	}
	return slices.ContainsFunc(as, func(a approvals.Approval) bool { return a.Rule == r.Rule || a.ID == r.Rule })
}

// unconfirmedReason reports whether r only flags an unconfirmed figure.
func unconfirmedReason(r iorules.Reason) bool {
	return r.Code == "unconfirmed_rate" || r.Code == "unconfirmed_rule"
}

// conditionCount counts condition reasons other than missing approvals.
func conditionCount(d markets.Decision) int {
	n := 0
	for _, r := range d.Reasons {
		if r.Severity == iorules.SeverityCondition && !approvalReason(r, d.Approvals) {
			n++
		}
	}
	return n
}

func otherConditions(d markets.Decision) bool { return conditionCount(d) > 0 }

func writeBeforeCargo(p *printer, d markets.Decision) {
	missing := blockingMissing(d)
	p.line("")
	p.line("Before the cargo moves")
	if len(missing) == 0 {
		p.line("  No approval is missing.")
		return
	}
	for _, a := range missing {
		lead, ship := "lead time unknown", "ship date unknown"
		if a.LeadTimeDays != nil {
			lead = plural(*a.LeadTimeDays, "day", "days")
			ship = "ship from " + d.AsOf.AddDays(*a.LeadTimeDays).String()
		}
		status := ""
		if a.Status == approvals.StatusExpired {
			status = ", EXPIRED"
		}
		p.para("  - ", fmt.Sprintf("%s: %s", a.Authority, a.Title))
		p.para("    ", fmt.Sprintf("%s%s, %s, %s, %s, %s", a.ID, status, linesText(a.Lines), stageText(a.Stage), lead, ship))
		if u := approvalUnblock(a, d.Reasons); u != "" {
			p.para("    Unblock: ", u)
		}
	}
}

func approvalUnblock(a approvals.Approval, rs []iorules.Reason) string {
	if a.Unblock != "" {
		return a.Unblock
	}
	for _, r := range rs {
		if approvalReason(r, []approvals.Approval{a}) && r.Unblock != "" {
			return r.Unblock
		}
	}
	return ""
}

func stageText(s approvals.Stage) string {
	switch s {
	case approvals.BeforeShipment:
		return "needed before shipment"
	case approvals.BeforeClearance:
		return "needed before the customs declaration"
	case approvals.AfterClearance:
		return "needed after clearance, to sell or operate"
	}
	return string(s)
}

func linesText(lines []int) string {
	if len(lines) == 0 {
		return "whole shipment"
	}
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprint(l)
	}
	if len(lines) == 1 {
		return "line " + parts[0]
	}
	return "lines " + strings.Join(parts, ", ")
}

func writeReasons(p *printer, d markets.Decision) {
	bySeverity := map[iorules.Severity][]iorules.Reason{}
	for _, r := range d.Reasons {
		if approvalReason(r, d.Approvals) || unconfirmedReason(r) || documentReason(r) {
			continue
		}
		bySeverity[r.Severity] = append(bySeverity[r.Severity], r)
	}
	p.line("")
	p.line("Other reasons")
	if len(bySeverity) == 0 {
		p.line("  None.")
		return
	}
	for _, sev := range []iorules.Severity{iorules.SeverityDecline, iorules.SeverityCondition, iorules.SeverityInfo} {
		rs := bySeverity[sev]
		if len(rs) == 0 {
			continue
		}
		p.line("  %s (%d)", strings.ToUpper(string(sev)), len(rs))
		for _, r := range rs {
			p.para("  - ", r.Message)
			p.para("    ", reasonTag(r))
			switch {
			case r.Unblock != "":
				p.para("    Unblock: ", r.Unblock)
			case sev != iorules.SeverityInfo:
				p.line("    Unblock: not stated by the policy")
			}
		}
	}
	// Severities the report does not know still appear, so nothing is lost.
	var other []string
	for sev := range bySeverity {
		if sev.Rank() == 0 {
			other = append(other, string(sev))
		}
	}
	slices.Sort(other)
	for _, sev := range other {
		p.line("  %s", strings.ToUpper(sev))
		for _, r := range bySeverity[iorules.Severity(sev)] {
			p.para("  - ", r.Message)
			p.para("    ", reasonTag(r))
		}
	}
}

func reasonTag(r iorules.Reason) string {
	parts := []string{r.Code}
	if r.Rule != "" {
		parts = append(parts, "rule "+r.Rule)
	}
	parts = append(parts, linesText(r.Lines))
	return "[" + strings.Join(parts, ", ") + "]"
}

// writeOtherApprovals lists the approvals that do not hold the cargo:
// those already held, and those needed only after clearance.
func writeOtherApprovals(p *printer, d markets.Decision) {
	var rest []approvals.Approval
	for _, a := range d.Approvals {
		if a.Status == approvals.StatusHeld || !a.Stage.Blocks() {
			rest = append(rest, a)
		}
	}
	if len(rest) == 0 {
		return
	}
	p.line("")
	p.line("Approvals held, or needed only after clearance")
	for _, a := range rest {
		what := "held"
		switch {
		case a.Status == approvals.StatusHeld && len(a.References) > 0:
			what = "held, ref. " + strings.Join(a.References, ", ")
		case a.Status == approvals.StatusExpired:
			what = "EXPIRED, needed after clearance"
		case a.Status != approvals.StatusHeld:
			what = "needed after clearance; does not hold the cargo"
		}
		p.para("  - ", fmt.Sprintf("%s: %s (%s, %s): %s", a.Authority, a.Title, a.ID, linesText(a.Lines), what))
	}
}

func writeTaxes(p *printer, d markets.Decision) {
	p.line("")
	v := d.Valuation
	if v == nil {
		p.line("Customs value and taxes")
		p.line("  Not computed: the shipment could not be valued (see the reasons above).")
		return
	}
	places := v.Currency.MinorUnits()
	money := func(x decimal.Decimal) string { return x.StringFixed(places) }
	rate := ""
	if v.SourceCurrency != v.Currency {
		rate = fmt.Sprintf(", at %s %s per %s", v.ExchangeRate, v.Currency, v.SourceCurrency)
	}
	p.line("Customs value (%s basis): %s %s%s", v.Basis, v.Currency, money(v.CustomsValue), rate)
	p.line("")
	p.line("Taxes (%s)", v.Currency)
	if len(d.Taxes) == 0 {
		if d.TotalTaxes == nil {
			p.line("  Not computed: no tax could be evaluated (see below and the reasons above).")
		} else {
			p.line("  None.")
		}
	} else {
		rows := [][]string{{"ID", "Name", "Base", "Rate", "Amount", ""}}
		var informational, unconfirmed, partial bool
		for _, t := range d.Taxes {
			base, r := "-", "-"
			if t.Base != nil {
				base = money(*t.Base)
			}
			switch {
			case t.Rate != nil:
				r = percent(*t.Rate)
			case t.Base != nil:
				r = "mixed"
			}
			var flags string
			if t.Informational {
				flags += "*"
				informational = true
			}
			if t.Confidence == "unconfirmed" {
				flags += "?"
				unconfirmed = true
			}
			if t.Partial {
				flags += "~"
				partial = true
			}
			rows = append(rows, []string{t.ID, shorten(t.Name, 40), base, r, money(t.Amount), flags})
		}
		total, landed := "not computed", "not computed"
		switch {
		case d.TotalTaxes != nil:
			total = money(*d.TotalTaxes)
		case d.PartialTotalTaxes != nil:
			total = "partial " + money(*d.PartialTotalTaxes)
		}
		if d.LandedCost != nil {
			landed = money(*d.LandedCost)
		}
		rows = append(rows, []string{"Total taxes", "", "", "", total, ""}, []string{"Landed cost", "", "", "", landed, ""})
		p.table("  ", rows, 2, 3, 4)
		if informational {
			p.line("  * informational: shown, not added to the total taxes or the landed cost")
		}
		if unconfirmed {
			p.line("  ? unconfirmed: the tax or a rate it read is marked unconfirmed in the policy")
		}
		if partial {
			p.line("  ~ partial: computed for some lines only (see Not computed)")
		}
		p.para("  ", "Landed cost = goods at FOB + freight + insurance + destination handling and inland + total taxes.")
	}
	if len(d.NotComputed) > 0 {
		p.line("  Not computed (the total taxes and landed cost leave these out, so none is given):")
		for _, nc := range d.NotComputed {
			p.para("  - ", fmt.Sprintf("%s for %s: %s", nc.Tax, linesText(nc.Lines), nc.Message))
		}
	}
}

// percent shows a rate held as a fraction (0.16) as a percentage (16%).
// percent writes a rate as a percentage; a rate above 1 is a per-unit
// amount (a fee per kilogram), written as the factor it multiplies the
// base by ("x3.3").
func percent(r decimal.Decimal) string {
	if r.GreaterThan(decimal.NewFromInt(1)) {
		return "x" + r.String()
	}
	return r.Mul(decimal.NewFromInt(100)).String() + "%"
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ,(") + "…"
}

func writeClassification(p *printer, d markets.Decision) {
	p.line("")
	p.line("Classification")
	var bad []classify.Result
	for _, c := range d.Classification {
		if c.Status != classify.StatusOK {
			bad = append(bad, c)
		}
	}
	if len(bad) == 0 {
		p.line("  Every declared code fits its line (%s).", plural(len(d.Classification), "line", "lines"))
		return
	}
	for _, c := range bad {
		head := fmt.Sprintf("line %d: %s is %s", c.Line, c.Declared, c.Status)
		if len(c.Expected) > 0 {
			head += "; expected " + strings.Join(c.Expected, " or ")
		}
		p.para("  - ", head)
		if c.Message != "" {
			p.para("    ", c.Message)
		}
	}
}

func writeExportControl(p *printer, d markets.Decision) {
	p.line("")
	ec := d.ExportControl
	if len(ec.Lines) == 0 && ec.Regime == "" {
		p.line("Export control")
		p.line("  No determination in the decision (see the reasons above for any finding).")
		return
	}
	verdict := "no licence required"
	if ec.LicenceRequired {
		verdict = "LICENCE REQUIRED"
	}
	if ec.Regime != "" {
		p.line("Export control (%s): %s", ec.Regime, verdict)
	} else {
		p.line("Export control: %s", verdict)
	}
	var rows [][]string
	for _, l := range ec.Lines {
		eccn := l.ECCN
		if eccn == "" {
			eccn = "(no ECCN)"
		}
		rows = append(rows, []string{fmt.Sprintf("line %d", l.Line), eccn, string(l.Determination)})
	}
	p.table("  ", rows)
	for _, m := range ec.Screening {
		state := "MATCH"
		if m.Cleared {
			state = "cleared match"
			if m.Reference != "" {
				state += " (" + m.Reference + ")"
			}
		}
		p.para("  - ", fmt.Sprintf("%s: %s %q scored %d against %q on %s", state, m.Role, m.PartyName, m.Score, m.MatchedName, m.List))
	}
}

func writeUnconfirmed(p *printer, d markets.Decision) {
	var rs []iorules.Reason
	for _, r := range d.Reasons {
		if unconfirmedReason(r) {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return
	}
	p.line("")
	p.line("Unconfirmed figures (verify before relying on them)")
	for _, r := range rs {
		p.para("  - ", unconfirmedText(r.Message))
	}
}

// unconfirmedText drops the advice to verify that each message repeats; the
// section title says it once.
func unconfirmedText(msg string) string {
	for _, sep := range []string{": check it", "; verify it"} {
		if before, _, ok := strings.Cut(msg, sep); ok {
			return before
		}
	}
	return msg
}

// writeSources lists each legal source once, with the ids that cite it.
func writeSources(p *printer, d markets.Decision) {
	type cited struct {
		source string
		ids    []string
	}
	var list []*cited
	add := func(id, source string) {
		if source == "" {
			return
		}
		i := slices.IndexFunc(list, func(c *cited) bool { return c.source == source })
		if i < 0 {
			list = append(list, &cited{source: source})
			i = len(list) - 1
		}
		if id != "" && !slices.Contains(list[i].ids, id) {
			list[i].ids = append(list[i].ids, id)
		}
	}
	for _, a := range d.Approvals {
		add(a.ID, a.Source)
	}
	for _, r := range d.Reasons {
		add(r.Rule, r.Source)
	}
	for _, t := range d.Taxes {
		add(t.ID, t.Source)
	}
	p.line("")
	p.line("Sources")
	if len(list) == 0 {
		p.line("  None cited.")
		return
	}
	for _, c := range list {
		p.para("  - ", strings.Join(c.ids, ", ")+": "+c.source)
	}
}
