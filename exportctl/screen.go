package exportctl

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
)

// Rule ids (records in data/rules.yaml).
const (
	ruleScope         = "exportctl.ear.scope"
	ruleFDP           = "exportctl.ear.fdp"
	ruleDeMinimis     = "exportctl.ear.de_minimis"
	rule3A090         = "exportctl.ear.3a090"
	rule3A090HQ       = "exportctl.ear.3a090.hq"
	ruleAIDiffusion   = "exportctl.ear.3a090.ai_diffusion"
	ruleCaseByCase    = "exportctl.ear.3a090.case_by_case"
	ruleCarveOut      = "exportctl.ear.3a090.a5a6_carveout"
	ruleACA           = "exportctl.ear.740.8.aca"
	ruleNAC           = "exportctl.ear.740.8.nac"
	rule740_2         = "exportctl.ear.740.2"
	rule744_23        = "exportctl.ear.744.23"
	rule744_21        = "exportctl.ear.744.21"
	ruleENC           = "exportctl.ear.enc"
	rule5A992         = "exportctl.ear.5a992"
	ruleATOnly        = "exportctl.ear.at_only"
	ruleEAR99         = "exportctl.ear.ear99"
	ruleCountryChart  = "exportctl.ear.country_chart"
	rulePresumedEAR99 = "exportctl.ear.presumed_ear99"
	rule746_8         = "exportctl.ear.746.8"
	ruleSyriaSPP      = "exportctl.ear.syria.spp"
	ruleCHPL          = "exportctl.chpl"
	ruleEUAnnexI      = "exportctl.eu.annex_i"
	ruleEU001         = "exportctl.eu.eu001"
	ruleEUIntra       = "exportctl.eu.intra"
	ruleEUCatchAll    = "exportctl.eu.catch_all"
	ruleEUAdvanced    = "exportctl.eu.advanced_computing"
	ruleEU12g         = "exportctl.eu.12g"
	ruleUKDualUse     = "exportctl.uk.dual_use"
	ruleUKAdvanced    = "exportctl.uk.advanced_computing"
	ruleScreening     = "exportctl.screening"
	ruleAffiliates    = "exportctl.ear.affiliates"
	ruleDataCenterVEU = "exportctl.ear.748.15.dc_veu"

	ruleClassification = "exportctl.classification"

	ruleData = "exportctl.data" // the data's own window and loading; no legal source
)

// Embargo reaches and treatments (data/embargoes.yaml).
const (
	reachAnyOrigin     = "any_origin"
	reachEARSubject    = "ear_subject"
	treatDecline       = "decline"
	treatSyria2025     = "syria_2025"
	treatConfirmRegion = "confirm_region"
)

// Screen determines the export-control position of a shipment at its
// origin: per line, the licence requirement under the US EAR (for US
// exports and for US-origin items re-exported from elsewhere) and, for an
// EU or UK origin, under the dual-use regime there, with embargoes, the
// Common High Priority List and restricted-party screening on top. It
// never fails: what it cannot decide becomes a condition asking for the
// missing fact. Screen is safe for concurrent use.
func Screen(s iorules.Shipment, opts Options) Result {
	d, err := loadEmbedded()
	if err == nil {
		_, err = loadNames()
	}
	if err != nil {
		return dataFailure(s, err)
	}
	return d.screen(s, opts)
}

// dataFailure fails closed when the embedded data does not load.
func dataFailure(s iorules.Shipment, err error) Result {
	res := Result{Regime: "unavailable"}
	for _, it := range sortedItems(s.Items) {
		res.Lines = append(res.Lines, LineResult{
			Line: it.Line, ECCN: strings.TrimSpace(it.ECCN), Determination: DeterminationNeedsFacts,
			Rule: ruleData, Message: "export-control data unavailable",
		})
	}
	res.Reasons = []iorules.Reason{{
		Code: CodeDataUnavailable, Severity: iorules.SeverityCondition, Rule: ruleData,
		Message: "export-control data failed to load: " + err.Error(),
		Unblock: "a build of the library whose embedded data loads",
	}}
	return res
}

