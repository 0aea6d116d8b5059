package exportctl

import (
	"cmp"
	"slices"
	"strings"

	"github.com/iorules/iorules"
)

// Options configure Screen.
type Options struct {
	// Parties is the restricted-party list to screen against, supplied by
	// the caller (the package embeds none and performs no look-ups). Empty
	// means no list: Screen then says that screening was not performed.
	Parties []ListedParty
	// Threshold is the lowest score (1-100) that counts as a match; 0 or
	// less means DefaultThreshold, more than 100 means 100.
	Threshold int
	// Dispositions record matches the caller has reviewed and cleared, and
	// parties whose owners the caller has screened under the BIS Affiliates
	// rule (Decision DecisionOwnershipCleared).
	Dispositions []Disposition
}

// Result is the export-control finding for one shipment.
type Result struct {
	// LicenceRequired is true when any line needs a licence at origin (or
	// cannot be licensed at all).
	LicenceRequired bool `json:"licence_required"`
	// Regime names the regimes evaluated: "US EAR" for a US origin,
	// "EU 2021/821 + US EAR overlay" for an EU Member State, and so on.
	Regime string `json:"regime"`
	// Lines holds one result per item line, in line order.
	Lines []LineResult `json:"lines"`
	// Screening lists restricted-party matches of the shipment's parties at
	// or above the threshold, cleared ones included. Matches of a party's
	// stated owners are reported in the Affiliates-rule reasons instead.
	Screening []Match `json:"screening,omitempty"`
	// Reasons are the findings for the decision, most severe first.
	Reasons []iorules.Reason `json:"-"`
}

// LineResult is the determination for one item line: the most restrictive
// outcome over every regime and rule that applies to it.
type LineResult struct {
	// Line is the item's line number.
	Line int `json:"line"`
	// ECCN is the line's classification as stated (canonical form when it
	// parses); "" when none was stated.
	ECCN string `json:"eccn"`
	// Determination is the line's outcome, one of the Determination
	// constants.
	Determination Determination `json:"determination"`
	// LicenceRequired is true for licence_required, presumption_of_denial
	// and embargoed.
	LicenceRequired bool `json:"licence_required"`
	// Regime is the regime of the deciding rule.
	Regime string `json:"regime"`
	// Rule is the id of the deciding rule.
	Rule string `json:"rule"`
	// Source is the legal source of the deciding rule.
	Source string `json:"source"`
	// Message explains the determination.
	Message string `json:"message"`
}

// Determination is the export-control outcome for one line: whether it may
// leave its origin, and under which licence exception or authorisation. It is
// written in JSON as the constant's value ("licence_required").
type Determination string

// Determinations, from the most to the least restrictive.
const (
	// DeterminationEmbargoed: the destination or a party is under an
	// embargo or sanctions prohibition.
	DeterminationEmbargoed Determination = "embargoed"
	// DeterminationDenial: a licence is required and would be reviewed
	// under a presumption of denial.
	DeterminationDenial Determination = "presumption_of_denial"
	// DeterminationLicenceRequired: a licence must be obtained first.
	DeterminationLicenceRequired Determination = "licence_required"
	// DeterminationReview: the library cannot settle the line from its
	// data (a Country Chart check); a person must.
	DeterminationReview Determination = "review"
	// DeterminationNeedsFacts: a fact is missing (ECCN, TPP, headquarters,
	// US content).
	DeterminationNeedsFacts Determination = "needs_facts"
	// DeterminationNAC: Licence Exception NAC, with prior notification to BIS.
	DeterminationNAC Determination = "licence_exception_NAC"
	// DeterminationACA: Licence Exception ACA.
	DeterminationACA Determination = "licence_exception_ACA"
	// DeterminationENC: Licence Exception ENC.
	DeterminationENC Determination = "licence_exception_ENC"
	// DeterminationSPP: Licence Exception SPP (Syria, EAR99 items).
	DeterminationSPP Determination = "licence_exception_SPP"
	// DeterminationEU001: Union General Export Authorisation EU001.
	DeterminationEU001 Determination = "general_authorisation_EU001"
	// DeterminationNLR: no licence required.
	DeterminationNLR Determination = "NLR"
)

