package exportctl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iorules/iorules"
)

// ear passes to emit the EAR findings for one line treated as subject to
// the EAR. Each reason for control is evaluated on its own (15 CFR 738.4): a
// 5A002.z item gets an encryption finding and an advanced-computing finding.
func (e *eval) ear(it iorules.Item, cls classification, emit func(finding)) {
	add := func(f finding) {
		f.line, f.regime = it.Line, regimeEAR
		if f.source == "" {
			f.source = e.ruleSource(f.rule)
		}
		emit(f)
	}
	if e.blocked() {
		return // origin-independent embargo: already declined
	}

	// Embargoes that bind items subject to the EAR (Cuba; Syria).
	treated := false
	for _, h := range e.hits() {
		if h.e.reach != reachEARSubject {
			continue
		}
		where := h.where()
		switch h.e.treatment {
		case treatDecline:
			add(finding{
				determination: DeterminationEmbargoed, severity: iorules.SeverityDecline, code: CodeEmbargo,
				rule: h.e.id, source: h.e.sources[regimeEAR],
				message: where + ": items subject to the EAR need a licence under a general policy of denial." + confidenceNote(h.e.confidence),
				unblock: "do not ship; only a specific licence could lift this",
			})
			return
		case treatSyria2025:
			treated = true
			if !cls.ok {
				continue
			}
			if cls.eccn.IsEAR99() {
				add(finding{
					determination: DeterminationSPP, severity: iorules.SeverityCondition, code: CodeLicenceException,
					rule: ruleSyriaSPP, source: h.e.sources[regimeEAR],
					message: where + ": EAR99 items may go under Licence Exception SPP since 2025-09-02; designated persons remain prohibited.",
					unblock: "a record of SPP eligibility (EAR99, permitted end use, no designated party)",
				})
			} else {
				add(finding{
					determination: DeterminationLicenceRequired, severity: iorules.SeverityCondition, code: CodeLicenceRequired,
					rule: ruleSyriaSPP, source: h.e.sources[regimeEAR],
					message: fmt.Sprintf("%s: %s is on the Commerce Control List and still needs a licence (presumption of approval for civil end uses).", where, cls.eccn),
					unblock: "a BIS licence",
				})
			}
		}
	}
	if !cls.ok {
		return
	}
	if cls.eccn.IsAdvancedComputing() {
		for _, f := range e.earAdvanced(it, cls) {
			add(f)
		}
	}
	if !treated {
		e.earFamily(cls, add)
	}
}

