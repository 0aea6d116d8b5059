package main

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/inputfile"
	"github.com/iorules/iorules/internal/strictjson"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

// maxBenchmarksBytes caps the -benchmarks file (8 MiB), and
// maxBenchmarks the reference prices it lists.
const (
	maxBenchmarksBytes = 8 << 20
	maxBenchmarks      = 10_000
	maxBenchmarkText   = 2000
)

// readBenchmarks reads the reference prices of -benchmarks and the
// -price-tolerance, and returns them as an evaluation option. Any problem
// is a failure (status 3) naming the entry and field, not an invalid
// shipment.
func readBenchmarks(file, tolerance string) (markets.EvalOption, error) {
	tol, ok := parseAmount(tolerance)
	if !ok || tol.GreaterThanOrEqual(decimal.NewFromInt(1)) {
		return nil, fail(exitFailure, "prequalify: -price-tolerance must be a fraction from 0 up to 1 such as 0.2, not %q", tolerance)
	}
	data, err := inputfile.Read(file, maxBenchmarksBytes)
	if err != nil {
		return nil, fail(exitFailure, "prequalify: -benchmarks: %v", err)
	}
	refs, err := decodeBenchmarks(data)
	if err != nil {
		return nil, inputFailure("-benchmarks", file, err)
	}
	return markets.WithReferencePrices(refs, tol), nil
}

// decodeBenchmarks decodes the JSON form of -benchmarks FILE, a list of
// reference prices:
//
//	[{"hs6": "8471.50", "category": "server", "currency": "USD",
//	  "low": "6000.00", "high": "14000.00", "source": "...", "date": "2026-10-01"}]
//
// Amounts are decimal strings, as everywhere in the contract, never JSON
// numbers; the HS-6 code may be written with or without its dot
// ("8471.50", "847150"). It is as strict as iorules.DecodeShipment: unknown
// and duplicate fields, data after the list and strings that are not valid
// Unicode are errors. Every problem is returned, as a joined error of
// *iorules.FieldError named by JSON path ("[0].low").
func decodeBenchmarks(data []byte) ([]valuation.ReferencePrice, error) {
	var d strictjson.Decoder
	raw, ok := d.Document(data, '[', "a JSON list of reference prices")
	if !ok {
		return nil, fieldErrors(d.Done())
	}
	var refs []valuation.ReferencePrice
	d.Array("", raw, maxBenchmarks, "reference prices", func(_ int, at string, v json.RawMessage) {
		refs = append(refs, referencePrice(&d, at, v))
	})
	if len(refs) == 0 && len(d.Problems) == 0 {
		d.Add("", "the list is empty: want at least one reference price")
	}
	if err := fieldErrors(d.Done()); err != nil {
		return nil, err
	}
	return refs, nil
}

// referencePrice decodes one entry; Validate checks it once every field
// has decoded.
func referencePrice(d *strictjson.Decoder, at string, raw json.RawMessage) valuation.ReferencePrice {
	var r valuation.ReferencePrice
	if strictjson.IsNull(raw) {
		d.Add(at, "must be a JSON object, not null")
		return r
	}
	before := len(d.Problems)
	required := []string{"currency", "low", "high", "source", "date"}
	d.Object(at, raw, required, func(key, at string, v json.RawMessage) bool {
		var s string
		switch key {
		case "hs6":
			if !d.String(at, v, &s) {
				break
			}
			code, err := iorules.ParseHSCode(s)
			switch {
			case err != nil:
				d.Add(at, err.Error())
			case len(code.Digits()) != 6:
				d.Addf(at, "must be an HS-6 subheading such as \"8471.50\", not %q", s)
			default:
				r.HS6 = code.Digits()
			}
		case "category":
			if d.String(at, v, &s) {
				r.Category = iorules.Category(s)
			}
		case "currency":
			if d.String(at, v, &s) {
				r.Currency = iorules.Currency(s)
			}
		case "low", "high":
			if v[0] != '"' && strictjson.Kind(v) == "a number" {
				d.Add(at, "must be a decimal string such as \"6000.00\", not a JSON number")
				break
			}
			if !d.String(at, v, &s) {
				break
			}
			x, ok := parseAmount(s)
			if !ok || s != strings.TrimSpace(s) {
				d.Addf(at, "must be a decimal string such as \"6000.00\", not %q", strictjson.Truncate(s, 40))
				break
			}
			if key == "low" {
				r.Low = x
			} else {
				r.High = x
			}
		case "source":
			d.Text(at, v, maxBenchmarkText, &r.Source)
		case "date":
			if !d.String(at, v, &s) {
				break
			}
			date, err := iorules.ParseDate(s)
			if err != nil {
				d.Addf(at, "must be a real date written YYYY-MM-DD, not %q", strictjson.Truncate(s, 40))
				break
			}
			r.Date = date
		default:
			return false
		}
		return true
	})
	if len(d.Problems) == before && raw[0] == '{' {
		for _, fe := range iorules.FieldErrors(r.Validate()) {
			d.Add(strictjson.Key(at, fe.Path), fe.Msg)
		}
	}
	return r
}

var plainDecimal = regexp.MustCompile(`^[0-9]{1,15}(\.[0-9]{1,10})?$`)

// parseAmount parses a plain non-negative decimal ("0.2", "6000.00").
func parseAmount(s string) (decimal.Decimal, bool) {
	s = strings.TrimSpace(s)
	if !plainDecimal.MatchString(s) {
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(s)
	return d, err == nil
}
