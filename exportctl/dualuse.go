package exportctl

import (
	"fmt"
	"strings"

	"github.com/iorules/iorules"
)

// dualUse returns the findings of the origin's dual-use regime (EU
// Regulation 2021/821 for a Member State, the UK's retained regime for Great
// Britain) for one line. The EAR overlay is evaluated separately: both must
// pass.
func (e *eval) dualUse(it iorules.Item, cls classification) []finding {
	if e.blocked() || !cls.ok {
		return nil // embargo already declines; missing facts already asked
	}
	eu := e.regime == regimeEU
	dest := e.s.Destination
	var fs []finding
	add := func(f finding) {
		f.line, f.regime = it.Line, e.regime
		if f.source == "" {
			f.source = e.ruleSource(f.rule)
		}
		fs = append(fs, f)
	}

	if eu && e.d.in(GroupEU, dest, e.on) {
		add(finding{
			determination: DeterminationNLR, severity: iorules.SeverityInfo, code: CodeNLR, rule: ruleEUIntra,
			message: fmt.Sprintf("Transfer within the Union to %s: no export licence (Annex IV items excepted; Annex IV is not encoded).", dest),
		})
		return fs
	}

	// The EU and UK have no 3A090/4A090; their 2025 advanced-computing
	// entries are set by their own parameters, so a US ECCN is never mapped
	// across one to one.
	advRule := ruleUKAdvanced
	if eu {
		advRule = ruleEUAdvanced
	}
	advancedAsked := false
	if r, ok := e.d.inForce(advRule, e.on); ok && e.mayBeAdvanced(it, cls) {
		advancedAsked = true
		add(finding{
			determination: DeterminationNeedsFacts, severity: iorules.SeverityCondition, code: CodeEUClassification, rule: advRule,
			message: fmt.Sprintf("%s is a US advanced-computing classification; the %s list has no 3A090/4A090 and its 2025 advanced-computing entries use their own parameters (unconfirmed: %s).", cls.eccn, e.regime, r.note),
			unblock: fmt.Sprintf("the item's %s control-list entry, or a statement that it is not listed", e.regime),
		})
	}

	listed := dualUseListed(cls.eccn)
	switch {
	case listed && eu && e.d.in(GroupEU001, dest, e.on):
		add(finding{
			determination: DeterminationEU001, severity: iorules.SeverityCondition, code: CodeLicenceException, rule: ruleEU001,
			message: fmt.Sprintf("%s is an Annex I entry; to %s it may go under Union General Export Authorisation EU001 (not for Annex IIg items).", cls.eccn.Heading(), dest),
			unblock: "registration for EU001 with the Member State before first use, and its reporting",
		})
	case listed && eu:
		add(finding{
			determination: DeterminationLicenceRequired, severity: iorules.SeverityCondition, code: CodeLicenceRequired, rule: ruleEUAnnexI,
			message: fmt.Sprintf("%s is an Annex I entry; export to %s needs a licence from the Member State of export (or a national or Union general authorisation that covers it).", cls.eccn.Heading(), dest),
			unblock: "an individual or global export authorisation from the Member State",
		})
	case listed:
		add(finding{
			determination: DeterminationLicenceRequired, severity: iorules.SeverityCondition, code: CodeLicenceRequired, rule: ruleUKDualUse,
			message: fmt.Sprintf("%s is a controlled dual-use entry; export from the UK to %s needs a SIEL or an open general licence whose terms cover it (OGELs not encoded).", cls.eccn.Heading(), dest),
			unblock: "a SIEL, or registration under an OGEL that covers the item and destination",
		})
	case advancedAsked:
		// Not listed under its shared entry number; whether a 2025
		// advanced-computing entry lists it is the open question above.
	default:
		catchAll := ""
		if eu {
			catchAll = " The catch-all controls (Arts. 4 and 5) still apply if the exporter is informed or aware of a WMD, military or cyber-surveillance end use."
		}
		add(finding{
			determination: DeterminationNLR, severity: iorules.SeverityInfo, code: CodeNLR, rule: euOrUK(eu, ruleEUCatchAll, ruleUKDualUse),
			message: fmt.Sprintf("%s is not on the %s dual-use list: no licence required to %s.%s", cls.eccn, e.regime, dest, catchAll),
		})
	}

	if eu {
		if f, ok := e.noRussiaClause(it); ok {
			add(f)
		}
	}
	return fs
}

// mayBeAdvanced reports a line that may fall under the 2025 advanced-computing
// entries: a US advanced-computing classification, or an accelerator whose
// TPP is not shown to be below the 3A090 floor.
func (e *eval) mayBeAdvanced(it iorules.Item, cls classification) bool {
	if cls.eccn.IsAdvancedComputing() {
		return true
	}
	if !cls.gpu {
		return false
	}
	r, ok := e.d.inForce(rule3A090, e.on)
	return !ok || it.TPP == nil || it.TPP.GreaterThanOrEqual(r.params["tpp_b_floor"])
}

// dualUseListed reports whether an ECCN's entry number is one the EU and UK
// lists share with the CCL (the Wassenaar entries): not EAR99, not the
// US-only 3A090/4A090, not the US-only 9xx numbers. A .z item is judged by
// the entry it is listed under.
func dualUseListed(ec ECCN) bool {
	if ec.IsEAR99() || !ec.IsValid() {
		return false
	}
	return !ec.hasHeading("3A090") && !ec.hasHeading("4A090") && !strings.HasPrefix(ec.Number(), "9")
}

// noRussiaClause requires evidence of the Art. 12g clause for a CHPL item
// sold from the EU to a country outside the Union and Annex VIII.
func (e *eval) noRussiaClause(it iorules.Item) (finding, bool) {
	dest := e.s.Destination
	if e.d.in(GroupEU, dest, e.on) || e.d.in(GroupEUAnnexVIII, dest, e.on) {
		return finding{}, false
	}
	if _, ok := e.d.inForce(ruleEU12g, e.on); !ok {
		return finding{}, false
	}
	item, ok := e.d.chpl[it.HSCode.HS6()]
	if !ok {
		return finding{}, false
	}
	msg := fmt.Sprintf("HS %s is a Common High Priority (Annex XL) item sold to %s, outside the Union and the Annex VIII partners: the contract must prohibit re-export to Russia and use in Russia, with adequate remedies.", iorules.HSCode(item.hs6), dest)
	if !item.confidence.IsConfirmed() {
		msg += " Unconfirmed: the subheading's place on the list."
	}
	return finding{
		determination: "", severity: iorules.SeverityCondition, code: CodeEU12g, rule: ruleEU12g, message: msg,
		unblock: "the contract clause under Art. 12g of Regulation (EU) 833/2014",
	}, true
}

func euOrUK(eu bool, a, b string) string {
	if eu {
		return a
	}
	return b
}
