package valuation

import (
	"errors"
	"fmt"
	"strings"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
)

// ReferencePrice is a caller's benchmark range of unit prices for goods of
// one HS-6 subheading or one category, such as prices customs has accepted
// before or market quotes. The library embeds no prices: the caller supplies
// them, with their source and date.
type ReferencePrice struct {
	// HS6 is the six-digit subheading the range applies to ("847150");
	// empty to match by Category alone.
	HS6 string `json:"hs6,omitempty"`
	// Category is the product category the range applies to; empty to
	// match by HS6 alone. When both are given, a line must match both.
	Category iorules.Category `json:"category,omitempty"`
	// Currency is the currency of Low and High.
	Currency iorules.Currency `json:"currency"`
	// Low and High bound the unit prices seen for such goods, in Currency
	// per unit of the item's quantity. Low is the figure a line's unit
	// price is compared with; it must be greater than zero.
	Low decimal.Decimal `json:"low"`
	// High is the highest unit price seen, in Currency; not less than
	// Low. It is quoted in the reason, not compared.
	High decimal.Decimal `json:"high"`
	// Source says where the range comes from; required.
	Source string `json:"source"`
	// Date is when the prices were observed; required. Of two references
	// that match a line equally, the later one is used.
	Date iorules.Date `json:"date"`
}

// Validate reports every problem with r as a joined error of
// *iorules.FieldError values named by field ("low", "hs6").
func (r ReferencePrice) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, &iorules.FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if r.HS6 == "" && r.Category == "" {
		add("hs6", "required: an HS-6 subheading, a category, or both")
	}
	if r.HS6 != "" && !isSixDigits(r.HS6) {
		add("hs6", "must be six digits such as \"847150\", not %q", r.HS6)
	}
	if r.Category != "" && !r.Category.IsValid() {
		add("category", "unknown category %q", r.Category)
	}
	if !r.Currency.IsValid() {
		add("currency", "unknown currency code %q (want ISO 4217 such as \"USD\")", r.Currency)
	}
	switch {
	case r.Low.Sign() <= 0:
		add("low", "must be greater than 0")
	case r.High.LessThan(r.Low):
		add("high", "must not be less than low (%s)", r.Low)
	}
	if strings.TrimSpace(r.Source) == "" {
		add("source", "required: where the prices come from")
	}
	if r.Date.IsZero() {
		add("date", "required: when the prices were observed")
	}
	return errors.Join(errs...)
}