// determinationRank orders the determinations from the least (NLR, 1) to
// the most restrictive (embargoed, 9); the licence exceptions other than
// NAC rank alike.
func determinationRank(det Determination) int {
	switch det {
	case DeterminationEmbargoed:
		return 9
	case DeterminationDenial:
		return 8
	case DeterminationLicenceRequired:
		return 7
	case DeterminationReview:
		return 6
	case DeterminationNeedsFacts:
		return 5
	case DeterminationNAC:
		return 4
	case DeterminationACA, DeterminationENC, DeterminationSPP, DeterminationEU001:
		return 3
	case DeterminationNLR:
		return 1
	}
	return 0
}

func isException(det Determination) bool {
	switch det {
	case DeterminationNAC, DeterminationACA, DeterminationENC, DeterminationSPP:
		return true
	}
	return false
}

// Reason codes Screen emits.
const (
	CodeEmbargo                = "export_embargo"                    // decline: embargoed destination or party, or goods of an embargoed origin
	CodeSanctionsReview        = "export_sanctions_review"           // condition: an exporter in, or goods from, a sanctioned place: facts to settle
	CodeDenial                 = "export_licence_denial"             // decline: licence under a presumption of denial
	CodeFDPPresumed            = "export_fdp_presumed"               // decline: foreign-made item presumed subject to the EAR by the FDP rule
	CodeLicenceRequired        = "export_licence_required"           // condition: licence to obtain
	CodeLicenceException       = "export_licence_exception"          // condition: exception paperwork
	CodeCountryChart           = "export_country_chart_check"        // condition: Country Chart check
	CodeECCNMissing            = "export_eccn_missing"               // condition: ECCN (and TPP) to provide
	CodeECCNInvalid            = "export_eccn_invalid"               // condition: ECCN that does not parse
	CodeTPPMissing             = "export_tpp_missing"                // condition: TPP to provide
	CodeClassificationMismatch = "export_classification_mismatch"    // condition: ECCN and TPP disagree
	CodeHeadquartersMissing    = "export_headquarters_missing"       // condition: end user's headquarters to state
	CodeOwnershipUnknown       = "export_ownership_unknown"          // condition: owners of 50 % or more to establish (Affiliates rule)
	CodeGroupUnknown           = "export_country_group_unknown"      // condition: destination's groups not in the data
	CodeJurisdiction           = "export_ear_jurisdiction"           // condition: de minimis / FDP facts
	CodeRegionConfirm          = "export_region_confirm"             // condition or info: confirm the Ukrainian region
	CodeDataWindow             = "export_data_window"                // condition or info: date outside the data's window
	CodeDataUnavailable        = "export_data_unavailable"           // condition: the embedded data did not load
	CodeFactsMissing           = "export_facts_missing"              // condition: date or destination missing
	CodeNLR                    = "export_nlr"                        // info: no licence required
	CodeNote                   = "export_note"                       // info: a rule reported but not applied
	CodeOriginNotModelled      = "export_origin_regime_not_modelled" // info: origin country's own controls not modelled
	CodeCHPL                   = "chpl_end_user_evidence"            // condition: CHPL item to a diversion-risk destination
	CodeEU12g                  = "eu_no_russia_clause"               // condition: 12g clause evidence
	CodeEUClassification       = "eu_classification_missing"         // condition: EU Annex I entry to state
	CodeRestrictedParty        = "restricted_party_match"            // decline (or condition for review lists)
	CodeRestrictedPartyCleared = "restricted_party_cleared"          // info: match cleared by a disposition
	CodeScreeningNotPerformed  = "restricted_party_list_missing"     // info: no list supplied
)

// Regime labels.
const (
	regimeEAR = "US EAR"
	regimeEU  = "EU 2021/821"
	regimeUK  = "UK dual-use"
)