// eval holds one evaluation.
type eval struct {
	d      *dataset
	s      iorules.Shipment
	on     iorules.Date
	regime string // primary regime of the origin: regimeEAR, regimeEU, regimeUK or ""
	dg     destGroups

	destHits   []embargoHit // embargoed places the destination is in
	partyHits  []embargoHit // embargoed places a party is in
	allHits    []embargoHit // destHits then partyHits
	reviewHits []embargoHit // sanctioned places an exporter is in, to review (embargoes.yaml exporter: review)
	hqHits     []partyPlace // end user / importer in D:5 or Macau
	hqMissing  bool         // the end user's headquarters is not stated

	listedDecline bool // an uncleared restricted-party match with a decline effect

	findings  []finding
	lineKinds keyIndex[lineKey] // the kinds of line evaluated so far
	evaluated []evaluatedLine   // by kind of line, where its findings are
}

type embargoHit struct {
	e   embargo
	who string // "" for the destination, else who is there: "the end user is headquartered in Iran"
}

// where says, as the start of a sentence, what ties the shipment to the
// embargoed place.
func (h embargoHit) where() string {
	if h.who != "" {
		return capitalize(h.who)
	}
	return "The destination is " + h.e.place
}

// hits returns every embargo hit, the destination's first.
func (e *eval) hits() []embargoHit { return e.allHits }

type partyPlace struct {
	role    string
	country iorules.Country
	via     string // "established" or "headquartered"
}

func (d *dataset) screen(s iorules.Shipment, opts Options) Result {
	items := sortedItems(s.Items)
	e := &eval{d: d, s: s, on: s.Date, findings: make([]finding, 0, len(items)+4)}

	matches, findings, listedDecline := d.screenParties(s, opts, e.findings)
	e.findings, e.listedDecline = findings, listedDecline
	res := Result{Screening: matches}

	if !e.checkPreconditions(items) {
		return e.finish(res, items)
	}
	e.regime = e.originRegime()
	res.Regime = e.regimeLabel()
	if e.s.Origin == e.s.Destination {
		src := e.ruleSource(ruleScope)
		msg := fmt.Sprintf("Origin and destination are both %s: not an export.", e.s.Origin)
		for _, it := range items {
			e.add(finding{
				line: it.Line, regime: res.Regime, determination: DeterminationNLR,
				severity: iorules.SeverityInfo, code: CodeNLR, rule: ruleScope,
				source: src, message: msg,
			})
		}
		return e.finish(res, items)
	}
	if e.regime == "" {
		e.add(finding{
			severity: iorules.SeverityInfo, code: CodeOriginNotModelled, rule: ruleScope, source: e.ruleSource(ruleScope),
			message: fmt.Sprintf("The export controls of %s itself are not modelled; only the US EAR overlay (US-origin items, de minimis, foreign direct product rules) is evaluated.", s.Origin),
		})
	}
	e.dg = d.destGroups(s.Destination, s.Date)
	e.findEmbargoHits()
	e.findHeadquarters()

	for i := range items {
		e.lineOnce(&items[i], len(items))
	}
	e.affiliates(items, opts)
	return e.finish(res, items)
}

// lineKey holds every fact of an item that line evaluates, apart from the
// line number: items with equal keys get the same findings. A change that
// makes the rules read another Item field must add that field here.
type lineKey struct {
	eccn     string // trimmed, as classify reads it
	category iorules.Category
	hs6      string
	origin   iorules.Country
	enc      iorules.Encryption
	tpp      *decimal.Decimal // by identity: equal values behind different pointers are evaluated apart
	euc      int              // 1 + the index of the end-user certificate covering the line; 0 for none
}

// evaluatedLine locates the findings one evaluation of a lineKey added.
type evaluatedLine struct {
	line       int // the line number of the item evaluated
	start, end int // its findings, e.findings[start:end]
}

