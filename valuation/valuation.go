package valuation

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/exact"
	"github.com/shopspring/decimal"
)

// Basis is the valuation basis a market's customs value is built on.
type Basis string

// The valuation bases.
const (
	// CIF is the price with the freight and insurance to the destination
	// border (WTO Customs Valuation Agreement art. 8.2 as most markets
	// apply it; Brazil: Decreto 6.759/2009 art. 77).
	CIF Basis = "CIF"
	// FOB is the price at the port or airport of export, without the
	// international freight and insurance.
	FOB Basis = "FOB"
)

// IsValid reports whether b is CIF or FOB.
func (b Basis) IsValid() bool { return b == CIF || b == FOB }

// Valuation is a shipment's customs value and its parts, each in the
// destination currency rounded to its minor unit. Every total is the sum of
// the line figures, so the lines always add up.
type Valuation struct {
	// Basis is the basis the customs value was built on.
	Basis Basis `json:"basis"`
	// Currency is the destination currency all amounts are in.
	Currency iorules.Currency `json:"currency"`
	// SourceCurrency is the shipment (invoice) currency.
	SourceCurrency iorules.Currency `json:"source_currency"`
	// ExchangeRate is Currency units per one unit of SourceCurrency, as the
	// caller gave it (1 when the currencies are the same).
	ExchangeRate decimal.Decimal `json:"exchange_rate"`
	// InvoiceValue is the sum of quantity × unit value over the lines.
	InvoiceValue decimal.Decimal `json:"invoice_value"`
	// FOBValue is the value at the port of export: the invoice value plus
	// the costs up to export the price leaves out, minus the costs after it
	// the price includes.
	FOBValue decimal.Decimal `json:"fob_value"`
	// Freight is the international freight to the destination border.
	Freight decimal.Decimal `json:"freight"`
	// Insurance is the insurance of the international leg.
	Insurance decimal.Decimal `json:"insurance"`
	// CustomsValue is the dutiable value: FOB + freight + insurance on the
	// CIF basis, FOB on the FOB basis.
	CustomsValue decimal.Decimal `json:"customs_value"`
	// DestinationHandling is unloading and terminal handling at the
	// destination (Brazil's capatazia). Never in the customs value, reported
	// for markets whose other taxes include it.
	DestinationHandling decimal.Decimal `json:"destination_handling"`
	// DestinationInland is carriage after the border. Never in the customs
	// value, reported for markets whose other taxes include it.
	DestinationInland decimal.Decimal `json:"destination_inland"`
	// Lines are the per-line figures, in the order of the shipment's items.
	Lines []Line `json:"lines"`
	// Reasons are findings about the valuation, such as a DDP price that
	// includes the destination's duties. They are not part of the JSON form:
	// a decision lists them with its other reasons.
	Reasons []iorules.Reason `json:"-"`
}

// Line is one item line's share of the valuation, in the destination
// currency. CustomsValue and FOBValue are the line's exact value (its
// invoice value and its pro rata share of the charges) converted and
// rounded once, as customs computes them; InvoiceValue is the line's
// invoice value converted and rounded once; Freight and Insurance are its
// shares of the freight and insurance converted once for the shipment.
// Each is rounded on its own, so FOBValue + Freight + Insurance may differ
// from CustomsValue by a minor unit or two.
type Line struct {
	// Line is the item's line number.
	Line int `json:"line"`
	// InvoiceValue is quantity × unit value.
	InvoiceValue decimal.Decimal `json:"invoice_value"`
	// FOBValue is the line's value at the port of export.
	FOBValue decimal.Decimal `json:"fob_value"`
	// Freight is the line's share of the international freight.
	Freight decimal.Decimal `json:"freight"`
	// Insurance is the line's share of the insurance.
	Insurance decimal.Decimal `json:"insurance"`
	// CustomsValue is the line's dutiable value.
	CustomsValue decimal.Decimal `json:"customs_value"`
}

// MissingRateError reports that a shipment gives no exchange rate for the
// conversion the valuation needs.
type MissingRateError struct {
	// From is the shipment currency, To the destination currency.
	From, To iorules.Currency
}

func (e *MissingRateError) Error() string {
	return fmt.Sprintf("valuation: no exchange rate of %s in %s (exchange_rates.%s)", e.From, e.To, e.From)
}

// A cost element of Charges.
type charge int

const (
	originInland charge = iota
	freight
	insurance
	destinationHandling
	destinationInland
	numCharges
)

