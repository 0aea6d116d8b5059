package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

// benchmarkJSON is one reference price in -benchmarks FILE. Amounts are
// decimal strings, as everywhere in the contract; the HS-6 code may be
// written with or without its dot ("8471.50", "847150").
type benchmarkJSON struct {
	HS6      string `json:"hs6"`
	Category string `json:"category"`
	Currency string `json:"currency"`
	Low      string `json:"low"`
	High     string `json:"high"`
	Source   string `json:"source"`
	Date     string `json:"date"`
}

var plainDecimal = regexp.MustCompile(`^[0-9]{1,15}(\.[0-9]{1,10})?$`)

// readBenchmarks reads the reference prices of -benchmarks and the
// -price-tolerance, and returns them as an evaluation option. Any problem
// is a failure (status 3) naming the entry and field, not an invalid
// shipment.
func readBenchmarks(file, tolerance string) (markets.EvalOption, error) {
	tol, ok := parseAmount(tolerance)
	if !ok || tol.GreaterThanOrEqual(decimal.NewFromInt(1)) {
		return nil, fail(exitFailure, "prequalify: -price-tolerance must be a fraction from 0 up to 1 such as 0.2, not %q", tolerance)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fail(exitFailure, "prequalify: -benchmarks: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rows []benchmarkJSON
	if err := dec.Decode(&rows); err != nil {
		return nil, fail(exitFailure, "prequalify: -benchmarks %s: want a JSON list of reference prices: %v", file, err)
	}
	if dec.More() {
		return nil, fail(exitFailure, "prequalify: -benchmarks %s: unexpected data after the JSON list", file)
	}
	f := &failure{code: exitFailure}
	problem := func(i int, field, format string, args ...any) {
		f.lines = append(f.lines, fmt.Sprintf("prequalify: -benchmarks %s: [%d].%s: %s", file, i, field, fmt.Sprintf(format, args...)))
	}
	refs := make([]valuation.ReferencePrice, 0, len(rows))
	for i, row := range rows {
		before := len(f.lines)
		r := valuation.ReferencePrice{
			Category: iorules.Category(row.Category), Currency: iorules.Currency(row.Currency), Source: row.Source,
		}
		if row.HS6 != "" {
			code, err := iorules.ParseHSCode(row.HS6)
			switch {
			case err != nil:
				problem(i, "hs6", "%v", err)
			case len(code.Digits()) != 6:
				problem(i, "hs6", "must be an HS-6 subheading such as \"8471.50\", not %q", row.HS6)
			default:
				r.HS6 = code.Digits()
			}
		}
		for _, a := range []struct {
			name, text string
			dst        *decimal.Decimal
		}{{"low", row.Low, &r.Low}, {"high", row.High, &r.High}} {
			x, ok := parseAmount(a.text)
			if !ok {
				problem(i, a.name, "must be a decimal string such as \"6000.00\", not %q", a.text)
				continue
			}
			*a.dst = x
		}
		if row.Date != "" {
			d, err := iorules.ParseDate(row.Date)
			if err != nil {
				problem(i, "date", "must be a real date written YYYY-MM-DD, not %q", row.Date)
			}
			r.Date = d
		}
		if err := r.Validate(); err != nil && len(f.lines) == before {
			for _, fe := range iorules.FieldErrors(err) {
				problem(i, fe.Path, "%s", fe.Msg)
			}
		}
		refs = append(refs, r)
	}
	if len(f.lines) > 0 {
		return nil, f
	}
	if len(refs) == 0 {
		return nil, fail(exitFailure, "prequalify: -benchmarks %s: the list is empty", file)
	}
	return markets.WithReferencePrices(refs, tol), nil
}

// parseAmount parses a plain non-negative decimal ("0.2", "6000.00").
func parseAmount(s string) (decimal.Decimal, bool) {
	s = strings.TrimSpace(s)
	if !plainDecimal.MatchString(s) {
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(s)
	return d, err == nil
}