// finding is one rule's outcome for one line (line 0: the whole shipment).
// A finding with an empty determination is a note: it becomes a reason but
// does not decide the line.
type finding struct {
	line          int
	regime        string
	determination Determination
	severity      iorules.Severity
	code          string
	rule          string
	source        string
	message       string
	unblock       string

	// twin is 1 + the index, among the evaluation's findings, of an
	// earlier finding equal to this one but for its line; 0 for none. It
	// lets mergeReasons fold repeated lines without comparing their text.
	twin int
}

// mergeReasons turns the findings into reasons, folding findings that
// differ only in their line into one reason, and sorts them: most severe
// first, then shipment-wide before per-line, then by first line, code, rule
// and message. A reason's Lines are its findings' lines, sorted and unique;
// a shipment-wide finding (line 0) makes the whole reason shipment-wide.
func mergeReasons(fs []finding) []iorules.Reason {
	if len(fs) == 0 {
		return nil
	}
	twins := 0
	for _, f := range fs {
		if f.twin > 0 {
			twins++
		}
	}
	out := make([]iorules.Reason, 0, min(len(fs)-twins, 16))
	buf := make([]int, len(fs), len(fs)+cap(out))
	of := buf[:len(fs)]     // per finding: its reason
	nLines := buf[len(fs):] // per reason: its findings' lines counted with repeats; -1 once shipment-wide
	var reasons keyIndex[reasonKey]
	for i := range fs {
		f := &fs[i]
		if f.twin > 0 {
			of[i] = of[f.twin-1]
		} else {
			k := reasonKey{f.code, f.message, f.rule, f.source, f.unblock, f.severity}
			j, ok := reasons.find(k)
			if !ok {
				j = reasons.add(k)
				out = append(out, iorules.Reason{
					Code: f.code, Severity: f.severity, Message: f.message,
					Rule: f.rule, Source: f.source, Unblock: f.unblock,
				})
				nLines = append(nLines, 0)
			}
			of[i] = j
		}
		j := of[i]
		switch {
		case f.line == 0:
			nLines[j] = -1 // shipment-wide absorbs per-line
		case nLines[j] >= 0:
			nLines[j]++
		}
	}
	// The reasons' lines share one array, each in its own capacity-limited
	// window so that a caller's append cannot spill into the next.
	total := 0
	for _, n := range nLines {
		total += max(n, 0)
	}
	backing := make([]int, 0, total)
	for j, n := range nLines {
		if n > 0 {
			out[j].Lines = backing[len(backing) : len(backing) : len(backing)+n]
			backing = backing[:len(backing)+n]
		}
	}
	for i := range fs {
		if j := of[i]; nLines[j] > 0 {
			out[j].Lines = append(out[j].Lines, fs[i].line)
		}
	}
	for j := range out {
		if ls := out[j].Lines; len(ls) > 1 {
			slices.Sort(ls)
			ls = slices.Compact(ls)
			out[j].Lines = ls[:len(ls):len(ls)]
		}
	}
	firstLine := func(r iorules.Reason) int {
		if len(r.Lines) == 0 {
			return 0
		}
		return r.Lines[0]
	}
	slices.SortStableFunc(out, func(a, b iorules.Reason) int {
		return cmp.Or(
			cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
			cmp.Compare(firstLine(a), firstLine(b)),
			strings.Compare(a.Code, b.Code),
			strings.Compare(a.Rule, b.Rule),
			strings.Compare(a.Message, b.Message),
		)
	})
	return out
}

// reasonKey is what two findings must share to fold into one reason.
type reasonKey struct {
	code, msg, rule, src, unblock string
	sev                           iorules.Severity
}

// decide picks the deciding finding of a line: the most restrictive
// determination, the first one found on a tie.
func decide(fs []finding) (finding, bool) {
	var best finding
	found := false
	for _, f := range fs {
		if f.determination == "" {
			continue
		}
		if !found || determinationRank(f.determination) > determinationRank(best.determination) {
			best, found = f, true
		}
	}
	return best, found
}

func licenceNeeded(det Determination) bool {
	switch det {
	case DeterminationLicenceRequired, DeterminationDenial, DeterminationEmbargoed:
		return true
	}
	return false
}
