package markets

import (
	"fmt"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/markets/internal/documents"
	"github.com/iorules/iorules/valuation"
)

// review adds the checks every market shares, whatever its policy: the
// documents and line descriptions (documents.Review), held certificates that
// do not name the line's model, and the valuation risks (related parties,
// prices below the caller's reference prices). It runs after the approvals
// are merged.
func (ev *evaluation) review(cfg *evalConfig) {
	for _, r := range documents.Review(*ev.s) {
		ev.addReason(r)
	}
	ev.checkApprovalModels()
	var val valuation.Valuation
	if ev.d.Valuation != nil {
		val = *ev.d.Valuation
	}
	for _, r := range valuation.CheckPrices(*ev.s, val, cfg.refs, cfg.tolerance) {
		ev.addReason(r)
	}
}

// checkApprovalModels explains the approvals that are not held on a line
// because the certificate listed for it names other models
// (approvals.Covers), and notes certificates whose models cannot be matched
// because the line states none.
func (ev *evaluation) checkApprovalModels() {
	items := make(map[int]*iorules.Item, len(ev.s.Items))
	for i := range ev.s.Items {
		items[ev.s.Items[i].Line] = &ev.s.Items[i]
	}
	const rule = "documents.approval_models"
	for _, a := range ev.d.Approvals {
		for _, line := range a.Lines {
			it := items[line]
			if it == nil {
				continue
			}
			for _, h := range it.ApprovalsHeld {
				if h.ID != a.ID || len(h.Models) == 0 {
					continue
				}
				cert := certificateName(h)
				switch {
				case strings.TrimSpace(it.Model) == "":
					// approvals.Covers does not count the certificate for
					// the line: the approval shows as required, and this
					// says why.
					ev.addReason(iorules.Reason{
						Code: CodeItemModelMissing, Severity: iorules.SeverityInfo, Lines: []int{line}, Rule: rule, Source: a.Source,
						Message: fmt.Sprintf("Line %d lists %s %s for models %s, but the line states no model, so the certificate "+
							"is not counted as held for it.", line, a.ID, cert, strings.Join(h.Models, ", ")),
						Unblock: fmt.Sprintf("State the line's model (one of %s if the certificate covers it).", strings.Join(h.Models, ", ")),
					})
				case a.Status != approvals.StatusHeld && !approvals.Covers(h, it.Model):
					sev := iorules.SeverityCondition
					if !a.Stage.Blocks() {
						sev = iorules.SeverityInfo
					}
					ev.addReason(iorules.Reason{
						Code: CodeApprovalModelNotCovered, Severity: sev, Lines: []int{line}, Rule: rule, Source: a.Source,
						Message: fmt.Sprintf("Line %d lists %s %s, which names %s but not the line's model %s: a certificate covers "+
							"only the models it names, so the approval is not held for this line.",
							line, a.ID, cert, strings.Join(h.Models, ", "), it.Model),
						Unblock: fmt.Sprintf("Obtain %s for model %s (a new certificate or an extension naming it), or correct the "+
							"line's model if it is wrong.", a.ID, it.Model),
					})
				}
			}
		}
	}
}

func certificateName(h iorules.HeldApproval) string {
	if h.Reference == "" {
		return "(certificate without a reference)"
	}
	return "certificate " + h.Reference
}