// earAdvanced applies 15 CFR 742.6(a)(6) to a 3A090, 4A090 or .z line: the
// headquarters test first (worldwide), then the destination.
func (e *eval) earAdvanced(it iorules.Item, cls classification) []finding {
	if _, ok := e.d.inForce(rule3A090, e.on); !ok {
		return nil
	}
	tier := acTier(cls.eccn)
	var fs []finding
	dest := e.s.Destination

	denial := func(rule, why string) finding {
		return finding{
			determination: DeterminationDenial, severity: iorules.SeverityDecline, code: CodeDenial, rule: rule,
			message: fmt.Sprintf("%s (%s): %s; a licence is required and is reviewed under a presumption of denial.", cls.eccn, tierLabel(tier), why),
			unblock: "a BIS licence (presumption of denial)",
		}
	}
	nac := func(why string) finding {
		return finding{
			determination: DeterminationNAC, severity: iorules.SeverityCondition, code: CodeLicenceException, rule: ruleNAC,
			message: fmt.Sprintf("%s: %s; Licence Exception NAC applies only after prior notification to BIS (SNAP-R, 'NAC' in block 9; AES licence type C67).", cls.eccn, why),
			unblock: "a NAC notification accepted by BIS (authorisation number), or a licence",
		}
	}

	if len(e.hqHits) > 0 && !e.dg.d5OrMacau() {
		if _, ok := e.d.inForce(rule3A090HQ, e.on); ok {
			hq := e.hqHits[0]
			why := fmt.Sprintf("%s is %s in %s (D:5 or Macau), which needs a licence wherever the goods go", hq.role, hq.via, hq.country)
			if tier == "a" {
				fs = append(fs, denial(rule3A090HQ, why))
			} else {
				fs = append(fs, nac(why))
			}
		}
	}

	switch {
	case e.dg.d5OrMacau():
		group := "D:5"
		if e.dg.macau {
			group = "Macau"
		}
		why := fmt.Sprintf("%s is in %s%s", dest, group, e.dg.doubt(group))
		if tier == "b" {
			fs = append(fs, nac(why))
			break
		}
		f := denial(rule3A090, why)
		if cb, ok := e.d.inForce(ruleCaseByCase, e.on); ok && slices.Contains(cb.countries, dest) {
			if e.s.Origin == "US" && belowCaseByCase(it.TPP, cb) {
				f.message += fmt.Sprintf(" Exports from the US of chips below TPP %s and DRAM bandwidth %s GB/s are reviewed case by case under conditions (%s); the licence is still required, so pre-qualification declines.",
					cb.params["tpp_below"], cb.params["dram_bandwidth_below_gbps"], cb.source)
			} else if e.s.Origin != "US" {
				f.message += " The case-by-case review of January 2026 covers exports from the US only; this is a re-export or export from abroad."
			}
		}
		fs = append(fs, f)
	case e.dg.d1 || e.dg.d4 || e.dg.e1 || e.dg.e2:
		var groups []string
		for _, g := range []struct {
			in   bool
			name string
		}{{e.dg.d1, "D:1"}, {e.dg.d4, "D:4"}, {e.dg.e1, "E:1"}, {e.dg.e2, "E:2"}} {
			if g.in {
				groups = append(groups, g.name)
			}
		}
		why := fmt.Sprintf("%s is in %s%s", dest, strings.Join(groups, " and "), e.dg.doubt(groups...))
		if f, excluded := e.carveOut(cls, groups); excluded {
			fs = append(fs, f)
			break
		} else if f.rule != "" {
			fs = append(fs, f)
		}
		_, acaOK := e.d.inForce(ruleACA, e.on)
		if tier == "b" && acaOK && !e.dg.e1 && !e.dg.e2 {
			fs = append(fs, finding{
				determination: DeterminationACA, severity: iorules.SeverityCondition, code: CodeLicenceException, rule: ruleACA,
				message: fmt.Sprintf("%s (%s): %s; a licence is required unless Licence Exception ACA (or NAC without notification) is used.", cls.eccn, tierLabel(tier), why),
				unblock: "a record of ACA eligibility under 15 CFR 740.8 and 740.2, or a licence",
			})
			break
		}
		msg := fmt.Sprintf("%s (%s): %s; a licence is required.", cls.eccn, tierLabel(tier), why)
		unblock := "a BIS licence"
		if tier == "a" {
			// 740.8(a) excludes data-center 3A090.a items from NAC and
			// ACA alike: never offer them for this band.
			msg += " Licence Exceptions ACA and NAC are not available: 15 CFR 740.8(a) excludes items designed or marketed for use in a data center that meet 3A090.a."
			if veu, ok := e.d.inForce(ruleDataCenterVEU, e.on); ok && !e.dg.e1 && !e.dg.e2 {
				unblock = "a BIS licence, or a Data Center Validated End User authorisation naming the end user and its data center (" + veu.source + ")"
			}
		}
		fs = append(fs, finding{
			determination: DeterminationLicenceRequired, severity: iorules.SeverityCondition, code: CodeLicenceRequired,
			rule: rule3A090, message: msg, unblock: unblock,
		})
	case !e.dg.known:
		fs = append(fs, finding{
			determination: DeterminationNeedsFacts, severity: iorules.SeverityCondition, code: CodeGroupUnknown, rule: rule3A090,
			message: fmt.Sprintf("The country groups of %s are not in the data; %s needs a licence to D:1, D:4, D:5 and Macau.", dest, cls.eccn),
			unblock: fmt.Sprintf("the Country Group membership of %s (15 CFR 740 Supp. 1)", dest),
		})
	case len(fs) > 0:
		// The headquarters test already decides the line; the destination
		// alone would not require a licence.
	default:
		if ai, ok := e.d.inForce(ruleAIDiffusion, e.on); ok && tier == "a" {
			fs = append(fs, finding{
				determination: DeterminationLicenceRequired, severity: iorules.SeverityCondition, code: CodeLicenceRequired,
				rule: ruleAIDiffusion, source: ai.source,
				message: fmt.Sprintf("%s: the AI Diffusion rule requires a licence to every destination.", cls.eccn),
				unblock: "a BIS licence or an AI Diffusion licence exception",
			})
			break
		}
		msg := fmt.Sprintf("%s to %s (outside D:1, D:4, D:5, E and Macau): no licence required for the advanced-computing reason.", cls.eccn, dest)
		if ai, ok := e.d.ruleOn(ruleAIDiffusion, e.on); ok && ai.status != statusInForce {
			msg += fmt.Sprintf(" The AI Diffusion worldwide requirement (%s) is %s since %s and is not applied.", ai.source, strings.ReplaceAll(ai.status, "_", " "), ai.statusSince)
		}
		switch af, ok := e.d.ruleOn(ruleAffiliates, e.on); {
		case ok && af.status == statusInForce:
			msg += " The headquarters test is location-based; ownership under the BIS Affiliates rule is asked for separately, and the OFAC 50 % rule is not assessed here."
		case ok:
			msg += fmt.Sprintf(" The headquarters test is location-based; ownership is not assessed here (OFAC 50 %%; the BIS Affiliates rule is %s on this date).", af.status)
		default:
			msg += " The headquarters test is location-based; ownership (OFAC 50 %, BIS affiliates) is not assessed here."
		}
		fs = append(fs, finding{
			determination: DeterminationNLR, severity: iorules.SeverityInfo, code: CodeNLR, rule: rule3A090, message: msg,
		})
	}

	if e.hqMissing && len(e.hqHits) == 0 && !e.dg.d5OrMacau() {
		fs = append(fs, finding{
			determination: DeterminationNeedsFacts, severity: iorules.SeverityCondition, code: CodeHeadquartersMissing, rule: rule3A090HQ,
			message: fmt.Sprintf("%s: the end user's headquarters (or its ultimate parent's) is not stated; an entity headquartered in D:5 or Macau needs a licence anywhere.", cls.eccn),
			unblock: "the end user's headquarters country and that of its ultimate parent",
		})
	}
	return fs
}

