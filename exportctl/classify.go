package exportctl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
)

// classification is what the rules know about a line's classification.
type classification struct {
	eccn     ECCN
	ok       bool   // a usable classification, stated or presumed
	label    string // eccn.String() when classify had it at hand; "" otherwise (see name)
	presumed string // why the classification was presumed; "" when stated
	gpu      bool   // category gpu_accelerator or gpu_server
	findings []finding
}

// advanced reports a classification controlled as advanced computing.
func (c classification) advanced() bool { return c.ok && c.eccn.IsAdvancedComputing() }

// name returns the ECCN as String prints it, reusing the label classify
// kept.
func (c classification) name() string {
	if c.label != "" {
		return c.label
	}
	return c.eccn.String()
}

var mass5A992c = ECCN{category: '5', group: 'A', number: "992", paragraph: "c"}

// classify reads the line's ECCN and TPP and reports the facts that are
// missing or that contradict each other. It never guesses the
// classification of an accelerator.
func (e *eval) classify(it iorules.Item) classification {
	c := classification{gpu: it.Category == iorules.CategoryGPUAccelerator || it.Category == iorules.CategoryGPUServer}
	need := func(code, rule, msg, unblock string) {
		c.findings = append(c.findings, finding{
			line: it.Line, regime: e.ruleRegime(rule), determination: DeterminationNeedsFacts,
			severity: iorules.SeverityCondition, code: code, rule: rule, source: e.ruleSource(rule),
			message: msg, unblock: unblock,
		})
	}
	note := func(rule, msg string) {
		c.findings = append(c.findings, finding{
			line: it.Line, regime: e.ruleRegime(rule), severity: iorules.SeverityInfo,
			code: CodeNote, rule: rule, source: e.ruleSource(rule), message: msg,
		})
	}

	raw := strings.TrimSpace(it.ECCN)
	switch {
	case raw == "" && c.gpu:
		what := "ECCN and TPP"
		if it.TPP != nil {
			what = "ECCN"
		}
		need(CodeECCNMissing, rule3A090,
			fmt.Sprintf("A %s needs its %s before its licence requirement can be settled: it may be 3A090/4A090 (or a .z item), which is never guessed.", it.Category, what),
			"the ECCN (3A090.a, 4A090.a, 5A992.z, EAR99, ...) and the total processing performance (TPP)")
		return c
	case raw == "" && it.Encryption.Present && !it.Encryption.MassMarket:
		need(CodeECCNMissing, ruleENC,
			"The item implements non-mass-market cryptography but states no ECCN: it is likely 5A002 (or 5D002), which needs Licence Exception ENC or a licence.",
			"the ECCN and, for 5A002 items, the ENC authorisation (self-classification or CCATS)")
		return c
	case raw == "" && it.Encryption.Present:
		// Mass-market items are 5A992.c (15 CFR 740.17(b)(1)) and need no
		// licence outside embargoed destinations, listed parties and the
		// Russia/Belarus controls. The caller's mass-market flag is taken
		// as the self-classification under 740.17(b)(1).
		c.eccn, c.ok = mass5A992c, true
		c.presumed = "mass-market encryption without a stated ECCN, treated as 5A992.c"
		note(rule5A992, "No ECCN stated; the item's mass-market encryption is taken as a 5A992.c self-classification under 15 CFR 740.17(b)(1). Confirm the ECCN.")
	case raw == "":
		if r, ok := e.d.inForce(rulePresumedEAR99, e.on); ok && slices.Contains(r.categories, it.Category) && !c.gpu {
			c.eccn, c.ok = eccnEAR99, true
			c.presumed = fmt.Sprintf("a %s without cryptography, presumed EAR99", it.Category)
			note(rulePresumedEAR99, fmt.Sprintf("No ECCN stated; a %s without cryptography is presumed EAR99. Confirm the classification.", it.Category))
		} else {
			need(CodeECCNMissing, ruleClassification,
				fmt.Sprintf("No ECCN stated for a %s; its licence requirement depends on it.", it.Category),
				"the ECCN, or EAR99 if the item is not on the Commerce Control List")
			return c
		}
	default:
		parsed, canonical, err := parseECCN(raw)
		if err != nil {
			need(CodeECCNInvalid, ruleClassification, err.Error()+".", "a valid ECCN such as 5A992.c, 4A090.a or EAR99")
			return c
		}
		c.eccn, c.ok = parsed, true
		if canonical {
			c.label = raw // the text String would build
		}
		e.checkEncryption(it, parsed, raw, need)
	}

	e.checkTPP(it, &c, need, note)
	return c
}

// infoSecurity are the ECCN headings of Category 5 Part 2 (information
// security): an item so classified implements cryptography. The 992
// headings are the mass-market items of 15 CFR 740.17(b)(1).
var (
	infoSecurity = []string{"5A002", "5A003", "5A004", "5B002", "5D002", "5E002", "5A992", "5D992", "5E992"}
	massMarket   = []string{"5A992", "5D992", "5E992"}
)