// chargeAmounts returns the amounts of ch by charge.
func chargeAmounts(ch iorules.Charges) [numCharges]decimal.Decimal {
	return [numCharges]decimal.Decimal{
		originInland:        ch.OriginInland,
		freight:             ch.Freight,
		insurance:           ch.Insurance,
		destinationHandling: ch.DestinationHandling,
		destinationInland:   ch.DestinationInland,
	}
}

// adjustmentSigns says how each charge moves the invoice value to the FOB
// value, given the charges the price includes: +1 for origin_inland when
// the price leaves it out, -1 for each later cost the price includes, 0
// otherwise.
func adjustmentSigns(included []charge) [numCharges]int {
	var sign [numCharges]int
	if !slices.Contains(included, originInland) {
		sign[originInland] = 1
	}
	for _, c := range []charge{freight, insurance, destinationHandling, destinationInland} {
		if slices.Contains(included, c) {
			sign[c] = -1
		}
	}
	return sign
}

// priceIncludes says which charges the seller pays under each Incoterms
// 2020 rule, so that the invoice price already contains them (ICC Incoterms
// 2020, article A9/B9 "allocation of costs" of each rule). FCA and FAS are
// taken as delivered at the export port or airport.
var priceIncludes = map[iorules.Incoterm][]charge{
	iorules.EXW: nil,
	iorules.FCA: {originInland},
	iorules.FAS: {originInland},
	iorules.FOB: {originInland},
	iorules.CPT: {originInland, freight},
	iorules.CFR: {originInland, freight},
	iorules.CIP: {originInland, freight, insurance},
	iorules.CIF: {originInland, freight, insurance},
	iorules.DAP: {originInland, freight, insurance, destinationInland},
	iorules.DPU: {originInland, freight, insurance, destinationHandling, destinationInland},
	iorules.DDP: {originInland, freight, insurance, destinationHandling, destinationInland},
}

// Sources of the rules Value applies.
const (
	// The costs after importation and the importing country's duties are
	// not part of the customs value when shown apart from the price.
	sourcePostImport = "WTO Customs Valuation Agreement, Annex I, Interpretative Note to Article 1, para. 3(b) and 3(c); " +
		"Brazil: Decreto 6.759/2009 art. 77 as amended by Decreto 11.090/2022, IN RFB 2.090/2022 art. 9 II"
)

// Value computes the customs value of s on the given basis, in the
// destination currency dest.
//
// The Incoterm says which of s.Charges the invoice price (the sum of
// quantity × unit value) already includes, so no cost is counted twice: the
// FOB value is the invoice value plus origin_inland when the price leaves it
// out (EXW) minus the freight, insurance and destination costs the price
// includes (C, D terms). The CIF customs value adds the full freight and
// insurance. Destination handling and inland carriage are never in the
// customs value; they are reported apart. A DDP price also contains the
// destination's duties and taxes, which Value cannot take out: it adds a
// condition Reason (code "ddp_price_includes_duties").
//
// Each line's customs value is its exact value in the shipment currency
// (its invoice value and its share, pro rata to invoice value, of the
// charges that take it to the customs value) converted at the rate and
// rounded once, to the minor unit of dest, half away from zero; no share is
// rounded before. So a line of a CIF sale valued on the CIF basis is
// exactly its converted invoice value. The line's FOB value is computed the
// same way and its invoice value is round(quantity × unit value × rate).
// Freight and insurance are each converted once for the shipment and split
// over the lines in dest (see Allocate). Every total is the sum of its line
// figures.
//
// The rate is s.ExchangeRates[s.Currency], or 1 when s.Currency is dest; a
// missing rate is a *MissingRateError. A shipment's rates are in its
// destination's currency, so valuing it in another currency (for another
// market) also gives a *MissingRateError unless no conversion is needed.
//
// Value expects a shipment that passed Validate. It checks only what it
// needs and returns an error, never panics, on anything else.
func Value(s iorules.Shipment, basis Basis, dest iorules.Currency) (Valuation, error) {
	if !basis.IsValid() {
		return Valuation{}, fmt.Errorf("valuation: unknown basis %q (want CIF or FOB)", basis)
	}
	if !dest.IsValid() {
		return Valuation{}, fmt.Errorf("valuation: unknown destination currency %q", dest)
	}
	if !s.Currency.IsValid() {
		return Valuation{}, fmt.Errorf("valuation: unknown shipment currency %q", s.Currency)
	}
	included, ok := priceIncludes[s.Incoterm]
	if !ok {
		return Valuation{}, fmt.Errorf("valuation: unknown incoterm %q", s.Incoterm)
	}
	if len(s.Items) == 0 {
		return Valuation{}, errors.New("valuation: shipment has no items")
	}
	rate, err := exchangeRate(s, dest)
	if err != nil {
		return Valuation{}, err
	}

	v, err := value(s, basis, dest, rate, adjustmentSigns(included))
	if err != nil {
		return Valuation{}, err
	}
	v.Reasons = append(v.Reasons, plausibilityReasons(v, s, dest, rate)...)
	if s.Incoterm == iorules.DDP {
		v.Reasons = append(v.Reasons, iorules.Reason{
			Code:     "ddp_price_includes_duties",
			Severity: iorules.SeverityCondition,
			Message: "The price is DDP, so it includes the destination's import duties and taxes, which are not part of the " +
				"customs value; the customs value shown is overstated by them.",
			Rule:    "valuation.ddp",
			Source:  sourcePostImport,
			Unblock: "Declare the price net of the destination's duties and taxes (ask the seller for the DDP price breakdown).",
		})
	}
	return v, nil
}