// lineOnce evaluates an item, or, when an earlier item of the shipment had
// the same lineKey, repeats that item's findings under this item's line
// number. A shipment of many like lines is so evaluated once per kind of
// line, with the same result as evaluating every line.
func (e *eval) lineOnce(it *iorules.Item, lines int) {
	if lines == 1 {
		e.line(*it)
		return
	}
	k := lineKey{
		eccn: strings.TrimSpace(it.ECCN), category: it.Category, hs6: it.HSCode.HS6(),
		origin: it.CountryOfOrigin, enc: it.Encryption, tpp: it.TPP, euc: e.endUserCertificate(it.Line) + 1,
	}
	if kind, ok := e.lineKinds.find(k); ok {
		prev := e.evaluated[kind]
		for i := prev.start; i < prev.end; i++ {
			f := e.findings[i]
			if f.line == prev.line {
				f.line = it.Line
			} // else a shipment-wide note (line 0), repeated as it is
			f.twin = i + 1
			e.findings = append(e.findings, f)
		}
		return
	}
	start := len(e.findings)
	e.line(*it)
	if it.Line == 0 {
		return // its findings cannot be told from shipment-wide ones
	}
	e.lineKinds.add(k)
	if e.evaluated == nil {
		e.evaluated = make([]evaluatedLine, 0, linearKeys)
	}
	e.evaluated = append(e.evaluated, evaluatedLine{line: it.Line, start: start, end: len(e.findings)})
}

// checkPreconditions fails closed on a missing date or destination, or a
// date the data does not cover. It reports whether evaluation can go on.
func (e *eval) checkPreconditions(items []iorules.Item) bool {
	stop := func(code, msg, unblock string) bool {
		e.add(finding{severity: iorules.SeverityCondition, code: code, rule: ruleData, message: msg, unblock: unblock})
		for _, it := range items {
			e.add(finding{line: it.Line, determination: DeterminationNeedsFacts, severity: iorules.SeverityCondition,
				code: code, rule: ruleData, message: msg, unblock: unblock})
		}
		return false
	}
	switch {
	case e.on.IsZero():
		return stop(CodeFactsMissing, "The shipment date is missing; export controls are taken as of that date.", "the shipment date")
	case !e.s.Destination.IsValid():
		return stop(CodeFactsMissing, "The destination country is missing or invalid.", "the destination country")
	case !e.s.Origin.IsValid():
		return stop(CodeFactsMissing, "The origin country is missing or invalid.", "the origin country")
	case e.on.Before(e.d.coverage.From):
		return stop(CodeDataWindow,
			fmt.Sprintf("The export-control data covers shipments from %s; %s is earlier.", e.d.coverage.From, e.on),
			"a determination made against the rules in force on the shipment date")
	}
	if e.on.After(e.d.reviewedThrough) {
		e.add(finding{severity: iorules.SeverityInfo, code: CodeDataWindow, rule: ruleData, message: e.d.reviewedNote})
	}
	return true
}

// reviewedNote is the note for a shipment dated after the day the data was
// last reviewed; the dataset builds it once when it loads.
func reviewedNote(reviewedThrough iorules.Date) string {
	return fmt.Sprintf("The export-control data was last reviewed against sources to %s; changes after that date are not reflected.", reviewedThrough)
}

func (e *eval) originRegime() string {
	switch {
	case e.s.Origin == "US":
		return regimeEAR
	case e.d.in(GroupEU, e.s.Origin, e.on):
		return regimeEU
	case e.s.Origin == "GB":
		return regimeUK
	}
	return ""
}

func (e *eval) regimeLabel() string {
	switch e.regime {
	case regimeEAR:
		return regimeEAR
	case regimeEU, regimeUK:
		return e.regime + " + US EAR overlay"
	}
	return "US EAR overlay"
}

func (e *eval) add(f finding) { e.findings = append(e.findings, f) }

// ruleRegime returns the regime a rule belongs to.
func (e *eval) ruleRegime(id string) string {
	if rs := e.d.rules[id]; len(rs) > 0 && rs[0].regime != "" {
		return rs[0].regime
	}
	return e.regimeOrEAR()
}

func (e *eval) ruleSource(id string) string {
	if r, ok := e.d.ruleOn(id, e.on); ok {
		return r.source
	}
	if rs := e.d.rules[id]; len(rs) > 0 {
		return rs[0].source
	}
	return ""
}

