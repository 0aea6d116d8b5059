package main

import (
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
)

// documentReason reports whether r is a finding of the document review or
// of the valuation checks: the checks every market shares (rules
// documents.* and valuation.*) and the documents a policy requires (code
// document_missing). The report gives them a section of their own.
func documentReason(r iorules.Reason) bool {
	return strings.HasPrefix(r.Rule, "documents.") || strings.HasPrefix(r.Rule, "valuation.") || r.Code == "document_missing"
}

// writeDocumentFindings lists the documentation and valuation findings, the
// most severe first, each with what lifts it.
func writeDocumentFindings(p *printer, d markets.Decision) {
	p.line("")
	p.line("Documents and valuation")
	n := 0
	for _, sev := range []iorules.Severity{iorules.SeverityDecline, iorules.SeverityCondition, iorules.SeverityInfo} {
		for _, r := range d.Reasons {
			if r.Severity != sev || !documentReason(r) {
				continue
			}
			n++
			p.para("  - "+strings.ToUpper(string(sev))+": ", r.Message)
			p.para("    ", reasonTag(r))
			if r.Unblock != "" {
				p.para("    Unblock: ", r.Unblock)
			}
		}
	}
	if n == 0 {
		p.line("  None.")
	}
}

// writeNotEvaluated lists what the market's policy knowingly leaves out, so
// that the total taxes are not read as complete.
func writeNotEvaluated(p *printer, d markets.Decision) {
	if len(d.NotEvaluated) == 0 {
		return
	}
	p.line("")
	p.line("Not evaluated (the taxes and findings above leave these out)")
	for _, s := range d.NotEvaluated {
		p.para("  - ", s)
	}
}