// carveOut applies the exclusion from 15 CFR 742.6(a)(6) of D:1 and D:4
// destinations that are also in A:5 or A:6. It relaxes a requirement, so it
// is applied (excluded true, with an NLR finding) only when the rule and the
// destination's A:5 or A:6 membership are both confirmed; otherwise it
// returns a note saying why it was not applied, or a zero finding when the
// destination is in neither group.
func (e *eval) carveOut(cls classification, groups []string) (finding, bool) {
	co, ok := e.d.inForce(ruleCarveOut, e.on)
	if !ok || !(e.dg.a5 || e.dg.a6) {
		return finding{}, false
	}
	dest := e.s.Destination
	var in []string
	sure := false
	for _, g := range []struct {
		in   bool
		name string
	}{{e.dg.a5, "A:5"}, {e.dg.a6, "A:6"}} {
		if g.in {
			in = append(in, g.name)
			sure = sure || e.dg.doubt(g.name) == ""
		}
	}
	also := strings.Join(in, " and ")
	if co.confidence.IsConfirmed() && sure && !e.dg.e1 && !e.dg.e2 {
		return finding{
			determination: DeterminationNLR, severity: iorules.SeverityInfo, code: CodeNLR, rule: ruleCarveOut, source: co.source,
			message: fmt.Sprintf("%s to %s: %s is in %s but also in %s, which 15 CFR 742.6(a)(6) excludes; no licence required for the advanced-computing reason.", cls.eccn, dest, dest, strings.Join(groups, " and "), also),
		}, true
	}
	why := "its membership of " + also + " is unconfirmed"
	if !co.confidence.IsConfirmed() {
		why = "the exclusion is unconfirmed"
	}
	return finding{
		severity: iorules.SeverityInfo, code: CodeNote, rule: ruleCarveOut, source: co.source,
		message: fmt.Sprintf("%s is also in %s, which 15 CFR 742.6(a)(6) excludes from the requirement, but %s, so the exclusion is not applied.", dest, also, why),
	}, false
}

func tierLabel(tier string) string {
	if tier == "b" {
		return "3A090.b band"
	}
	return "3A090.a band"
}