// findEmbargoHits finds the embargoed places the destination or a party is
// in, as of the shipment date.
func (e *eval) findEmbargoHits() {
	for _, em := range e.d.embargoes {
		if !em.Covers(e.on) {
			continue
		}
		if em.country == e.s.Destination {
			if len(em.subdivisions) == 0 || slices.Contains(em.subdivisions, e.s.DestinationSubdivision) {
				e.destHits = append(e.destHits, embargoHit{e: em})
			}
		}
		if !em.parties || em.country == e.s.Destination {
			continue // a party in the destination adds nothing to the destination's own hit
		}
		for i, p := range e.embargoParties() {
			var who string
			switch em.country {
			case p.party.Country:
				who = p.role + " is established in " + em.place
			case p.party.HeadquartersCountry:
				who = p.role + " is headquartered in " + em.place
			default:
				continue
			}
			if i == 0 { // the exporter
				switch em.exporter {
				case exporterNone:
					continue
				case exporterReview:
					e.reviewHits = append(e.reviewHits, embargoHit{e: em, who: who})
					continue
				}
			}
			e.partyHits = append(e.partyHits, embargoHit{e: em, who: who})
		}
	}
	e.allHits = slices.Concat(e.destHits, e.partyHits)
}

// embargoParties returns the parties whose establishment and headquarters
// the embargoes test: the exporter first, then the end user and the
// importer of record.
func (e *eval) embargoParties() [3]namedParty {
	p := e.parties()
	return [3]namedParty{{"the exporter", e.s.Exporter}, p[0], p[1]}
}

type namedParty struct {
	role  string
	party iorules.Party
}

// parties returns the parties whose location the destination rules test.
func (e *eval) parties() [2]namedParty {
	return [2]namedParty{{"the end user", e.s.EndUser}, {"the importer of record", e.s.ImporterOfRecord}}
}

// findHeadquarters applies the location test of 742.6(a)(6)(iii)(A): an end
// user or importer established or headquartered in D:5 or Macau.
func (e *eval) findHeadquarters() {
	for _, p := range e.parties() {
		for _, pl := range []partyPlace{
			{role: p.role, country: p.party.HeadquartersCountry, via: "headquartered"},
			{role: p.role, country: p.party.Country, via: "established"},
		} {
			if pl.country == "" {
				continue
			}
			if e.d.in(GroupD5, pl.country, e.on) || e.d.in(GroupMacau, pl.country, e.on) {
				e.hqHits = append(e.hqHits, pl)
				break
			}
		}
	}
	e.hqMissing = e.s.EndUser.HeadquartersCountry == ""
}

// blocked reports an embargo that declines every line whatever the item
// and whatever the origin.
func (e *eval) blocked() bool {
	for _, h := range e.hits() {
		if h.e.reach == reachAnyOrigin && h.e.treatment == treatDecline {
			return true
		}
	}
	return false
}

// line evaluates one item under every regime that applies to it.
func (e *eval) line(it iorules.Item) {
	cls := e.classify(it)
	for _, f := range cls.findings {
		e.add(f)
	}
	e.embargoLine(it)
	e.originLine(it)

	switch e.regime {
	case regimeEAR:
		e.ear(it, cls, e.add)
	case regimeEU, regimeUK:
		for _, f := range e.dualUse(it, cls) {
			e.add(f)
		}
		e.earOverlay(it, cls)
	default:
		e.earOverlay(it, cls)
	}
	e.chplLine(it)
}

// earOverlay applies the EAR to a line shipped from outside the US: fully
// for a US-made item (a re-export, 15 CFR 734.3(a)), and otherwise as far as
// the facts allow, since de minimis and the FDP rules decide whether a
// foreign-made item is subject to the EAR at all.
func (e *eval) earOverlay(it iorules.Item, cls classification) {
	if e.s.Destination == "US" || e.blocked() {
		return // an import into the US is not an EAR export; an embargo already declines
	}
	var fs []finding
	e.ear(it, cls, func(f finding) { fs = append(fs, f) })
	if it.CountryOfOrigin == "US" {
		for _, f := range fs {
			f.message = "US-origin item re-exported from " + string(e.s.Origin) + ": " + f.message
			e.add(f)
		}
		return
	}
	for _, f := range e.asIfSubject(it, cls, fs) {
		e.add(f)
	}
}

