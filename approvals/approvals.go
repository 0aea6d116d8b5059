package approvals

import (
	"cmp"
	"slices"
	"strings"

	"github.com/iorules/iorules"
)

// Stage says when an approval must exist.
type Stage string

// The stages, from the earliest to the latest.
const (
	// BeforeShipment: the carrier or the origin needs it before loading
	// (Saudi SCoC, Egypt ACID).
	BeforeShipment Stage = "before_shipment"
	// BeforeClearance: the customs declaration needs it (Turkey TAREKS).
	BeforeClearance Stage = "before_clearance"
	// AfterClearance: needed to sell or operate; it does not hold the cargo.
	AfterClearance Stage = "after_clearance"
)

// IsValid reports whether s is a known stage.
func (s Stage) IsValid() bool {
	return s == BeforeShipment || s == BeforeClearance || s == AfterClearance
}

// Blocks reports whether a missing approval of this stage holds the cargo.
func (s Stage) Blocks() bool { return s == BeforeShipment || s == BeforeClearance }

// Status is whether the shipment holds an approval on its date.
type Status string

// The statuses.
const (
	StatusRequired Status = "required" // needed and not held
	StatusHeld     Status = "held"     // held and valid on the shipment date
	StatusExpired  Status = "expired"  // held, but expired before the shipment date
)

// Requirement is one line's need for one approval, as a market policy
// raises it.
type Requirement struct {
	ID        string // "<market>.<scheme>", e.g. "br.anatel"
	Authority string // the acronym the market uses, e.g. "ANATEL"
	// Title names the approval as the authority does.
	Title string
	// Stage is when the approval must be in hand (before shipment, before
	// clearance or after clearance).
	Stage Stage
	// LeadTimeDays is the usual time to obtain the approval; nil when the
	// policy does not know it.
	LeadTimeDays *int
	// Source cites the legal act or regulator page the requirement rests on.
	Source string
	// Confidence says whether the policy checked its source (Merge copies it
	// to the Approval).
	Confidence iorules.Confidence
	Rule       string // the policy rule that raised it
	Note       string // the policy's message, if any
	Unblock    string // how to obtain it, if the policy says
	// Line is the shipment line (items[].line) that needs the approval.
	Line int
}

// Approval is one approval the shipment needs, merged over the lines that
// need it and split by status.
type Approval struct {
	// ID is the approval's id, "<market>.<scheme>" ("br.anatel"), as lines
	// list it in approvals_held.
	ID string `json:"id"`
	// Authority is the acronym of the issuing authority ("ANATEL").
	Authority string `json:"authority"`
	// Title names the approval as the authority does.
	Title string `json:"title"`
	// Lines are the shipment lines in this status, in order; never empty.
	Lines []int `json:"lines"`
	// Stage is when the approval must be in hand.
	Stage Stage `json:"stage"`
	// BeforeShipment reports whether the stage is before_shipment: the
	// carrier or the origin needs the approval before the cargo is loaded.
	BeforeShipment bool `json:"before_shipment"`
	// LeadTimeDays is nil when the lead time is not known.
	LeadTimeDays *int `json:"lead_time_days"`
	// Status is held, required or expired for these lines.
	Status Status `json:"status"`
	// References lists the certificate numbers held, for held and expired
	// approvals.
	References []string `json:"references,omitempty"`
	// Source cites the legal act or regulator page the requirement rests on.
	Source string `json:"source"`
	// Confidence says whether the policy checked its source; empty when the
	// requirement does not say.
	Confidence iorules.Confidence `json:"confidence,omitempty"`
	// Rule is the policy rule that raised the requirement; empty when it
	// did not come from a policy rule.
	Rule string `json:"rule,omitempty"`
	// Note is the policy's explanation of the requirement, if it gives one.
	Note string `json:"note,omitempty"`
	// Unblock says how to obtain the approval, if the policy says.
	Unblock string `json:"unblock,omitempty"`
}

