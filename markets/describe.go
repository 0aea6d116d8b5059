package markets

import (
	"slices"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/markets/internal/policy"
)

// Description lists what a market's policy knows, so that a caller can
// spell its ids without reading the policy file: the approvals a line may
// hold, the registrations the importer of record may list, the documents
// the policy asks for, its tables and their keys, its taxes and rules.
type Description struct {
	// Market is the market the policy is for.
	Market iorules.Country `json:"market"`
	// Name is the market's name as the policy gives it.
	Name string `json:"name"`
	// Currency is the currency the policy computes every amount in.
	Currency iorules.Currency `json:"currency"`
	// Version is the policy's version as its file declares it.
	Version string `json:"version"`
	// EffectiveFrom is the first day of the window for which the policy is
	// known good.
	EffectiveFrom iorules.Date `json:"effective_from"`
	// EffectiveTo is the window's last day, included; the zero Date when
	// the window is open-ended.
	EffectiveTo iorules.Date `json:"effective_to,omitzero"`
	// Approvals are the ids of approvals_held the policy reads, sorted;
	// empty (not nil) when it reads none, as are the lists below.
	Approvals []DescribedApproval `json:"approvals"`
	// Registrations are the registration schemes of the importer of
	// record the policy reads, sorted.
	Registrations []string `json:"registrations"`
	// Documents are the document types the policy asks for, sorted.
	Documents []string `json:"documents"`
	// Tables are the policy's tables, with their keys, sorted by name.
	Tables []DescribedTable `json:"tables"`
	// Taxes are the taxes in chain order.
	Taxes []DescribedTax `json:"taxes"`
	// Rules are the rules in policy order.
	Rules []DescribedRule `json:"rules"`
}

// DescribedApproval is an approval id the policy knows; Authority, Title
// and Stage are empty for an id it only reads (held("...")) without a
// rule requiring it.
type DescribedApproval struct {
	// ID is the approval id a line lists in approvals_held ("br.anatel").
	ID string `json:"id"`
	// Authority is the issuing authority's acronym ("ANATEL"); empty for
	// an id the policy only reads.
	Authority string `json:"authority,omitempty"`
	// Title is the approval's name; empty for an id the policy only reads.
	Title string `json:"title,omitempty"`
	// Stage is when the approval must exist; empty for an id the policy
	// only reads.
	Stage approvals.Stage `json:"stage,omitempty"`
	// LeadTimeDays is the usual time to obtain the approval, in calendar
	// days; nil when the policy does not know it, and for an id it only
	// reads.
	LeadTimeDays *int `json:"lead_time_days,omitempty"`
}

// DescribedTable is a table of the policy and the distinct keys of its
// rows (tiers tables list none).
type DescribedTable struct {
	// Name is the table's name, as expressions read it.
	Name string `json:"name"`
	// Match is how a lookup finds a row: "exact" (the key as given),
	// "hs_prefix" (the longest key that prefixes an HS code) or "tiers"
	// (the numeric range a count falls in).
	Match string `json:"match"`
	// Keys are the rows' distinct keys, sorted; nil for a tiers table,
	// whose rows have ranges instead.
	Keys []string `json:"keys,omitempty"`
}

// DescribedTax is a tax of the chain.
type DescribedTax struct {
	// ID is the tax's id, as Tax.ID.
	ID string `json:"id"`
	// Name is the tax's name as the policy gives it.
	Name string `json:"name"`
	// Scope is "group" for a tax computed per declaration group, or
	// "declaration" for one computed once and shared among the groups.
	Scope string `json:"scope"`
	// Informational taxes are shown but not added to TotalTaxes.
	Informational bool `json:"informational,omitempty"`
	// EffectiveFrom is the first day the tax is in force; the zero Date
	// when it has no start.
	EffectiveFrom iorules.Date `json:"effective_from,omitzero"`
	// EffectiveTo is the last day it is in force, included; the zero Date
	// when it has no end.
	EffectiveTo iorules.Date `json:"effective_to,omitzero"`
}

// DescribedRule is a rule of the policy.
type DescribedRule struct {
	// ID is the rule's id, as Reason.Rule and FiredRule.Rule cite it.
	ID string `json:"id"`
	// Kind is approval, decline, condition, info or importer.
	Kind string `json:"kind"`
	// Code is the reason code the rule gives when it fires (the policy's,
	// or its kind's default); empty for an approval rule that names none,
	// whose reason is CodeApprovalMissing or CodeApprovalExpired.
	Code string `json:"code,omitempty"`
}

// Describe returns what the market's policy knows, or false when no policy
// is loaded for it. The result is the caller's own.
func (e *Engine) Describe(market iorules.Country) (Description, bool) {
	p, ok := e.policies[market]
	if !ok {
		return Description{}, false
	}
	d := Description{
		Market: p.Market, Name: p.Name, Currency: p.Currency, Version: p.Version,
		EffectiveFrom: p.EffectiveFrom, EffectiveTo: p.EffectiveTo,
		Approvals:     []DescribedApproval{},
		Registrations: slices.Clone(p.KnownSchemes), Documents: slices.Clone(p.KnownDocuments),
		Tables: []DescribedTable{}, Taxes: []DescribedTax{}, Rules: []DescribedRule{},
	}
	if d.Registrations == nil {
		d.Registrations = []string{}
	}
	if d.Documents == nil {
		d.Documents = []string{}
	}
	for _, id := range p.KnownApprovals {
		a := DescribedApproval{ID: id}
		if i := slices.IndexFunc(p.Rules, func(r *policy.Rule) bool { return r.ID == id && r.Kind == policy.KindApproval }); i >= 0 {
			req := p.Rules[i].Approval
			a.Authority, a.Title, a.Stage = req.Authority, req.Title, req.Stage
			if req.LeadTimeDays != nil {
				days := *req.LeadTimeDays
				a.LeadTimeDays = &days
			}
		}
		d.Approvals = append(d.Approvals, a)
	}
	names := make([]string, 0, len(p.Tables))
	for name := range p.Tables {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t := p.Tables[name]
		dt := DescribedTable{Name: name, Match: t.Match}
		if t.Match != policy.MatchTiers {
			for _, en := range t.Entries {
				if !slices.Contains(dt.Keys, en.Key) {
					dt.Keys = append(dt.Keys, en.Key)
				}
			}
		}
		d.Tables = append(d.Tables, dt)
	}
	for _, t := range p.Taxes {
		d.Taxes = append(d.Taxes, DescribedTax{ID: t.ID, Name: t.Name, Scope: t.Scope, Informational: t.Informational,
			EffectiveFrom: t.EffectiveFrom, EffectiveTo: t.EffectiveTo})
	}
	for _, r := range p.Rules {
		d.Rules = append(d.Rules, DescribedRule{ID: r.ID, Kind: r.Kind, Code: r.Code})
	}
	return d, true
}