// asIfSubject turns the EAR findings for a foreign-made item shipped from
// abroad into what pre-qualification can say without the de minimis and FDP
// facts.
func (e *eval) asIfSubject(it iorules.Item, cls classification, fs []finding) []finding {
	made := "made in " + string(it.CountryOfOrigin)
	if it.CountryOfOrigin == "" {
		made = "of unstated origin"
	}
	// The advanced-computing FDP rule (15 CFR 734.9(h)): without the FDP
	// analysis, such items are presumed subject to the EAR for D:5 / Macau
	// destinations and D:5/Macau-headquartered parties.
	if _, ok := e.d.inForce(ruleFDP, e.on); ok && cls.advanced() && (e.dg.d5OrMacau() || len(e.hqHits) > 0) {
		var out []finding
		for _, f := range fs {
			if f.determination == DeterminationDenial {
				f.code = CodeFDPPresumed
				f.source += "; " + e.ruleSource(ruleFDP)
				f.message = fmt.Sprintf("Item %s shipped from %s is presumed subject to the EAR under the advanced-computing foreign direct product rule. %s", made, e.s.Origin, f.message)
				f.unblock = "a BIS licence (presumption of denial), or an FDP and de minimis analysis showing the item is not subject to the EAR"
				out = append(out, f)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	worst, ok := decide(fs)
	if !ok || worst.determination == DeterminationNLR {
		return []finding{{
			line: it.Line, regime: regimeEAR, determination: DeterminationNLR, severity: iorules.SeverityInfo,
			code: CodeNLR, rule: ruleDeMinimis, source: e.ruleSource(ruleDeMinimis) + "; 15 CFR 734.9",
			message: fmt.Sprintf("Item %s shipped from %s: even if de minimis or an FDP rule made it subject to the EAR, no licence would be required.", made, e.s.Origin),
		}}
	}
	if worst.determination == DeterminationNeedsFacts {
		var out []finding
		for _, f := range fs {
			if f.determination == DeterminationNeedsFacts {
				out = append(out, f)
			}
		}
		return out
	}
	pct := "25"
	if r, ok := e.d.ruleOn(ruleDeMinimis, e.on); ok {
		if v, ok := r.params["default_percent"]; ok {
			pct = v.String()
		}
		if v, ok := r.params["e1_e2_percent"]; ok && (e.dg.e1 || e.dg.e2) {
			pct = v.String()
		}
	}
	return []finding{{
		line: it.Line, regime: regimeEAR, determination: DeterminationNeedsFacts, severity: iorules.SeverityCondition,
		code: CodeJurisdiction, rule: ruleDeMinimis,
		source: e.ruleSource(ruleDeMinimis) + "; 15 CFR 734.9; " + worst.source,
		message: fmt.Sprintf("Item %s shipped from %s is subject to the EAR only if its US-controlled content exceeds the de minimis level (%s %% for %s) or a foreign direct product rule reaches it. If it is: %s",
			made, e.s.Origin, pct, e.s.Destination, worst.message),
		unblock: "the US-controlled content share and a foreign direct product analysis for the item, or the EAR authorisation it would need",
	}}
}

// embargoLine adds the origin-independent embargo findings for one line.
func (e *eval) embargoLine(it iorules.Item) {
	for _, h := range e.hits() {
		if h.e.reach != reachAnyOrigin {
			continue
		}
		where := h.where()
		switch h.e.treatment {
		case treatDecline:
			e.add(finding{
				line: it.Line, regime: e.regimeOrEAR(), determination: DeterminationEmbargoed,
				severity: iorules.SeverityDecline, code: CodeEmbargo, rule: h.e.id, source: e.embargoSource(h.e),
				message: where + ": exports are prohibited or need a licence reviewed under a policy of denial, whatever the origin." + confidenceNote(h.e.confidence),
				unblock: "do not ship; only a specific licence or authorisation from every regime concerned could lift this",
			})
		case treatConfirmRegion:
			e.add(finding{
				line: it.Line, regime: e.regimeOrEAR(), determination: DeterminationNeedsFacts,
				severity: iorules.SeverityCondition, code: CodeRegionConfirm, rule: h.e.id, source: e.embargoSource(h.e),
				message: where + ", parts of which are occupied; whether the sanctions on occupied regions reach it is unconfirmed.",
				unblock: "evidence that the delivery address is in government-controlled territory",
			})
		}
	}
	for _, h := range e.reviewHits {
		e.add(finding{
			line: it.Line, regime: e.regimeOrEAR(), determination: DeterminationNeedsFacts,
			severity: iorules.SeverityCondition, code: CodeSanctionsReview, rule: h.e.id, source: e.embargoSource(h.e),
			message: h.where() + ": the sanctions on " + h.e.place + " restrict dealings with parties there and the import of goods from there; a sale by such an exporter is not prohibited outright, but must be checked." + confidenceNote(h.e.confidence),
			unblock: "evidence that the exporter, its owners and the goods fall outside the sanctions (not listed, not owned or controlled by a listed or state party, goods not on an import prohibition of the destination, payment channels permitted)",
		})
	}
	if e.s.Destination == "UA" && len(e.destHits) == 0 {
		var sources []string
		for _, em := range e.d.embargoes {
			if em.country == "UA" && em.treatment == treatDecline && em.Covers(e.on) {
				sources = append(sources, e.embargoSource(em))
			}
		}
		e.add(finding{
			regime: e.regimeOrEAR(), severity: iorules.SeverityInfo, code: CodeRegionConfirm, rule: "exportctl.embargo.ua",
			source:  strings.Join(sources, "; "),
			message: "Ukraine: confirm the delivery address is not in Crimea, Sevastopol, the Donetsk or Luhansk regions or another occupied area; the country code alone cannot show it.",
		})
	}
}

func (e *eval) regimeOrEAR() string {
	if e.regime == "" {
		return regimeEAR
	}
	return e.regime
}

// embargoSource cites the regimes that bind this shipment: the origin's and
// the EAR (which follows US content anywhere).
func (e *eval) embargoSource(em embargo) string {
	var parts []string
	if e.regime != "" && e.regime != regimeEAR && em.sources[e.regime] != "" {
		parts = append(parts, em.sources[e.regime])
	}
	parts = append(parts, em.sources[regimeEAR])
	return strings.Join(parts, "; ")
}

// endUserCertificate returns the index in the shipment's documents of the
// first end-user certificate covering line n (one that lists n, or lists no
// lines and so covers the whole shipment), or -1 when none does.
func (e *eval) endUserCertificate(n int) int {
	for i, doc := range e.s.Documents {
		if doc.Type == iorules.DocumentEndUserCertificate && (len(doc.Lines) == 0 || slices.Contains(doc.Lines, n)) {
			return i
		}
	}
	return -1
}

// chplLine flags a Common High Priority List item going to a diversion-risk
// destination. An end-user certificate in the shipment's documents that
// covers the line settles it: the finding is then a note naming the
// certificate.
func (e *eval) chplLine(it iorules.Item) {
	if e.blocked() || !e.d.chplWindow.Covers(e.on) {
		return
	}
	item, ok := e.d.chpl[it.HSCode.HS6()]
	if !ok {
		return
	}
	m, ok := e.d.member(GroupCHPLDiversion, e.s.Destination, e.on)
	if !ok {
		return
	}
	if _, ok := e.d.inForce(ruleCHPL, e.on); !ok {
		return
	}
	var doubts []string
	if !item.confidence.IsConfirmed() {
		doubts = append(doubts, "the subheading's place on the list")
	}
	if !m.confidence.IsConfirmed() {
		doubts = append(doubts, "the destination's diversion-risk listing")
	}
	head := fmt.Sprintf("HS %s (%s) is on the Common High Priority List (tier %s) and %s is a Russia-diversion risk",
		iorules.HSCode(item.hs6), item.description, item.tier, e.s.Destination)
	doubt := ""
	if len(doubts) > 0 {
		doubt = " Unconfirmed: " + strings.Join(doubts, " and ") + "."
	}
	if i := e.endUserCertificate(it.Line); i >= 0 {
		ref := ""
		if r := strings.TrimSpace(e.s.Documents[i].Reference); r != "" {
			ref = fmt.Sprintf(" %q", r)
		}
		e.add(finding{
			line: it.Line, regime: e.regimeOrEAR(), severity: iorules.SeverityInfo,
			code: CodeNote, rule: ruleCHPL, source: e.ruleSource(ruleCHPL),
			message: head + fmt.Sprintf(": the end-user certificate%s listed in the shipment's documents covers the line; keep it signed with the export records.", ref) + doubt,
		})
		return
	}
	e.add(finding{
		line: it.Line, regime: e.regimeOrEAR(), severity: iorules.SeverityCondition,
		code: CodeCHPL, rule: ruleCHPL, source: e.ruleSource(ruleCHPL),
		message: head + ": obtain a signed end-user and export-control certification before shipping." + doubt,
		unblock: "a signed end-user certificate naming the end user, its activity and the end use, confirming no re-export to Russia or Belarus, listed in the shipment's documents (type end_user_certificate; lines it covers, or none for all)",
	})
}

// finish assembles the result from the findings.
func (e *eval) finish(res Result, items []iorules.Item) Result {
	if e.listedDecline {
		for i, f := range e.findings {
			if isException(f.determination) {
				f.determination = DeterminationLicenceRequired
				f.code = CodeLicenceRequired
				f.message += " No licence exception is available while a party matches a restricted-party list (15 CFR 740.2)."
				f.source += "; " + e.ruleSource(rule740_2)
				f.unblock = "a BIS licence, or a cleared disposition of the restricted-party match"
				e.findings[i] = f
			}
		}
	}
	deciding := decideLines(e.findings, items)
	if len(items) > 0 { // no items: Lines stays nil
		res.Lines = make([]LineResult, 0, len(items))
	}
	var lastRaw, lastLabel string
	for i := range items {
		it := &items[i]
		if i == 0 || it.ECCN != lastRaw {
			lastRaw, lastLabel = it.ECCN, eccnLabel(it.ECCN)
		}
		lr := LineResult{Line: it.Line, ECCN: lastLabel}
		if j := deciding[i]; j >= 0 {
			f := &e.findings[j]
			lr.Determination, lr.Regime, lr.Rule, lr.Source, lr.Message = f.determination, f.regime, f.rule, f.source, f.message
		} else {
			lr.Determination, lr.Regime, lr.Message = DeterminationNLR, res.Regime, "No licence requirement found."
		}
		lr.LicenceRequired = licenceNeeded(lr.Determination)
		res.LicenceRequired = res.LicenceRequired || lr.LicenceRequired
		res.Lines = append(res.Lines, lr)
	}
	res.Reasons = mergeReasons(e.findings)
	return res
}

// decideLines returns, for each item, the index in fs of its deciding
// finding (see decide) among the findings of its line number, or -1 when
// none decides. Items sharing a line number share their findings.
func decideLines(fs []finding, items []iorules.Item) []int {
	n := len(items)
	buf := make([]int, 2*n)
	deciding, first := buf[:n], buf[n:] // first[i]: the first item with items[i]'s line number
	numeric := true                     // items are in numeric line order
	for i := range items {
		first[i] = i
		if i > 0 && items[i].Line == items[i-1].Line {
			first[i] = first[i-1]
		} else if i > 0 && items[i].Line < items[i-1].Line {
			numeric = false
		}
	}
	// slot finds the first item of a line number.
	slot := func(line int) (int, bool) {
		i := sort.Search(n, func(k int) bool { return items[k].Line >= line })
		return i, i < n && items[i].Line == line
	}
	if !numeric { // only for line numbers so far apart that sortedItems' order is not numeric
		byLine := make(map[int]int, n)
		for i := n - 1; i >= 0; i-- {
			byLine[items[i].Line] = i
		}
		for i := range items {
			first[i] = byLine[items[i].Line]
		}
		slot = func(line int) (int, bool) {
			i, ok := byLine[line]
			return i, ok
		}
	}
	for i := range deciding {
		deciding[i] = -1
	}
	lastLine, lastSlot := 0, -1 // the findings of a line mostly follow each other
	for j, f := range fs {
		if f.determination == "" {
			continue
		}
		i := lastSlot
		if i < 0 || f.line != lastLine {
			var ok bool
			if i, ok = slot(f.line); !ok {
				continue
			}
			lastLine, lastSlot = f.line, i
		}
		if b := deciding[i]; b < 0 || determinationRank(f.determination) > determinationRank(fs[b].determination) {
			deciding[i] = j
		}
	}
	for i := range items {
		deciding[i] = deciding[first[i]]
	}
	return deciding
}

// eccnLabel is a line's ECCN as LineResult reports it: the canonical form
// when it parses, else as stated without surrounding spaces.
func eccnLabel(s string) string {
	e, canonical, err := parseECCN(s)
	switch {
	case err != nil:
		return strings.TrimSpace(s)
	case canonical:
		return strings.TrimSpace(s) // already what e.String() would build
	}
	return e.String()
}

// sortedItems returns the items in line order, keeping the given order of
// equal line numbers. Items already in order are returned as given; Screen
// only reads them.
func sortedItems(items []iorules.Item) []iorules.Item {
	byLine := func(a, b iorules.Item) int { return a.Line - b.Line }
	for i := 1; i < len(items); i++ {
		if items[i].Line-items[i-1].Line < 0 { // byLine(items[i], items[i-1]) < 0, without copying items
			out := slices.Clone(items)
			slices.SortStableFunc(out, byLine)
			return out
		}
	}
	return items
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func confidenceNote(c iorules.Confidence) string {
	if c.IsConfirmed() {
		return ""
	}
	return " (source unconfirmed)"
}

// originLine applies the measures on goods by their origin
// (embargoes.yaml origin_measures) to a line made in, or shipped from, a
// sanctioned place. A review measure is not reported for a line that a
// decline measure of the same place already covers.
func (e *eval) originLine(it iorules.Item) {
	var declined []iorules.Country
	for pass := 0; pass < 2; pass++ { // declines first
		for _, m := range e.d.originMeasures {
			if (m.treatment == treatDecline) != (pass == 0) || !m.Covers(e.on) || !e.destinationIn(m) {
				continue
			}
			if pass == 1 && slices.Contains(declined, m.country) {
				continue
			}
			var tie string
			switch m.country {
			case it.CountryOfOrigin:
				tie = "The goods originate in " + m.place
			case e.s.Origin:
				tie = "The goods are shipped from " + m.place
			default:
				continue
			}
			hs := it.HSCode.HS6()
			review := m.treatment != treatDecline
			switch {
			case len(m.chapters) == 0:
				if hs != "" {
					tie += fmt.Sprintf(" (HS %s)", it.HSCode)
				}
			case hs == "":
				tie += fmt.Sprintf(" and the line gives no valid HS code, so whether it falls in chapter %s cannot be told", strings.Join(m.chapters, ", "))
				review = true
			case slices.Contains(m.chapters, hs[:2]):
				tie += fmt.Sprintf(" (HS %s, chapter %s)", it.HSCode, hs[:2])
			default:
				continue
			}
			f := finding{
				line: it.Line, regime: e.regimeOrEAR(), rule: m.id, source: m.source,
				message: tie + ": " + m.text + " (" + m.source + ")." + confidenceNote(m.confidence),
			}
			if review {
				f.determination, f.severity, f.code = DeterminationNeedsFacts, iorules.SeverityCondition, CodeSanctionsReview
				f.unblock = "evidence that the measure does not reach the goods or the parties (the goods' code outside the prohibited ones, or no person bound by the measure involved)"
			} else {
				declined = append(declined, m.country)
				f.determination, f.severity, f.code = DeterminationEmbargoed, iorules.SeverityDecline, CodeEmbargo
				f.unblock = "do not ship goods of this origin; only an authorisation under every measure concerned (for a UN measure, an exemption granted by the Security Council's committee) could lift this"
			}
			e.add(f)
		}
	}
}

// destinationIn reports whether the shipment's destination is one a
// measure on goods by their origin reaches.
func (e *eval) destinationIn(m originMeasure) bool {
	if len(m.destinations) == 0 && len(m.destGroups) == 0 {
		return true
	}
	if slices.Contains(m.destinations, e.s.Destination) {
		return true
	}
	return slices.ContainsFunc(m.destGroups, func(g Group) bool { return e.d.in(g, e.s.Destination, e.on) })
}