func isSixDigits(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Reason codes and rules of CheckPrices.
const (
	codeEvidenceNeeded = "valuation_evidence_needed"
	codeRelatedParty   = "related_party_transaction"
	codeRefInvalid     = "reference_price_invalid"
	codeRefNotCompared = "reference_price_not_compared"
	rulePrices         = "valuation.reference_prices"
	ruleRelatedParty   = "valuation.related_party"

	sourceDoubt = "WTO Customs Valuation Agreement art. 17 and the Decision on cases where customs administrations have " +
		"reasons to doubt the truth or accuracy of the declared value (Ministerial Decision 6.1)"
	sourceRelated = "WTO Customs Valuation Agreement art. 1.1(d) and 1.2 (transaction value between related persons), " +
		"art. 15.4 (who is related)"
)

// CheckPrices reports the valuation risks of s that customs examines before
// accepting the price as the transaction value:
//
//   - a line whose unit price is below the Low of its reference price by
//     more than tolerance (a fraction: 0.2 lets a price sit up to 20% below
//     Low) is a condition, code "valuation_evidence_needed", showing the
//     figures and the reference's source;
//   - a related-party sale (s.RelatedParty) is a condition, code
//     "related_party_transaction": the importer must be able to show the
//     relationship did not influence the price.
//
// A line takes the most specific reference that matches it (HS-6 and
// category, then HS-6, then category; then the latest date, then the first
// listed). A reference in the shipment currency is compared with the unit
// price as invoiced; one in another currency is compared in val.Currency,
// both sides converted at the shipment's rates, and when no rate converts
// it the line gets an info reason instead. An invalid reference or a
// tolerance outside [0, 1) is a condition (code "reference_price_invalid"):
// the check the caller asked for could not be made.
//
// val is the shipment's valuation for the market; pass the zero Valuation
// when it could not be computed (then only references in the shipment
// currency are compared).
func CheckPrices(s iorules.Shipment, val Valuation, refs []ReferencePrice, tolerance decimal.Decimal) []iorules.Reason {
	var out []iorules.Reason
	if s.RelatedParty {
		out = append(out, iorules.Reason{
			Code: codeRelatedParty, Severity: iorules.SeverityCondition, Rule: ruleRelatedParty, Source: sourceRelated,
			Message: "The seller and the buyer are related, so customs accepts the price as the transaction value only if the " +
				"relationship did not influence it.",
			Unblock: "Keep evidence that the relationship did not influence the price: the circumstances of the sale (the price is " +
				"settled as with unrelated buyers, for example in a transfer-pricing study) or a test value it closely approximates.",
		})
	}
	if len(refs) == 0 {
		return out
	}
	if tolerance.Sign() < 0 || tolerance.GreaterThanOrEqual(decimal.NewFromInt(1)) {
		return append(out, iorules.Reason{
			Code: codeRefInvalid, Severity: iorules.SeverityCondition, Rule: rulePrices,
			Message: fmt.Sprintf("The price tolerance %s is not a fraction from 0 up to 1, so no price was compared with the reference prices.", tolerance),
			Unblock: "Give the tolerance as a fraction such as 0.2 (20%).",
		})
	}
	valid := make([]bool, len(refs))
	for i, r := range refs {
		if err := r.Validate(); err != nil {
			out = append(out, iorules.Reason{
				Code: codeRefInvalid, Severity: iorules.SeverityCondition, Rule: rulePrices,
				Message: fmt.Sprintf("Reference price %d is invalid and was not used: %s.", i, strings.ReplaceAll(err.Error(), "\n", "; ")),
				Unblock: fmt.Sprintf("Correct reference price %d.", i),
			})
			continue
		}
		valid[i] = true
	}
	floor := decimal.NewFromInt(1).Sub(tolerance)
	for _, it := range s.Items {
		i := bestReference(it, refs, valid)
		if i < 0 {
			continue
		}
		if r, ok := compare(s, val, it, refs[i], tolerance, floor); ok {
			out = append(out, r)
		}
	}
	return out
}

// bestReference returns the index of the most specific valid reference that
// matches the item, or -1.
func bestReference(it iorules.Item, refs []ReferencePrice, valid []bool) int {
	best, bestRank := -1, 0
	for i, r := range refs {
		if !valid[i] || (r.HS6 != "" && r.HS6 != it.HSCode.HS6()) || (r.Category != "" && r.Category != it.Category) {
			continue
		}
		rank := 1
		switch {
		case r.HS6 != "" && r.Category != "":
			rank = 3
		case r.HS6 != "":
			rank = 2
		}
		if rank > bestRank || (rank == bestRank && r.Date.After(refs[best].Date)) {
			best, bestRank = i, rank
		}
	}
	return best
}

// compare checks one line against its reference and returns the reason to
// report, if any.
func compare(s iorules.Shipment, val Valuation, it iorules.Item, ref ReferencePrice, tolerance, floor decimal.Decimal) (iorules.Reason, bool) {
	unit, low, high, cur := it.UnitValue, ref.Low, ref.High, s.Currency
	converted := ""
	if ref.Currency != s.Currency {
		refRate, ok1 := rateOf(s, val, ref.Currency)
		unitRate, ok2 := rateOf(s, val, s.Currency)
		if !ok1 || !ok2 {
			return iorules.Reason{
				Code: codeRefNotCompared, Severity: iorules.SeverityInfo, Lines: []int{it.Line}, Rule: rulePrices,
				Message: fmt.Sprintf("Line %d was not compared with its reference price (%s, %s): no exchange rate converts %s and %s into one currency.",
					it.Line, ref.Source, ref.Date, ref.Currency, s.Currency),
			}, true
		}
		unit, low, high, cur = unit.Mul(unitRate), low.Mul(refRate), high.Mul(refRate), val.Currency
		converted = fmt.Sprintf(", compared in %s at the shipment's rates", cur)
	}
	if !unit.LessThan(low.Mul(floor)) {
		return iorules.Reason{}, false
	}
	places := cur.MinorUnits()
	below := low.Sub(unit).Mul(decimal.NewFromInt(100)).DivRound(low, 1)
	return iorules.Reason{
		Code: codeEvidenceNeeded, Severity: iorules.SeverityCondition, Lines: []int{it.Line}, Rule: rulePrices,
		Source: sourceDoubt + "; reference prices: " + ref.Source,
		Message: fmt.Sprintf("Line %d: the unit price %s %s is %s%% below the low reference price %s %s for %s "+
			"(range %s to %s, %s, %s; tolerance %s%%%s); customs may doubt that it is the transaction value.",
			it.Line, cur, unit.StringFixed(places), below.String(), cur, low.StringFixed(places), matchText(ref),
			low.StringFixed(places), high.StringFixed(places), ref.Source, ref.Date,
			tolerance.Mul(decimal.NewFromInt(100)).String(), converted),
		Unblock: "Have evidence that the price is the one actually paid (contract, purchase order, proof of payment, the seller's " +
			"price list or discount terms), or correct the unit value.",
	}, true
}

// rateOf returns val.Currency units per one unit of c, from the shipment's
// rates, when they convert into val.Currency.
func rateOf(s iorules.Shipment, val Valuation, c iorules.Currency) (decimal.Decimal, bool) {
	switch {
	case val.Currency == "":
		return decimal.Decimal{}, false
	case c == val.Currency:
		return decimal.NewFromInt(1), true
	case c == val.SourceCurrency && val.ExchangeRate.IsPositive():
		return val.ExchangeRate, true
	case s.Destination.Currency() == val.Currency:
		r, ok := s.ExchangeRates[c]
		return r, ok && r.IsPositive()
	}
	return decimal.Decimal{}, false
}

func matchText(r ReferencePrice) string {
	var parts []string
	if r.HS6 != "" {
		parts = append(parts, "HS "+r.HS6[:4]+"."+r.HS6[4:])
	}
	if r.Category != "" {
		parts = append(parts, string(r.Category))
	}
	return strings.Join(parts, " ")
}