// LineStatus returns the status of approval id for item on date, and the
// reference of the certificate found. A certificate that does not cover the
// item's model (see Covers), or that names models when the item states none,
// is not held for the item: it counts as if it were not listed, so the
// approval stays required.
func LineStatus(item iorules.Item, id string, date iorules.Date) (Status, string) {
	status, ref := StatusRequired, ""
	for _, h := range item.ApprovalsHeld {
		if h.ID != id || !Covers(h, item.Model) {
			continue
		}
		if h.ValidUntil.IsZero() || !h.ValidUntil.Before(date) {
			return StatusHeld, h.Reference
		}
		status, ref = StatusExpired, h.Reference
	}
	return status, ref
}

// Covers reports whether the held approval h covers an item of the given
// model. A certificate that lists no models is not limited by model and
// covers any item. A certificate that names models covers only those: it
// covers the item when model is one of h.Models (compared without regard to
// case or surrounding space), and never when the item states no model, since
// nothing then shows the goods are a model it names.
func Covers(h iorules.HeldApproval, model string) bool {
	if len(h.Models) == 0 {
		return true
	}
	model = strings.TrimSpace(model)
	if model == "" {
		return false
	}
	return slices.ContainsFunc(h.Models, func(m string) bool { return strings.EqualFold(strings.TrimSpace(m), model) })
}

// Merge combines requirements into one Approval per approval id and status,
// with the status of each line read from the shipment's held approvals on
// its date (LineStatus: a certificate that does not name the line's model,
// or names models when the line states none, leaves the line required). The
// result is sorted by id, then status (required, expired, held); lines and
// references are sorted.
func Merge(s iorules.Shipment, reqs []Requirement) []Approval {
	items := make(map[int]iorules.Item, len(s.Items))
	for _, it := range s.Items {
		items[it.Line] = it
	}
	type key struct {
		id     string
		status Status
	}
	merged := map[key]*Approval{}
	for _, r := range reqs {
		status, ref := LineStatus(items[r.Line], r.ID, s.Date)
		k := key{r.ID, status}
		a, ok := merged[k]
		if !ok {
			a = &Approval{
				ID: r.ID, Authority: r.Authority, Title: r.Title, Stage: r.Stage,
				BeforeShipment: r.Stage == BeforeShipment, LeadTimeDays: cloneDays(r.LeadTimeDays),
				Status: status, Source: r.Source, Confidence: r.Confidence, Rule: r.Rule,
				Note: r.Note, Unblock: r.Unblock,
			}
			merged[k] = a
		}
		if !slices.Contains(a.Lines, r.Line) {
			a.Lines = append(a.Lines, r.Line)
		}
		if ref != "" && !slices.Contains(a.References, ref) {
			a.References = append(a.References, ref)
		}
	}
	out := make([]Approval, 0, len(merged))
	for _, a := range merged {
		slices.Sort(a.Lines)
		slices.Sort(a.References)
		out = append(out, *a)
	}
	rank := map[Status]int{StatusRequired: 0, StatusExpired: 1, StatusHeld: 2}
	slices.SortFunc(out, func(a, b Approval) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(rank[a.Status], rank[b.Status]))
	})
	return out
}

// cloneDays copies a lead time, so that no two approvals share one.
func cloneDays(days *int) *int {
	if days == nil {
		return nil
	}
	d := *days
	return &d
}

// EarliestShipDate returns the first date the cargo can move: asOf plus the
// longest lead time among approvals that block the cargo and are not held.
// It returns asOf when nothing blocks, and ok=false when a blocking
// approval's lead time is unknown (the date cannot be known either).
func EarliestShipDate(asOf iorules.Date, approvals []Approval) (date iorules.Date, ok bool) {
	longest := 0
	for _, a := range approvals {
		if a.Status == StatusHeld || !a.Stage.Blocks() {
			continue
		}
		if a.LeadTimeDays == nil {
			return iorules.Date{}, false
		}
		longest = max(longest, *a.LeadTimeDays)
	}
	return asOf.AddDays(longest), true
}
