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
	Market        iorules.Country  `json:"market"`
	Name          string           `json:"name"`
	Currency      iorules.Currency `json:"currency"`
	Version       string           `json:"version"`
	EffectiveFrom iorules.Date     `json:"effective_from"`
	EffectiveTo   iorules.Date     `json:"effective_to,omitzero"`
	// Approvals are the ids of approvals_held the policy reads.
	Approvals []DescribedApproval `json:"approvals"`
	// Registrations are the registration schemes of the importer of
	// record the policy reads.
	Registrations []string `json:"registrations"`
	// Documents are the document types the policy asks for.
	Documents []string `json:"documents"`
	// Tables are the policy's tables, with their keys.
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
	ID           string          `json:"id"`
	Authority    string          `json:"authority,omitempty"`
	Title        string          `json:"title,omitempty"`
	Stage        approvals.Stage `json:"stage,omitempty"`
	LeadTimeDays *int            `json:"lead_time_days,omitempty"`
}

// DescribedTable is a table of the policy and the distinct keys of its
// rows (tiers tables list none).
type DescribedTable struct {
	Name  string   `json:"name"`
	Match string   `json:"match"`
	Keys  []string `json:"keys,omitempty"`
}

// DescribedTax is a tax of the chain.
type DescribedTax struct {
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	Scope         string       `json:"scope"`
	Informational bool         `json:"informational,omitempty"`
	EffectiveFrom iorules.Date `json:"effective_from,omitzero"`
	EffectiveTo   iorules.Date `json:"effective_to,omitzero"`
}

// DescribedRule is a rule of the policy.
type DescribedRule struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
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