// checkEncryption asks for the facts when a stated ECCN contradicts the
// line's encryption facts: an information-security classification for an
// item that states no encryption, or a mass-market one (5A992, 5D992) for
// an item whose encryption is stated not to be mass market.
func (e *eval) checkEncryption(it iorules.Item, ec ECCN, raw string, need func(code, rule, msg, unblock string)) {
	heading := func(hs []string) bool {
		return slices.ContainsFunc(hs, ec.hasHeading)
	}
	switch {
	case heading(infoSecurity) && !it.Encryption.Present:
		need(CodeClassificationMismatch, ruleENC,
			fmt.Sprintf("The line is classified %s, an information-security (Category 5 Part 2) ECCN, but states that no encryption is present: one of the two is wrong, and the licence determination follows the ECCN.", raw),
			"the line's encryption facts (encryption.present, encryption.mass_market) or its corrected ECCN")
	case heading(massMarket) && !it.Encryption.MassMarket:
		need(CodeClassificationMismatch, rule5A992,
			fmt.Sprintf("The line is classified %s, which is for mass-market encryption items (15 CFR 740.17(b)(1)), but its encryption is stated not to be mass market: such an item is likely 5A002 or 5D002, which needs Licence Exception ENC or a licence.", raw),
			"the mass-market status of the item's encryption (self-classification under 740.17(b)(1)) or its corrected ECCN (5A002/5D002 and the ENC authorisation)")
	}
}

// checkTPP compares the line's TPP with its classification (3A090 Technical
// Note thresholds in data/rules.yaml) and asks for it where it is needed.
func (e *eval) checkTPP(it iorules.Item, c *classification, need func(code, rule, msg, unblock string), note func(rule, msg string)) {
	tpp := it.TPP
	ac := c.eccn.IsAdvancedComputing()
	if tpp == nil && !ac && !c.gpu {
		return // no TPP to check and none needed
	}
	r, ok := e.d.inForce(rule3A090, e.on)
	if !ok {
		return
	}
	tppA, floor := r.params["tpp_a"], r.params["tpp_b_floor"]
	explicitB := ac && acTier(c.eccn) == "b"
	switch {
	case tpp == nil && ac:
		need(CodeTPPMissing, rule3A090,
			fmt.Sprintf("%s is an advanced-computing classification; its TPP is needed to confirm the paragraph and the licence review policy.", c.eccn),
			"the total processing performance (TPP): the highest dense TOPS × bit length over the supported precisions")
	case tpp == nil && c.gpu:
		need(CodeTPPMissing, rule3A090,
			fmt.Sprintf("A %s classified %s needs its TPP to confirm it does not meet the 3A090 parameters.", it.Category, c.eccn),
			"the total processing performance (TPP)")
	case tpp == nil:
	case tpp.IsNegative():
		need(CodeClassificationMismatch, rule3A090, fmt.Sprintf("TPP %s is negative.", tpp), "a valid TPP")
	case !ac && tpp.GreaterThanOrEqual(tppA):
		need(CodeClassificationMismatch, rule3A090,
			fmt.Sprintf("TPP %s meets 3A090.a (TPP ≥ %s) but the line is classified %s: the item would be 3A090/4A090 or a .z item.", tpp, tppA, c.eccn),
			"a classification consistent with the TPP (3A090.a, 4A090.a or the .z paragraph)")
	case !ac && c.gpu && tpp.GreaterThanOrEqual(floor):
		need(CodeClassificationMismatch, rule3A090,
			fmt.Sprintf("TPP %s is at or above %s: whether the item meets 3A090 depends on its performance density (3A090.a: ≥ %s), which the line does not give.", tpp, floor, r.params["pd_a"]),
			"the performance density (TPP / die area) or a classification showing the item is outside 3A090")
	case explicitB && tpp.GreaterThanOrEqual(tppA):
		need(CodeClassificationMismatch, rule3A090,
			fmt.Sprintf("TPP %s meets 3A090.a (TPP ≥ %s) but the line is classified %s.", tpp, tppA, c.eccn),
			"the .a classification, or a corrected TPP")
	case ac && tpp.LessThan(floor):
		note(rule3A090, fmt.Sprintf("TPP %s is below the 3A090 thresholds; the declared %s was applied as stated.", tpp, c.eccn))
	}
}

// acTier returns "b" for an explicit .b classification (3A090.b, 4A090.b,
// or a .z paragraph ending in b) and "a" otherwise: without the performance
// density the stricter band is assumed.
func acTier(e ECCN) string {
	p := e.Paragraph()
	if e.hasHeading("3A090") || e.hasHeading("4A090") {
		if strings.HasPrefix(p, "b") {
			return "b"
		}
		return "a"
	}
	if e.IsZ() && strings.HasSuffix(p, ".b") {
		return "b"
	}
	return "a"
}

// belowCaseByCase reports whether the TPP is below the Jan-2026 case-by-case
// band's TPP limit.
func belowCaseByCase(tpp *decimal.Decimal, r rule) bool {
	limit, ok := r.params["tpp_below"]
	return ok && tpp != nil && tpp.LessThan(limit)
}
