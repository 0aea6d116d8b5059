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
	// ShipmentID is the evaluated shipment's ID, as the caller gave it.
	ShipmentID string `json:"shipment_id"`
	// Market is the market whose policy decided: the shipment's
	// destination for Prequalify, the market asked for otherwise.
	Market iorules.Country `json:"market"`
	// Currency is the market's currency, that of every amount below.
	Currency iorules.Currency `json:"currency"`
	// AsOf is the shipment date, on which every rule, rate and approval
	// was judged.
	AsOf iorules.Date `json:"as_of"`
	// Verdict is Decline when any reason declines, else Conditional when
	// any reason is a condition, else Clear.
	Verdict Verdict `json:"verdict"`
	// Reasons explain the verdict, the most severe first; empty (not nil)
	// when there is nothing to say.
	Reasons []iorules.Reason `json:"reasons"`
	// Approvals lists every regulatory approval the lines need, one per id
	// and status, sorted by id then status (required, expired, held); empty
	// (not nil) when the policy requires none.
	Approvals []approvals.Approval `json:"approvals"`
	// EarliestShipDate is AsOf plus the longest lead time of the blocking
	// approvals not yet held (AsOf itself when none is missing). It is the
	// zero Date when the verdict is Decline, when a missing blocking
	// approval has no known lead time, or when an export licence is
	// required at origin (a lead_time_unknown reason then says why).
	EarliestShipDate iorules.Date `json:"earliest_ship_date,omitzero"`
	// Classification checks each line's HS code for the market, one result
	// per line in line-number order (see classify.CheckShipment).
	Classification []classify.Result `json:"classification"`
	// ExportControl is the export-control screening at origin with the
	// market as the destination; always set (a fact it lacks is a
	// condition among its reasons, not an empty result).
	ExportControl exportctl.Result `json:"export_control"`
	// Valuation is the customs valuation in Currency, on the policy's
	// basis. It is nil when the shipment could not be valued: no exchange
	// rate converts the shipment currency into Currency (a condition with
	// code CodeExchangeRateMissing says so). Taxes and Lines are then
	// empty, and TotalTaxes and LandedCost nil.
	Valuation *valuation.Valuation `json:"valuation"`
	// Taxes are the taxes and fees in force on AsOf, in the policy's chain
	// order, each summed over the declaration and in Currency; a tax whose
	// condition held on no line is listed with a zero Amount, one that
	// could not be computed for any line only in NotComputed. Empty (not
	// nil) when Valuation is nil.
	Taxes []Tax `json:"taxes"`
	// TotalTaxes sums the taxes that are not informational, in Currency;
	// nil when a tax could not be computed for some line, so that no total
	// silently leaves one out, and nil when Valuation is nil.
	TotalTaxes *decimal.Decimal `json:"total_taxes"`
	// PartialTotalTaxes, set only when TotalTaxes is nil because of
	// NotComputed, sums what was computed: a lower bound, never the total.
	// Nil otherwise, including when Valuation is nil.
	PartialTotalTaxes *decimal.Decimal `json:"partial_total_taxes,omitempty"`
	// NotComputed lists the taxes that could not be computed for some
	// lines, with why, in chain order; the other lines' taxes are still
	// given. Nil when every tax was computed, and when Valuation is nil.
	NotComputed []NotComputed `json:"not_computed,omitempty"`
	// LandedCost is the customs value (plus freight and insurance on a FOB
	// basis), the costs after the border and TotalTaxes, in Currency; nil
	// with TotalTaxes.
	LandedCost *decimal.Decimal `json:"landed_cost"`
	// Lines gives each invoice line its declaration group, customs value
	// and share of the taxes, in the order of the shipment's items; empty
	// (not nil) when Valuation is nil.
	Lines []Line `json:"lines"`
	// NotEvaluated lists, as the policy words them, the requirements the
	// market's policy says it does not check; nil when it names none.
	NotEvaluated []string `json:"not_evaluated,omitempty"`
	// Fired lists the rules whose condition held on the shipment date, in
	// policy order; empty (not nil) when none did.
	Fired []FiredRule `json:"fired"`
	// Policy identifies the policy that decided.
	Policy PolicyRef `json:"policy"`
	// Audit fingerprints the inputs and the rules that made the decision.
	Audit Audit `json:"audit"`
	// Explanation traces every tax and rule; only with WithExplanation,
	// nil otherwise.
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
	// Lines are the line numbers it is missing for, sorted; never empty.
	Lines []int `json:"lines"`
	// Code, Rule and Message are those of the reason it stopped at: the
	// tax itself, or an earlier tax of the chain it depends on. Code is
	// the reason's code (CodeFactMissing, CodeRuleError).
	Code string `json:"code"`
	// Rule is the id of the tax the reason is about: Tax, or the earlier
	// tax it depends on.
	Rule string `json:"rule"`
	// Message is the reason's message; for a tax stopped by an earlier
	// one it starts "it depends on <tax>, which was not computed: ".
	Message string `json:"message"`
	// Missing is the table row whose absence stopped the tax (the reason's
	// Missing), which a caller may supply with WithTables; nil when what
	// is missing is not a row (a fact of the shipment, the full national
	// tariff line).
	Missing *iorules.MissingRow `json:"missing,omitempty"`
}

