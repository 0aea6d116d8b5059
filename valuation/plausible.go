package valuation

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

//go:embed data/rates.yaml
var ratesYAML []byte

// rateBands is the plausibility data of data/rates.yaml.
type rateBands struct {
	AsOf        iorules.Date               `yaml:"as_of"`
	Tolerance   string                     `yaml:"tolerance"`
	Source      string                     `yaml:"source"`
	Confidence  iorules.Confidence         `yaml:"confidence"`
	UnitsPerUSD map[string]decimal.Decimal `yaml:"units_per_usd"`
}

var loadBands = sync.OnceValues(func() (rateBands, error) { return parseBands(ratesYAML) })

// parseBands reads and checks the plausibility data.
func parseBands(src []byte) (rateBands, error) {
	var b rateBands
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&b); err != nil {
		return rateBands{}, fmt.Errorf("valuation: data/rates.yaml: %w", err)
	}
	if b.AsOf.IsZero() {
		return rateBands{}, fmt.Errorf("valuation: data/rates.yaml: as_of: required")
	}
	if !b.Confidence.IsValid() {
		return rateBands{}, fmt.Errorf("valuation: data/rates.yaml: confidence: required (confirmed or unconfirmed)")
	}
	for c, v := range b.UnitsPerUSD {
		if !iorules.Currency(c).IsValid() || v.Sign() <= 0 {
			return rateBands{}, fmt.Errorf("valuation: data/rates.yaml: units_per_usd.%s: want a currency code and a positive rate", c)
		}
	}
	if t, err := decimal.NewFromString(b.Tolerance); err != nil || t.LessThanOrEqual(decimal.NewFromInt(1)) {
		return rateBands{}, fmt.Errorf("valuation: data/rates.yaml: tolerance: want a factor above 1, got %q", b.Tolerance)
	}
	return b, nil
}

// plausibilityReasons checks the exchange rate from one currency to dest
// against the bands and each line's customs value against zero, and
// returns a condition for each figure that cannot be right as given.
func plausibilityReasons(v Valuation, s iorules.Shipment, dest iorules.Currency, rate decimal.Decimal) []iorules.Reason {
	var out []iorules.Reason
	from := s.Currency
	for i, l := range v.Lines {
		if i >= len(s.Items) {
			break
		}
		worth := s.Items[i].UnitValue.Mul(decimal.NewFromInt(int64(s.Items[i].Quantity)))
		if worth.IsPositive() && l.CustomsValue.IsZero() {
			out = append(out, iorules.Reason{
				Code: "customs_value_zero", Severity: iorules.SeverityCondition, Lines: []int{l.Line}, Rule: "valuation.rate",
				Message: fmt.Sprintf("Line %d is worth %s %s, but its customs value at %s %s per %s rounds to %s 0: the rate cannot be right.",
					l.Line, from, worth, rate, dest, from, dest),
				Unblock: fmt.Sprintf("Check exchange_rates.%s: it gives %s per one %s.", from, dest, from),
			})
		}
	}
	if from == dest {
		return out
	}
	b, err := loadBands()
	if err != nil {
		return append(out, iorules.Reason{Code: "exchange_rate_unchecked", Severity: iorules.SeverityCondition, Rule: "valuation.rate",
			Message: err.Error(), Unblock: "Report the broken plausibility data."})
	}
	perFrom, ok1 := b.UnitsPerUSD[string(from)]
	perDest, ok2 := b.UnitsPerUSD[string(dest)]
	if !ok1 || !ok2 {
		return out // no band for the pair: nothing to compare with
	}
	expected := perDest.Div(perFrom) // units of dest per one unit of from
	tol := decimal.RequireFromString(b.Tolerance)
	low, high := expected.Div(tol), expected.Mul(tol)
	if rate.GreaterThanOrEqual(low) && rate.LessThanOrEqual(high) {
		return out
	}
	hint := ""
	if inv := decimal.NewFromInt(1).DivRound(rate, 8); inv.GreaterThanOrEqual(low) && inv.LessThanOrEqual(high) {
		hint = fmt.Sprintf(" Its inverse, %s, is in the range: the rate looks inverted.", inv)
	}
	return append(out, iorules.Reason{
		Code: "exchange_rate_implausible", Severity: iorules.SeverityCondition, Rule: "valuation.rate", Source: b.Source,
		Message: fmt.Sprintf("The exchange rate of %s %s per %s is far from the about %s expected around %s (plausible range %s to %s); every amount of the decision scales with it.%s",
			rate, dest, from, expected.Round(4), b.AsOf, low.Round(4), high.Round(4), hint),
		Unblock: fmt.Sprintf("Check exchange_rates.%s against the rate the customs authority applies on the shipment date: it gives %s per one %s.", from, dest, from),
	})
}