// value computes what the doc comment of Value describes, for the checked
// inputs of Value; sign is adjustmentSigns of the charges the price
// includes. It computes on exact.Dec, which gives the coefficients and
// exponents decimal.Decimal would, on machine words while they fit.
func value(s iorules.Shipment, basis Basis, dest iorules.Currency, rate decimal.Decimal, sign [numCharges]int) (Valuation, error) {
	var amounts [numCharges]exact.Dec
	for ch, a := range chargeAmounts(s.Charges) {
		amounts[ch] = exact.FromDecimal(a)
	}
	places := dest.MinorUnits()
	atRate := exact.FromDecimal(rate)
	// convert returns x in dest, rounded once.
	convert := func(x exact.Dec) exact.Dec { return x.Mul(atRate).Round(places) }

	// The line values in the shipment currency, exact: the weights of
	// every share of a charge.
	weights := make([]exact.Dec, len(s.Items))
	var invoice exact.Dec
	for i, it := range s.Items {
		weights[i] = exact.FromDecimal(it.UnitValue).Mul(exact.New(int64(it.Quantity), 0))
		if weights[i].Sign() < 0 {
			return Valuation{}, &iorules.FieldError{Path: fmt.Sprintf("items[%d].unit_value", i), Msg: fmt.Sprintf(
				"the line value %s %s is negative", weights[i], s.Currency)}
		}
		invoice = invoice.Add(weights[i])
	}

	// What moves the invoice value to the FOB value, and to the customs
	// value, in the shipment currency, exact.
	var toFOB exact.Dec
	for ch, sg := range sign {
		switch sg {
		case 1:
			toFOB = toFOB.Add(amounts[ch])
		case -1:
			toFOB = toFOB.Sub(amounts[ch])
		}
	}
	if invoice.Add(toFOB).Sign() <= 0 {
		// An input problem a valid shape can still have: report it as one,
		// on the field that carries it.
		return Valuation{}, &iorules.FieldError{Path: "charges", Msg: fmt.Sprintf(
			"the %s invoice value %s %s does not cover the charges its price includes (the FOB value would not be positive)",
			s.Incoterm, invoice, s.Currency)}
	}
	toCustoms := toFOB
	if basis == CIF {
		toCustoms = toCustoms.Add(amounts[freight]).Add(amounts[insurance])
	}

	// Into dest: every figure converted and rounded once. Freight and
	// insurance are split in dest.
	fr, ins := convert(amounts[freight]), convert(amounts[insurance])
	// One block for the shares of both.
	shares := make([]exact.Dec, 2*len(weights))
	freightShares := allocate(fr, weights, places, shares[:len(weights)])
	insuranceShares := allocate(ins, weights, places, shares[len(weights):])
	v := Valuation{
		Basis:               basis,
		Currency:            dest,
		SourceCurrency:      s.Currency,
		ExchangeRate:        rate,
		Freight:             fr.Decimal(),
		Insurance:           ins.Decimal(),
		DestinationHandling: convert(amounts[destinationHandling]).Decimal(),
		DestinationInland:   convert(amounts[destinationInland]).Decimal(),
		Lines:               make([]Line, len(s.Items)),
	}

	// A line's invoice value is w × rate; its FOB and customs values are
	// (w + x × w / invoice) × rate, where x takes the invoice value to
	// them: w × num / den with num = (invoice + x) × rate and den =
	// invoice, rounded once. When every line is worth nothing, the lines
	// share x equally: 1 × x × rate / n. When x is zero the figure is the
	// invoice value.
	fraction := func(x exact.Dec) (num, den exact.Dec) {
		if invoice.IsZero() {
			return x.Mul(atRate), exact.New(int64(len(weights)), 0)
		}
		return invoice.Add(x).Mul(atRate), invoice
	}
	fobNum, fobDen := fraction(toFOB)
	customsNum, customsDen := fraction(toCustoms)
	var totals [3]exact.Dec // invoice, FOB and customs value
	for i, it := range s.Items {
		w := weights[i]
		inv := convert(w)
		if invoice.IsZero() {
			w = exact.New(1, 0)
		}
		fob, customs := inv, inv
		if !toFOB.IsZero() {
			fob = w.MulDivRound(fobNum, fobDen, places)
		}
		if !toCustoms.IsZero() {
			customs = w.MulDivRound(customsNum, customsDen, places)
		}
		totals[0], totals[1], totals[2] = totals[0].Add(inv), totals[1].Add(fob), totals[2].Add(customs)
		v.Lines[i] = Line{
			Line:         it.Line,
			InvoiceValue: inv.Decimal(),
			FOBValue:     fob.Decimal(),
			Freight:      freightShares[i].Decimal(),
			Insurance:    insuranceShares[i].Decimal(),
			CustomsValue: customs.Decimal(),
		}
	}
	v.InvoiceValue, v.FOBValue, v.CustomsValue = totals[0].Decimal(), totals[1].Decimal(), totals[2].Decimal()
	return v, nil
}

