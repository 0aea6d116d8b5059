package valuation

// Note for the engineer adding tests here: the markets engine relies on
// this API (Value, Allocate, Valuation, Line, MissingRateError, Basis).

import (
	"errors"
	"fmt"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
)

// Basis is a market's customs valuation basis.
type Basis string

// The valuation bases.
const (
	// CIF: the price plus freight and insurance to the destination border
	// (most markets, Brazil's valor aduaneiro among them).
	CIF Basis = "CIF"
	// FOB: the price at the port of export, freight and insurance excluded.
	FOB Basis = "FOB"
)

// MissingRateError reports that the shipment gives no exchange rate from
// its currency to the destination currency.
type MissingRateError struct {
	From, To iorules.Currency
}

func (e *MissingRateError) Error() string {
	return fmt.Sprintf("valuation: no exchange rate from %s to %s", e.From, e.To)
}

// Valuation is the customs value of a shipment and its parts, in the
// destination currency, each amount rounded to its minor unit. Every total
// is the sum of the corresponding line figures.
type Valuation struct {
	Basis          Basis            `json:"basis"`
	Currency       iorules.Currency `json:"currency"`
	SourceCurrency iorules.Currency `json:"source_currency"`
	// ExchangeRate is destination-currency units per unit of SourceCurrency.
	ExchangeRate decimal.Decimal `json:"exchange_rate"`
	InvoiceValue decimal.Decimal `json:"invoice_value"`
	// FOBValue is the value at the export port: the price plus what the
	// seller did not bear up to the port, less what the price includes
	// beyond it.
	FOBValue  decimal.Decimal `json:"fob_value"`
	Freight   decimal.Decimal `json:"freight"`
	Insurance decimal.Decimal `json:"insurance"`
	// CustomsValue is FOB + freight + insurance on a CIF basis, FOB alone on
	// a FOB basis.
	CustomsValue decimal.Decimal `json:"customs_value"`
	// DestinationHandling and DestinationInland are costs after the border;
	// never part of the customs value, reported for markets that tax them.
	DestinationHandling decimal.Decimal `json:"destination_handling"`
	DestinationInland   decimal.Decimal `json:"destination_inland"`
	Lines               []Line          `json:"lines"`
	// Reasons are findings about the valuation itself, such as a DDP price
	// that includes the destination's duties.
	Reasons []iorules.Reason `json:"-"`
}

// Line is one invoice line's share of the valuation, in the destination
// currency.
type Line struct {
	Line         int             `json:"line"`
	InvoiceValue decimal.Decimal `json:"invoice_value"`
	FOBValue     decimal.Decimal `json:"fob_value"`
	Freight      decimal.Decimal `json:"freight"`
	Insurance    decimal.Decimal `json:"insurance"`
	CustomsValue decimal.Decimal `json:"customs_value"`
}

// included reports which charges an incoterm puts in the invoice price.
type included struct {
	originInland, freight, insurance, destHandling, destInland bool
}

func includedIn(t iorules.Incoterm) included {
	switch t {
	case iorules.EXW:
		return included{}
	case iorules.FCA, iorules.FAS, iorules.FOB:
		return included{originInland: true}
	case iorules.CPT, iorules.CFR:
		return included{originInland: true, freight: true}
	case iorules.CIP, iorules.CIF:
		return included{originInland: true, freight: true, insurance: true}
	case iorules.DAP:
		return included{originInland: true, freight: true, insurance: true, destInland: true}
	default: // DPU, DDP
		return included{originInland: true, freight: true, insurance: true, destHandling: true, destInland: true}
	}
}

