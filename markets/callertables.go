package markets

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/strictjson"
	"github.com/iorules/iorules/markets/internal/policy"
	"github.com/shopspring/decimal"
)

// TableRow is a row a caller supplies for a policy table: a rate a broker
// confirmed, a binding tariff ruling, a line the policy does not rate.
type TableRow struct {
	// Key is the row's key: HS digits ("854370") for an hs_prefix table,
	// the table's own key ("standard") for an exact one.
	Key string
	// Value is the figure, a rate as a fraction ("0.05") or an amount.
	Value decimal.Decimal
	// Source cites where the figure comes from (a ruling's reference, the
	// tariff line read); decisions cite it as supplied by the caller.
	Source string
	// Confidence is "confirmed" or "unconfirmed".
	Confidence iorules.Confidence
	// EffectiveFrom and EffectiveTo bound the row's window; zero means
	// open on that side.
	EffectiveFrom, EffectiveTo iorules.Date
}

// Tables holds caller-supplied rows by market and table name.
type Tables map[iorules.Country]map[string][]TableRow

// WithTables adds caller-supplied rows to the policies' tables. A row
// takes precedence over every embedded row of the same key whose window
// overlaps its own; its figures are cited as supplied by the caller, and
// the rows enter the engine's PolicySetSHA256 and so every decision's
// audit. A row for a market or table that does not exist, a tiers table,
// or a row that fails the checks a policy row gets makes New fail with a
// *LoadError naming the row by its path (RS.duty_rate[0].value).
func WithTables(t Tables) Option { return func(o *options) { o.tables = t } }

// maxTablesBytes bounds a tables document; maxCallerRows the rows of one
// table.
const (
	maxTablesBytes = 16 << 20
	maxCallerRows  = 100_000
)

var decimalStringRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// DecodeTables reads caller-supplied table rows as JSON:
//
//	{"RS": {"duty_rate": [{"key": "854370", "value": "0.05",
//	    "source": "Binding tariff information RS-2026-0042",
//	    "confidence": "confirmed",
//	    "effective_from": "2026-01-01", "effective_to": "2027-12-31"}]}}
//
// It is as strict as iorules.DecodeShipment: unknown and duplicate keys,
// values that are JSON numbers instead of decimal strings, invalid
// Unicode and data after the object are errors. Every problem is returned
// as a joined error of *iorules.FieldError named by its JSON path.
func DecodeTables(r io.Reader) (Tables, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxTablesBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxTablesBytes {
		return nil, &iorules.FieldError{Msg: fmt.Sprintf("larger than %d bytes", maxTablesBytes)}
	}
	var d strictjson.Decoder
	raw, ok := d.Document(data, '{', "a JSON object of markets")
	if !ok {
		return nil, problemsError(d.Done())
	}
	out := Tables{}
	d.Object("", raw, nil, func(key, at string, v json.RawMessage) bool {
		market, err := iorules.ParseCountry(key)
		if err != nil {
			d.Add(at, "want a market's ISO country code in upper case")
			return true
		}
		out[market] = map[string][]TableRow{}
		d.Object(at, v, nil, func(name, at string, v json.RawMessage) bool {
			rows := []TableRow{}
			d.Array(at, v, maxCallerRows, "rows", func(_ int, at string, v json.RawMessage) {
				rows = append(rows, decodeTableRow(&d, at, v))
			})
			out[market][name] = rows
			return true
		})
		return true
	})
	if err := problemsError(d.Done()); err != nil {
		return nil, err
	}
	return out, nil
}

func decodeTableRow(d *strictjson.Decoder, at string, raw json.RawMessage) TableRow {
	var row TableRow
	date := func(at string, v json.RawMessage, dst *iorules.Date) {
		var s string
		if !d.String(at, v, &s) {
			return
		}
		t, err := iorules.ParseDate(s)
		if err != nil {
			d.Add(at, err.Error())
			return
		}
		*dst = t
	}
	d.Object(at, raw, []string{"key", "value", "source", "confidence"}, func(key, at string, v json.RawMessage) bool {
		switch key {
		case "key":
			d.Name(at, v, 64, &row.Key)
		case "value":
			if len(v) == 0 || v[0] != '"' {
				d.Add(at, `must be a decimal string such as "0.05", not a JSON number`)
				return true
			}
			var s string
			if d.String(at, v, &s) {
				x, err := decimal.NewFromString(s)
				if !decimalStringRE.MatchString(s) || err != nil {
					d.Addf(at, "must be a plain decimal string such as \"0.05\", not %q", s)
				} else {
					row.Value = x
				}
			}
		case "source":
			d.String(at, v, &row.Source)
		case "confidence":
			var c string
			if d.String(at, v, &c) {
				row.Confidence = iorules.Confidence(c)
			}
		case "effective_from":
			date(at, v, &row.EffectiveFrom)
		case "effective_to":
			date(at, v, &row.EffectiveTo)
		default:
			return false
		}
		return true
	})
	return row
}

func problemsError(ps []strictjson.Problem) error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = &iorules.FieldError{Path: p.Path, Msg: p.Msg}
	}
	return errors.Join(errs...)
}

// applyTables merges the caller's rows into the engine's policies,
// returning the problems found (named by path, in file "tables") and
// writing what was applied into the policy-set digest.
func (e *Engine) applyTables(tables Tables, digest hash.Hash) []Issue {
	var issues []Issue
	bad := func(at, format string, args ...any) {
		issues = append(issues, Issue{File: "tables", Line: 1, Col: 1, Rule: at, Msg: fmt.Sprintf(format, args...)})
	}
	markets := make([]iorules.Country, 0, len(tables))
	for m := range tables {
		markets = append(markets, m)
	}
	slices.Sort(markets)
	for _, m := range markets {
		p, ok := e.policies[m]
		if !ok {
			bad(string(m), "no policy for market %s (markets: %s)", m, joinCountries(e.order))
			continue
		}
		names := make([]string, 0, len(tables[m]))
		for name := range tables[m] {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			at := string(m) + "." + name
			t, ok := p.Tables[name]
			switch {
			case !ok:
				known := make([]string, 0, len(p.Tables))
				for n := range p.Tables {
					known = append(known, n)
				}
				slices.Sort(known)
				bad(at, "the %s policy has no table %q (tables: %s)", m, name, strings.Join(known, ", "))
				continue
			case t.Match == policy.MatchTiers:
				bad(at, "table %q is a tiers table; caller rows are taken for exact and hs_prefix tables only", name)
				continue
			}
			rows := make([]policy.CallerRow, len(tables[m][name]))
			for i, r := range tables[m][name] {
				rows[i] = policy.CallerRow(r)
			}
			for _, is := range p.MergeRows(name, at, rows, digest) {
				issues = append(issues, Issue(is))
			}
		}
	}
	return issues
}

func joinCountries(cs []iorules.Country) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}