func exchangeRate(s iorules.Shipment, dest iorules.Currency) (decimal.Decimal, error) {
	if s.Currency == dest {
		return decimal.NewFromInt(1), nil
	}
	if local := s.Destination.Currency(); local != "" && local != dest {
		// The rates are in the destination's currency, so none of them
		// converts into dest (a shipment valued for another market).
		return decimal.Decimal{}, &MissingRateError{From: s.Currency, To: dest}
	}
	rate, ok := s.ExchangeRates[s.Currency]
	if !ok {
		return decimal.Decimal{}, &MissingRateError{From: s.Currency, To: dest}
	}
	if rate.Sign() <= 0 {
		return decimal.Decimal{}, fmt.Errorf("valuation: the exchange rate of %s in %s must be greater than 0, not %s",
			s.Currency, dest, rate)
	}
	return rate, nil
}

// decimalPlaces returns the number of digits after the point of d as it is
// written (trailing zeros included), or 0 for an integer exponent.
func decimalPlaces(d decimal.Decimal) int32 { return max(0, -d.Exponent()) }

// MarshalJSON writes the valuation with every amount as a decimal string
// with exactly the minor-unit places of its currency ("562222.35", "0.00"),
// and the exchange rate with the places it was given ("5.4321").
func (v Valuation) MarshalJSON() ([]byte, error) {
	places := v.Currency.MinorUnits()
	amount := func(d decimal.Decimal) string { return d.StringFixed(places) }
	type lineJSON struct {
		Line         int    `json:"line"`
		InvoiceValue string `json:"invoice_value"`
		FOBValue     string `json:"fob_value"`
		Freight      string `json:"freight"`
		Insurance    string `json:"insurance"`
		CustomsValue string `json:"customs_value"`
	}
	lines := make([]lineJSON, len(v.Lines))
	for i, l := range v.Lines {
		lines[i] = lineJSON{
			Line: l.Line, InvoiceValue: amount(l.InvoiceValue), FOBValue: amount(l.FOBValue),
			Freight: amount(l.Freight), Insurance: amount(l.Insurance), CustomsValue: amount(l.CustomsValue),
		}
	}
	return json.Marshal(struct {
		Basis               Basis            `json:"basis"`
		Currency            iorules.Currency `json:"currency"`
		SourceCurrency      iorules.Currency `json:"source_currency"`
		ExchangeRate        string           `json:"exchange_rate"`
		InvoiceValue        string           `json:"invoice_value"`
		FOBValue            string           `json:"fob_value"`
		Freight             string           `json:"freight"`
		Insurance           string           `json:"insurance"`
		CustomsValue        string           `json:"customs_value"`
		DestinationHandling string           `json:"destination_handling"`
		DestinationInland   string           `json:"destination_inland"`
		Lines               []lineJSON       `json:"lines"`
	}{
		Basis: v.Basis, Currency: v.Currency, SourceCurrency: v.SourceCurrency,
		ExchangeRate: v.ExchangeRate.StringFixed(decimalPlaces(v.ExchangeRate)),
		InvoiceValue: amount(v.InvoiceValue), FOBValue: amount(v.FOBValue),
		Freight: amount(v.Freight), Insurance: amount(v.Insurance), CustomsValue: amount(v.CustomsValue),
		DestinationHandling: amount(v.DestinationHandling), DestinationInland: amount(v.DestinationInland),
		Lines: lines,
	})
}