// Value computes the customs value of s on the given basis in currency
// dest. The incoterm decides which charges the price already includes, so
// no cost is counted twice: FOB = price + origin costs the price lacks −
// costs beyond the export port the price includes.
//
// Adjustments, freight and insurance are split over lines pro rata to line
// value in the shipment currency (largest remainder), then each line is
// converted: its customs value is round(line CIF × rate) to dest's minor
// unit, as Brazil's valor aduaneiro is computed per addition.
func Value(s iorules.Shipment, basis Basis, dest iorules.Currency) (Valuation, error) {
	if basis != CIF && basis != FOB {
		return Valuation{}, fmt.Errorf("valuation: unknown basis %q", basis)
	}
	if len(s.Items) == 0 {
		return Valuation{}, errors.New("valuation: shipment has no items")
	}
	rate := decimal.NewFromInt(1)
	if s.Currency != dest {
		r, ok := s.ExchangeRates[s.Currency]
		if !ok || !r.IsPositive() {
			return Valuation{}, &MissingRateError{From: s.Currency, To: dest}
		}
		rate = r
	}
	src := s.Currency.MinorUnits()
	places := dest.MinorUnits()
	inc := includedIn(s.Incoterm)
	ch := s.Charges

	// What to add to or take from the price to reach FOB, in the shipment
	// currency.
	adjust := decimal.Zero
	if !inc.originInland {
		adjust = adjust.Add(ch.OriginInland)
	}
	for _, c := range []struct {
		in     bool
		amount decimal.Decimal
	}{{inc.freight, ch.Freight}, {inc.insurance, ch.Insurance}, {inc.destHandling, ch.DestinationHandling}, {inc.destInland, ch.DestinationInland}} {
		if c.in {
			adjust = adjust.Sub(c.amount)
		}
	}

	values := make([]decimal.Decimal, len(s.Items))
	for i, it := range s.Items {
		values[i] = it.Value()
	}
	adjustShares, err := Allocate(adjust, values, src)
	if err != nil {
		return Valuation{}, err
	}
	freightShares, err := Allocate(ch.Freight, values, src)
	if err != nil {
		return Valuation{}, err
	}
	insuranceShares, err := Allocate(ch.Insurance, values, src)
	if err != nil {
		return Valuation{}, err
	}

	v := Valuation{Basis: basis, Currency: dest, SourceCurrency: s.Currency, ExchangeRate: rate}
	convert := func(d decimal.Decimal) decimal.Decimal { return d.Mul(rate).Round(places) }
	for i, it := range s.Items {
		fob := values[i].Add(adjustShares[i])
		if fob.IsNegative() {
			return Valuation{}, fmt.Errorf("valuation: line %d: the charges the %s price includes exceed its value", it.Line, s.Incoterm)
		}
		cv := fob
		if basis == CIF {
			cv = fob.Add(freightShares[i]).Add(insuranceShares[i])
		}
		l := Line{
			Line:         it.Line,
			InvoiceValue: convert(values[i]),
			FOBValue:     convert(fob),
			Freight:      convert(freightShares[i]),
			Insurance:    convert(insuranceShares[i]),
			CustomsValue: convert(cv),
		}
		v.Lines = append(v.Lines, l)
		v.InvoiceValue = v.InvoiceValue.Add(l.InvoiceValue)
		v.FOBValue = v.FOBValue.Add(l.FOBValue)
		v.Freight = v.Freight.Add(l.Freight)
		v.Insurance = v.Insurance.Add(l.Insurance)
		v.CustomsValue = v.CustomsValue.Add(l.CustomsValue)
	}
	v.DestinationHandling = convert(ch.DestinationHandling)
	v.DestinationInland = convert(ch.DestinationInland)
	if s.Incoterm == iorules.DDP {
		v.Reasons = append(v.Reasons, iorules.Reason{
			Code: "ddp_price_includes_duties", Severity: iorules.SeverityCondition, Rule: "valuation.incoterm",
			Message: "a DDP price includes the destination's duties and taxes, which are not part of the customs value; the value above treats the price as net of them",
			Source:  "WTO Customs Valuation Agreement, Article 8 and interpretative note to Article 1",
			Unblock: "Provide the price net of destination duties and taxes (or confirm that the invoice states it).",
		})
	}
	return v, nil
}

// Allocate splits total into shares proportional to weights, each rounded
// to places decimals, so that the shares sum exactly to total. Each share
// is first rounded toward zero; the units left over go one by one to the
// shares with the largest remainders (the earlier share on a tie). With all
// weights zero the total is split equally the same way. total must already
// have at most places decimals.
func Allocate(total decimal.Decimal, weights []decimal.Decimal, places int32) ([]decimal.Decimal, error) {
	if len(weights) == 0 {
		return nil, errors.New("valuation: nothing to allocate to")
	}
	if !total.Equal(total.Round(places)) {
		return nil, fmt.Errorf("valuation: total %s has more than %d decimals", total, places)
	}
	sum := decimal.Zero
	for _, w := range weights {
		if w.IsNegative() {
			return nil, fmt.Errorf("valuation: negative weight %s", w)
		}
		sum = sum.Add(w)
	}
	if sum.IsZero() {
		weights = make([]decimal.Decimal, len(weights))
		for i := range weights {
			weights[i] = decimal.NewFromInt(1)
		}
		sum = decimal.NewFromInt(int64(len(weights)))
	}
	unit := decimal.New(1, -places)
	if total.IsNegative() {
		unit = unit.Neg()
	}
	shares := make([]decimal.Decimal, len(weights))
	remainders := make([]decimal.Decimal, len(weights))
	left := total
	for i, w := range weights {
		exact := total.Mul(w).DivRound(sum, places+12)
		shares[i] = exact.Truncate(places)
		remainders[i] = exact.Sub(shares[i]).Abs()
		left = left.Sub(shares[i])
	}
	for !left.IsZero() {
		best := -1
		for i := range remainders {
			if best < 0 || remainders[i].GreaterThan(remainders[best]) {
				best = i
			}
		}
		shares[best] = shares[best].Add(unit)
		remainders[best] = decimal.NewFromInt(-1)
		left = left.Sub(unit)
		if best < 0 {
			break
		}
	}
	return shares, nil
}
