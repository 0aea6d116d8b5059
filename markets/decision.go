package markets

import (
	"encoding/json"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/classify"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

// Verdict is the outcome of pre-qualification.
type Verdict string

// The verdicts.
const (
	// Clear: nothing blocks the shipment as it stands.
	Clear Verdict = "clear"
	// Conditional: clearable once the listed approvals, licences or facts
	// are in hand.
	Conditional Verdict = "conditional"
	// Decline: the importer of record cannot clear the shipment.
	Decline Verdict = "decline"
)

// Decision is the outcome of pre-qualifying one shipment for one market.
// Amounts are in the market's currency, rounded to its minor unit.
//
// A Decision is the caller's own: nothing reachable from it is shared with
// the Engine or with another Decision, so a caller may sort, trim or
// rewrite it without affecting later evaluations.
type Decision struct {
	ShipmentID string          `json:"shipment_id"`
	Market     iorules.Country `json:"market"`
	// Currency is the market's currency, that of every amount below.
	Currency iorules.Currency `json:"currency"`
	AsOf     iorules.Date     `json:"as_of"`
	Verdict  Verdict          `json:"verdict"`
	// Reasons explain the verdict, the most severe first.
	Reasons []iorules.Reason `json:"reasons"`
	// Approvals lists every regulatory approval the lines need, by id and
	// status.
	Approvals []approvals.Approval `json:"approvals"`
	// EarliestShipDate is AsOf plus the longest lead time of the blocking
	// approvals not yet held.
	EarliestShipDate iorules.Date         `json:"earliest_ship_date,omitzero"`
	Classification   []classify.Result    `json:"classification"`
	ExportControl    exportctl.Result     `json:"export_control"`
	Valuation        *valuation.Valuation `json:"valuation"`
	Taxes            []Tax                `json:"taxes"`
	// TotalTaxes sums the taxes that are not informational; nil when a tax
	// could not be computed for some line, so that no total silently
	// leaves one out.
	TotalTaxes *decimal.Decimal `json:"total_taxes"`
	// PartialTotalTaxes, set only when TotalTaxes is nil because of
	// NotComputed, sums what was computed: a lower bound, never the total.
	PartialTotalTaxes *decimal.Decimal `json:"partial_total_taxes,omitempty"`
	// NotComputed lists the taxes that could not be computed for some
	// lines, with why; the other lines' taxes are still given.
	NotComputed []NotComputed `json:"not_computed,omitempty"`
	// LandedCost is the customs value (plus freight and insurance on a FOB
	// basis), the costs after the border and TotalTaxes; nil with it.
	LandedCost   *decimal.Decimal `json:"landed_cost"`
	Lines        []Line           `json:"lines"`
	NotEvaluated []string         `json:"not_evaluated,omitempty"`
	Fired        []FiredRule      `json:"fired"`
	Policy       PolicyRef        `json:"policy"`
	// Audit fingerprints the inputs and the rules that made the decision.
	Audit Audit `json:"audit"`
	// Explanation traces every tax and rule; only with WithExplanation.
	Explanation *Explanation `json:"explanation,omitempty"`
}

// Audit is the fingerprint of a decision: evaluating the same shipment with
// the same options against the same policy set and library version gives
// the same decision, byte for byte, so a later audit can show which rules
// and data decided it. Hashes are lower-case hex SHA-256.
type Audit struct {
	// ShipmentSHA256 hashes the canonical JSON of the shipment (json.Marshal
	// of the iorules.Shipment evaluated).
	ShipmentSHA256 string `json:"shipment_sha256"`
	// PolicySHA256 hashes the bytes of the market's policy file (as
	// Policy.SHA256 does).
	PolicySHA256 string `json:"policy_sha256"`
	// PolicySetSHA256 hashes every policy file the engine loaded (see
	// Engine.PolicySetSHA256).
	PolicySetSHA256 string `json:"policy_set_sha256"`
	// OptionsSHA256 hashes the data the caller supplied to the evaluation
	// (the restricted-party list and reference prices, with their
	// threshold and tolerance); empty when none was supplied.
	OptionsSHA256 string `json:"options_sha256,omitempty"`
	// Library names the module and its version, which fixes the embedded
	// data (HS nomenclature, export-control lists) and the Go checks.
	Library string `json:"library"`
}

// NotComputed is a tax that could not be computed for some lines.
type NotComputed struct {
	// Tax is the tax's id.
	Tax string `json:"tax"`
	// Lines are the lines it is missing for.
	Lines []int `json:"lines"`
	// Code, Rule and Message are those of the reason it stopped at: the
	// tax itself, or an earlier tax of the chain it depends on.
	Code    string `json:"code"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Tax is one tax or fee of the decision, summed over the declaration.
type Tax struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Base is the sum of the bases of the declaration groups; empty for a
	// tax given as an amount.
	Base *decimal.Decimal `json:"base,omitempty"`
	// Rate is the rate when every group used the same one.
	Rate   *decimal.Decimal `json:"rate,omitempty"`
	Amount decimal.Decimal  `json:"amount"`
	// Informational taxes are shown but not added to TotalTaxes.
	Informational bool `json:"informational,omitempty"`
	// Partial is true when the tax could not be computed for every line
	// (see Decision.NotComputed): Amount sums the lines it was computed for.
	Partial    bool   `json:"partial,omitempty"`
	Source     string `json:"source"`
	Confidence string `json:"confidence"`
	Rule       string `json:"rule"`
}

// Line is one invoice line's share of the decision.
type Line struct {
	Line         int             `json:"line"`
	Group        int             `json:"group"`
	CustomsValue decimal.Decimal `json:"customs_value"`
	Taxes        []LineTax       `json:"taxes"`
}

// LineTax is one tax on one line: the line's share of its group's amount.
type LineTax struct {
	ID string `json:"id"`
	// Rate is the group's rate, for a tax computed as base × rate.
	Rate   *decimal.Decimal `json:"rate,omitempty"`
	Amount decimal.Decimal  `json:"amount"`
}

// FiredRule records a rule whose condition held, and on which lines.
type FiredRule struct {
	Rule  string `json:"rule"`
	Lines []int  `json:"lines,omitempty"`
}

// PolicyRef identifies the policy that decided.
type PolicyRef struct {
	Market        iorules.Country `json:"market"`
	Version       string          `json:"version"`
	File          string          `json:"file"`
	SHA256        string          `json:"sha256"`
	EffectiveFrom iorules.Date    `json:"effective_from"`
	EffectiveTo   iorules.Date    `json:"effective_to,omitzero"`
}

// MarshalJSON writes the decision with every amount as a decimal string
// with at least the minor-unit places of its currency ("1387125.00",
// "0.00"); a tax base computed to more places keeps them. Rates are
// written as the policy gives them.
func (d Decision) MarshalJSON() ([]byte, error) {
	places := d.Currency.MinorUnits()
	amount := func(x decimal.Decimal) string {
		if -x.Exponent() > places {
			return x.String()
		}
		return x.StringFixed(places)
	}
	optional := func(x *decimal.Decimal) *string {
		if x == nil {
			return nil
		}
		s := amount(*x)
		return &s
	}
	type taxJSON struct {
		ID            string           `json:"id"`
		Name          string           `json:"name"`
		Base          *string          `json:"base,omitempty"`
		Rate          *decimal.Decimal `json:"rate,omitempty"`
		Amount        string           `json:"amount"`
		Informational bool             `json:"informational,omitempty"`
		Partial       bool             `json:"partial,omitempty"`
		Source        string           `json:"source"`
		Confidence    string           `json:"confidence"`
		Rule          string           `json:"rule"`
	}
	type lineTaxJSON struct {
		ID     string           `json:"id"`
		Rate   *decimal.Decimal `json:"rate,omitempty"`
		Amount string           `json:"amount"`
	}
	type lineJSON struct {
		Line         int           `json:"line"`
		Group        int           `json:"group"`
		CustomsValue string        `json:"customs_value"`
		Taxes        []lineTaxJSON `json:"taxes"`
	}
	taxes := make([]taxJSON, len(d.Taxes))
	for i, t := range d.Taxes {
		taxes[i] = taxJSON{ID: t.ID, Name: t.Name, Base: optional(t.Base), Rate: t.Rate, Amount: amount(t.Amount),
			Informational: t.Informational, Partial: t.Partial, Source: t.Source, Confidence: t.Confidence, Rule: t.Rule}
	}
	lines := make([]lineJSON, len(d.Lines))
	for i, l := range d.Lines {
		lt := make([]lineTaxJSON, len(l.Taxes))
		for j, t := range l.Taxes {
			lt[j] = lineTaxJSON{ID: t.ID, Rate: t.Rate, Amount: amount(t.Amount)}
		}
		lines[i] = lineJSON{Line: l.Line, Group: l.Group, CustomsValue: amount(l.CustomsValue), Taxes: lt}
	}
	return json.Marshal(struct {
		ShipmentID       string               `json:"shipment_id"`
		Market           iorules.Country      `json:"market"`
		Currency         iorules.Currency     `json:"currency"`
		AsOf             iorules.Date         `json:"as_of"`
		Verdict          Verdict              `json:"verdict"`
		Reasons          []iorules.Reason     `json:"reasons"`
		Approvals        []approvals.Approval `json:"approvals"`
		EarliestShipDate iorules.Date         `json:"earliest_ship_date,omitzero"`
		Classification   []classify.Result    `json:"classification"`
		ExportControl    exportctl.Result     `json:"export_control"`
		Valuation        *valuation.Valuation `json:"valuation"`
		Taxes            []taxJSON            `json:"taxes"`
		TotalTaxes       *string              `json:"total_taxes"`
		PartialTotal     *string              `json:"partial_total_taxes,omitempty"`
		NotComputed      []NotComputed        `json:"not_computed,omitempty"`
		LandedCost       *string              `json:"landed_cost"`
		Lines            []lineJSON           `json:"lines"`
		NotEvaluated     []string             `json:"not_evaluated,omitempty"`
		Fired            []FiredRule          `json:"fired"`
		Policy           PolicyRef            `json:"policy"`
		Audit            Audit                `json:"audit"`
		Explanation      *Explanation         `json:"explanation,omitempty"`
	}{
		d.ShipmentID, d.Market, d.Currency, d.AsOf, d.Verdict, d.Reasons, d.Approvals, d.EarliestShipDate,
		d.Classification, d.ExportControl, d.Valuation, taxes, optional(d.TotalTaxes), optional(d.PartialTotalTaxes),
		d.NotComputed, optional(d.LandedCost),
		lines, d.NotEvaluated, d.Fired, d.Policy, d.Audit, d.Explanation,
	})
}
