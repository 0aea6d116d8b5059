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
	// Dispositions record matches the caller has reviewed and cleared.
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
	// Screening lists restricted-party matches at or above the threshold,
	// cleared ones included.
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
	// Determination is one of the Determination constants.
	Determination string `json:"determination"`
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

// Determinations, from the most to the least restrictive.
const (
	// DeterminationEmbargoed: the destination or a party is under an
	// embargo or sanctions prohibition.
	DeterminationEmbargoed = "embargoed"
	// DeterminationDenial: a licence is required and would be reviewed
	// under a presumption of denial.
	DeterminationDenial = "presumption_of_denial"
	// DeterminationLicenceRequired: a licence must be obtained first.
	DeterminationLicenceRequired = "licence_required"
	// DeterminationReview: the library cannot settle the line from its
	// data (a Country Chart check); a person must.
	DeterminationReview = "review"
	// DeterminationNeedsFacts: a fact is missing (ECCN, TPP, headquarters,
	// US content).
	DeterminationNeedsFacts = "needs_facts"
	// DeterminationNAC: Licence Exception NAC, with prior notification to BIS.
	DeterminationNAC = "licence_exception_NAC"
	// DeterminationACA: Licence Exception ACA.
	DeterminationACA = "licence_exception_ACA"
	// DeterminationENC: Licence Exception ENC.
	DeterminationENC = "licence_exception_ENC"
	// DeterminationSPP: Licence Exception SPP (Syria, EAR99 items).
	DeterminationSPP = "licence_exception_SPP"
	// DeterminationEU001: Union General Export Authorisation EU001.
	DeterminationEU001 = "general_authorisation_EU001"
	// DeterminationNLR: no licence required.
	DeterminationNLR = "NLR"
)

var determinationRank = map[string]int{
	DeterminationEmbargoed:       9,
	DeterminationDenial:          8,
	DeterminationLicenceRequired: 7,
	DeterminationReview:          6,
	DeterminationNeedsFacts:      5,
	DeterminationNAC:             4,
	DeterminationACA:             3,
	DeterminationENC:             3,
	DeterminationSPP:             3,
	DeterminationEU001:           3,
	DeterminationNLR:             1,
}

func isException(det string) bool {
	switch det {
	case DeterminationNAC, DeterminationACA, DeterminationENC, DeterminationSPP:
		return true
	}
	return false
}

// Reason codes Screen emits.
const (
	CodeEmbargo                = "export_embargo"                    // decline: embargoed destination or party
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
	determination string
	severity      iorules.Severity
	code          string
	rule          string
	source        string
	message       string
	unblock       string
}

func (f finding) reason() iorules.Reason {
	r := iorules.Reason{
		Code: f.code, Severity: f.severity, Message: f.message,
		Rule: f.rule, Source: f.source, Unblock: f.unblock,
	}
	if f.line != 0 {
		r.Lines = []int{f.line}
	}
	return r
}

// mergeReasons folds reasons that differ only in their lines into one and
// sorts them: most severe first, then shipment-wide before per-line, then by
// first line, code, rule and message.
func mergeReasons(in []iorules.Reason) []iorules.Reason {
	type key struct{ code, sev, msg, rule, src, unblock string }
	idx := map[key]int{}
	var out []iorules.Reason
	for _, r := range in {
		k := key{r.Code, string(r.Severity), r.Message, r.Rule, r.Source, r.Unblock}
		if i, ok := idx[k]; ok {
			if len(out[i].Lines) == 0 || len(r.Lines) == 0 {
				out[i].Lines = nil // shipment-wide absorbs per-line
				continue
			}
			for _, l := range r.Lines {
				if !slices.Contains(out[i].Lines, l) {
					out[i].Lines = append(out[i].Lines, l)
				}
			}
			slices.Sort(out[i].Lines)
			continue
		}
		idx[k] = len(out)
		r.Lines = slices.Clone(r.Lines)
		out = append(out, r)
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

// decide picks the deciding finding of a line: the most restrictive
// determination, the first one found on a tie.
func decide(fs []finding) (finding, bool) {
	var best finding
	found := false
	for _, f := range fs {
		if f.determination == "" {
			continue
		}
		if !found || determinationRank[f.determination] > determinationRank[best.determination] {
			best, found = f, true
		}
	}
	return best, found
}

func licenceNeeded(det string) bool {
	switch det {
	case DeterminationLicenceRequired, DeterminationDenial, DeterminationEmbargoed:
		return true
	}
	return false
}