// Tax is one tax or fee of the decision, summed over the declaration.
type Tax struct {
	// ID is the tax's id in the policy ("br.ii").
	ID string `json:"id"`
	// Name is the tax's name as the policy gives it.
	Name string `json:"name"`
	// Base is the sum of the bases of the declaration groups, in the
	// decision's currency and possibly to more places than its minor unit;
	// nil for a tax given as an amount, and when the tax's condition held
	// in no group.
	Base *decimal.Decimal `json:"base,omitempty"`
	// Rate is the rate (a fraction: 0.16 for 16%) when every group the tax
	// applied to used the same one; nil when their rates differ, for a tax
	// given as an amount, and when the condition held in no group.
	Rate *decimal.Decimal `json:"rate,omitempty"`
	// Amount is the sum of the groups' amounts, each rounded to the minor
	// unit of the decision's currency; zero when the tax's condition held
	// in no group.
	Amount decimal.Decimal `json:"amount"`
	// Informational taxes are shown but not added to TotalTaxes.
	Informational bool `json:"informational,omitempty"`
	// Partial is true when the tax could not be computed for every line
	// (see Decision.NotComputed): Amount sums the lines it was computed for.
	Partial bool `json:"partial,omitempty"`
	// Source cites the legal act or publication the tax rests on, as the
	// policy gives it.
	Source string `json:"source"`
	// Confidence is "confirmed", or "unconfirmed" when the policy marks the
	// tax unconfirmed or its figure read a table row marked unconfirmed.
	Confidence iorules.Confidence `json:"confidence"`
	// Rule is the id of the policy entry that computed the tax: ID, as
	// Reason.Rule cites it.
	Rule string `json:"rule"`
}

// Line is one invoice line's share of the decision.
type Line struct {
	// Line is the item's line number.
	Line int `json:"line"`
	// Group is the line's declaration group, numbered from 1 in order of
	// each group's first line: lines that share the policy's group_by
	// fields are declared, and taxed, together.
	Group int `json:"group"`
	// CustomsValue is the line's customs value in the decision's currency,
	// as Valuation.Lines gives it.
	CustomsValue decimal.Decimal `json:"customs_value"`
	// Taxes are the line's shares of the taxes computed for its group, in
	// chain order; a tax not computed for the group (see
	// Decision.NotComputed) has none. Empty (not nil) when none was.
	Taxes []LineTax `json:"taxes"`
}

// LineTax is one tax on one line: the line's share of its group's amount.
type LineTax struct {
	// ID is the tax's id, as Tax.ID.
	ID string `json:"id"`
	// Rate is the group's rate, for a tax computed as base × rate; nil for
	// a tax given as an amount, and when its condition did not hold for
	// the group.
	Rate *decimal.Decimal `json:"rate,omitempty"`
	// Amount is the line's share of the group's amount, pro rata to
	// customs value, in the decision's currency rounded to its minor unit;
	// the shares of a group's lines add up to its amount exactly.
	Amount decimal.Decimal `json:"amount"`
}

// FiredRule records a rule whose condition held, and on which lines.
type FiredRule struct {
	// Rule is the rule's id.
	Rule string `json:"rule"`
	// Lines are the line numbers the condition held on, in item order;
	// empty for a shipment-scope rule, which holds for the whole shipment.
	Lines []int `json:"lines,omitempty"`
}

// PolicyRef identifies the policy that decided.
type PolicyRef struct {
	// Market is the market the policy is for.
	Market iorules.Country `json:"market"`
	// Version is the policy's version as its file declares it.
	Version string `json:"version"`
	// File is the policy's file name in the file system it was loaded
	// from ("br.yaml").
	File string `json:"file"`
	// SHA256 is the lower-case hex SHA-256 of the policy file's bytes.
	SHA256 string `json:"sha256"`
	// EffectiveFrom is the first day of the window for which the policy is
	// known good; a shipment dated outside the window gets a
	// CodePolicyOutOfWindow condition.
	EffectiveFrom iorules.Date `json:"effective_from"`
	// EffectiveTo is the window's last day, included; the zero Date when
	// the window is open-ended.
	EffectiveTo iorules.Date `json:"effective_to,omitzero"`
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
		ID            string             `json:"id"`
		Name          string             `json:"name"`
		Base          *string            `json:"base,omitempty"`
		Rate          *decimal.Decimal   `json:"rate,omitempty"`
		Amount        string             `json:"amount"`
		Informational bool               `json:"informational,omitempty"`
		Partial       bool               `json:"partial,omitempty"`
		Source        string             `json:"source"`
		Confidence    iorules.Confidence `json:"confidence"`
		Rule          string             `json:"rule"`
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