// earFamily applies the reasons for control of the line's own entry (for a
// .z item, the entry it is listed under), other than advanced computing,
// passing its findings to add. The no-licence messages, which nearly every
// ordinary line gets, are concatenated rather than formatted: Sprintf would
// box its arguments and format the ECCN again for each kind of line.
func (e *eval) earFamily(cls classification, add func(finding)) {
	ec := cls.eccn
	dest := e.s.Destination
	eGroup := e.dg.e1 || e.dg.e2
	presumed := ""
	if cls.presumed != "" {
		presumed = " (" + cls.presumed + ")"
	}
	nlr := func(rule, msg string) finding {
		return finding{determination: DeterminationNLR, severity: iorules.SeverityInfo, code: CodeNLR, rule: rule, message: msg + presumed}
	}
	licence := func(rule, msg string) finding {
		return finding{determination: DeterminationLicenceRequired, severity: iorules.SeverityCondition, code: CodeLicenceRequired,
			rule: rule, message: msg + presumed, unblock: "a BIS licence"}
	}
	switch {
	case ec.IsEAR99():
		add(nlr(ruleEAR99, "EAR99 to "+string(dest)+": no licence required."))
	case ec.hasHeading("3A090") || ec.hasHeading("4A090"):
		return // advanced computing only; see earAdvanced
	case ec.hasHeading("5A002") || ec.hasHeading("5D002"):
		if eGroup {
			add(licence(ruleENC, fmt.Sprintf("%s to %s: Licence Exception ENC excludes E:1 and E:2; a licence is required.", ec, dest)))
			break
		}
		msg := fmt.Sprintf("%s to %s: Licence Exception ENC (15 CFR 740.17) per the product's authorisation: (b)(1) needs an annual self-classification report; (b)(2) and (b)(3) need a classification request and a 30-day wait unless the destination is in Supp. 3 to part 740.", ec, dest)
		if e.dg.d5 {
			msg += " Government end users need a licence for (b)(2) items outside Supp. 3."
		}
		add(finding{
			determination: DeterminationENC, severity: iorules.SeverityCondition, code: CodeLicenceException, rule: ruleENC,
			message: msg + presumed,
			unblock: "the ENC paragraph that applies (self-classification report, or CCATS and the classification request date at least 30 days before shipping)",
		})
	case ec.hasHeading("5A992") || ec.hasHeading("5D992"):
		if eGroup {
			add(licence(rule5A992, fmt.Sprintf("%s to %s (E:1/E:2): a licence is required.", ec, dest)))
			break
		}
		add(nlr(rule5A992, cls.name()+" (mass-market encryption) to "+string(dest)+": no licence required."))
	case strings.HasPrefix(ec.Number(), "9"):
		if eGroup {
			add(licence(ruleATOnly, fmt.Sprintf("%s to %s (E:1/E:2, anti-terrorism controls): a licence is required.", ec, dest)))
			break
		}
		add(nlr(ruleATOnly, cls.name()+" (anti-terrorism controls only) to "+string(dest)+": no licence required."))
	default:
		switch {
		case eGroup || e.dg.d1 || e.dg.d4 || e.dg.d5 || e.dg.macau:
			add(licence(ruleCountryChart, fmt.Sprintf("%s to %s (a Country Group D or E destination): the Country Chart requires a licence for its national-security controls; check LVS or GBS eligibility per the entry.", ec, dest)))
		case !e.dg.known:
			add(finding{
				determination: DeterminationNeedsFacts, severity: iorules.SeverityCondition, code: CodeGroupUnknown, rule: ruleCountryChart,
				message: fmt.Sprintf("The country groups of %s are not in the data; %s must be checked against the Country Chart.", dest, ec),
				unblock: fmt.Sprintf("the Country Chart determination for %s to %s", ec, dest),
			})
		default:
			add(finding{
				determination: DeterminationReview, severity: iorules.SeverityCondition, code: CodeCountryChart, rule: ruleCountryChart,
				message: fmt.Sprintf("%s to %s: most such destinations need no licence, but the Country Chart is not encoded here.", ec, dest),
				unblock: fmt.Sprintf("the Country Chart determination for %s to %s (15 CFR 738 Supp. 1)", ec, dest),
			})
		}
	}
	// Knowledge-based end-use and end-user controls stay with the exporter.
	if e.dg.d5 || len(e.hqHits) > 0 {
		rule := rule744_21
		if len(e.hqHits) > 0 || ec.IsEAR99() {
			rule = rule744_23
		}
		add(finding{
			severity: iorules.SeverityInfo, code: CodeNote, rule: rule,
			message: "Knowledge of a military end use or user (744.21) or of a supercomputer or advanced-node IC end use (744.23) would require a licence for any item subject to the EAR.",
		})
	}
}
