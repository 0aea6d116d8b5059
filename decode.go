package iorules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/iorules/iorules/internal/strictjson"
	"github.com/shopspring/decimal"
)

// MaxShipmentBytes is the largest input DecodeShipment reads (8 MiB). A
// shipment of the maximum 10,000 lines fits in well under half of it.
const MaxShipmentBytes = 8 << 20

// DecodeShipment reads one shipment in the JSON form of the prequalify
// contract from r and validates it.
//
// It reads at most MaxShipmentBytes. Unknown and duplicate fields are
// errors; money, rates, weights, tpp and ownership shares are JSON strings holding a plain
// decimal ("9700.00"), never JSON numbers; quantities and line numbers are
// JSON integers; null stands for a field left out. Every string, field
// names included, must be valid Unicode: bytes that are not UTF-8 and \u
// escapes of lone UTF-16 surrogates ("\ud800") are errors, not replaced
// with U+FFFD. Identifiers and names must not hold control or
// bidirectional formatting characters (see Validate).
//
// Every problem is reported at once: the error is a joined error of
// *FieldError values in document order, each naming the field by its JSON
// path ("items[2].unit_value"), or the path "" for the document as a whole
// (empty input, malformed JSON, a JSON array, data after the object). Use
// FieldErrors or errors.As to reach them. An error reading r is returned
// wrapped, not as a FieldError.
//
// The checks add the caller's rules, such as those of a market's policy
// (markets.Engine.ShipmentChecks): their problems are listed with the
// others, as Validate lists them.
//
// On error the returned Shipment is the zero value.
func DecodeShipment(r io.Reader, checks ...Check) (Shipment, error) {
	if r == nil {
		return Shipment{}, errors.Join(&FieldError{Msg: "empty input: want a JSON object holding one shipment"})
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxShipmentBytes+1))
	if err != nil {
		return Shipment{}, fmt.Errorf("iorules: reading shipment: %w", err)
	}
	if len(data) > MaxShipmentBytes {
		return Shipment{}, errors.Join(&FieldError{Msg: fmt.Sprintf("input larger than %d bytes", MaxShipmentBytes)})
	}

	var d decoder
	raw, ok := d.document(data)
	if !ok {
		return Shipment{}, d.p.err()
	}
	s := d.shipment(raw)

	var v problems
	validateShipment(&v, s, checks)
	v.without(d.p.list) // a field that failed to decode is reported once
	d.p.list = append(d.p.list, v.list...)
	d.p.dropped += v.dropped
	if err := d.p.err(); err != nil {
		return Shipment{}, err
	}
	return s, nil
}

// decoder turns JSON into a Shipment field by field, recording every
// problem instead of stopping at the first.
type decoder struct {
	p problems
}

// document checks that data holds exactly one JSON object and returns it.
func (d *decoder) document(data []byte) (json.RawMessage, bool) {
	var root fieldPath
	if len(bytes.TrimSpace(data)) == 0 {
		d.p.add(root, "empty input: want a JSON object holding one shipment")
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		d.p.add(root, syntaxMessage(data, err))
		return nil, false
	}
	end := int(dec.InputOffset())
	if rest := bytes.TrimLeft(data[end:], " \t\r\n"); len(rest) > 0 {
		line, col := strictjson.Position(data, len(data)-len(rest))
		d.p.addf(root, "unexpected data after the shipment object at line %d, column %d", line, col)
		return nil, false
	}
	raw = bytes.TrimSpace(raw)
	if raw[0] != '{' {
		d.p.addf(root, "must be a JSON object holding one shipment, not %s", strictjson.Kind(raw))
		return nil, false
	}
	return raw, true
}

// syntaxMessage describes a JSON syntax error with its line and column.
func syntaxMessage(data []byte, err error) string {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		line, col := strictjson.Position(data, int(syn.Offset)-1)
		return fmt.Sprintf("malformed JSON at line %d, column %d: %s", line, col, syn.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: unexpected end of input"
	}
	return "malformed JSON: " + err.Error()
}

var (
	shipmentRequired = []string{"id", "date", "origin", "destination", "incoterm", "transport_mode",
		"currency", "charges", "exporter", "importer_of_record", "end_user", "items"}
	chargesRequired = []string{"origin_inland", "freight", "insurance", "destination_handling", "destination_inland"}
	partyRequired   = []string{"name", "country"}
	regRequired     = []string{"scheme", "id"}
	itemRequired    = []string{"line", "description", "category", "hs_code", "quantity", "unit_value",
		"condition", "country_of_origin", "encryption"}
	encryptionRequired = []string{"present"}
	approvalRequired   = []string{"id"}
	documentRequired   = []string{"type"}
)

func (d *decoder) shipment(raw json.RawMessage) Shipment {
	var s Shipment
	d.object(fieldPath{}, raw, shipmentRequired, 0, func(key string, at fieldPath, v json.RawMessage) bool {
		switch key {
		case "id":
			text(d, at, v, &s.ID)
		case "date":
			d.date(at, v, &s.Date)
		case "origin":
			text(d, at, v, &s.Origin)
		case "destination":
			text(d, at, v, &s.Destination)
		case "destination_subdivision":
			text(d, at, v, &s.DestinationSubdivision)
		case "incoterm":
			text(d, at, v, &s.Incoterm)
		case "transport_mode":
			text(d, at, v, &s.TransportMode)
		case "currency":
			text(d, at, v, &s.Currency)
		case "exchange_rates":
			s.ExchangeRates = d.rates(at, v)
		case "charges":
			s.Charges = d.charges(at, v)
		case "exporter":
			s.Exporter = d.party(at, v)
		case "importer_of_record":
			s.ImporterOfRecord = d.party(at, v)
		case "end_user":
			s.EndUser = d.party(at, v)
		case "related_party":
			d.boolean(at, v, &s.RelatedParty)
		case "items":
			d.array(at, v, MaxItems, "items", func(i int, at fieldPath, v json.RawMessage) {
				s.Items = append(s.Items, d.item(at, v))
			})
		case "documents":
			d.array(at, v, maxDocuments, "documents", func(_ int, at fieldPath, v json.RawMessage) {
				s.Documents = append(s.Documents, d.tradeDocument(at, v))
			})
		default:
			return false
		}
		return true
	})
	return s
}

func (d *decoder) rates(at fieldPath, raw json.RawMessage) map[Currency]decimal.Decimal {
	var m map[Currency]decimal.Decimal
	d.object(at, raw, nil, maxRates, func(key string, at fieldPath, v json.RawMessage) bool {
		if rate, ok := d.decimal(at, v, rateDigits); ok {
			if m == nil {
				m = make(map[Currency]decimal.Decimal)
			}
			m[Currency(key)] = rate
		}
		return true
	})
	return m
}

func (d *decoder) charges(at fieldPath, raw json.RawMessage) Charges {
	var c Charges
	d.object(at, raw, chargesRequired, 0, func(key string, at fieldPath, v json.RawMessage) bool {
		var dst *decimal.Decimal
		switch key {
		case "origin_inland":
			dst = &c.OriginInland
		case "freight":
			dst = &c.Freight
		case "insurance":
			dst = &c.Insurance
		case "destination_handling":
			dst = &c.DestinationHandling
		case "destination_inland":
			dst = &c.DestinationInland
		default:
			return false
		}
		if x, ok := d.decimal(at, v, moneyDigits); ok {
			*dst = x
		}
		return true
	})
	return c
}

func (d *decoder) party(at fieldPath, raw json.RawMessage) Party {
	var p Party
	d.object(at, raw, partyRequired, 0, func(key string, at fieldPath, v json.RawMessage) bool {
		switch key {
		case "name":
			text(d, at, v, &p.Name)
		case "country":
			text(d, at, v, &p.Country)
		case "headquarters_country":
			text(d, at, v, &p.HeadquartersCountry)
		case "registrations":
			d.array(at, v, maxRegistrations, "registrations", func(_ int, at fieldPath, v json.RawMessage) {
				p.Registrations = append(p.Registrations, d.registration(at, v))
			})
		case "ownership":
			p.Ownership = d.ownership(at, v)
		default:
			return false
		}
		return true
	})
	return p
}

func (d *decoder) registration(at fieldPath, raw json.RawMessage) Registration {
	var r Registration
	d.object(at, raw, regRequired, 0, func(key string, at fieldPath, v json.RawMessage) bool {
		switch key {
		case "scheme":
			text(d, at, v, &r.Scheme)
		case "id":
			text(d, at, v, &r.ID)
		case "level":
			text(d, at, v, &r.Level)
		case "valid_until":
			d.date(at, v, &r.ValidUntil)
		default:
			return false
		}
		return true
	})
	return r
}

var (
	ownershipRequired = []string{"owners", "checked_on"}
	ownerRequired     = []string{"name", "country", "share"}
	shareDigits       = digitLimits{3, maxShareScale, "50.5"}
)

// ownership decodes a party's ownership. Null leaves it unstated (nil); an
// owners list that is present but empty is kept non-nil, as it states that
// no owner holds 25 % or more.
func (d *decoder) ownership(at fieldPath, raw json.RawMessage) *Ownership {
	if strictjson.IsNull(raw) {
		return nil
	}
	o := new(Ownership)
	d.object(at, raw, ownershipRequired, 0, func(key string, at fieldPath, v json.RawMessage) bool {
		switch key {
		case "owners":
			if !strictjson.IsNull(v) {
				o.Owners = []Owner{}
			}
			d.array(at, v, maxOwners, "owners", func(_ int, at fieldPath, v json.RawMessage) {
				o.Owners = append(o.Owners, d.owner(at, v))
			})
		case "checked_on":
			d.date(at, v, &o.CheckedOn)
		default:
			return false
		}
		return true
	})
	return o
}

func (d *decoder) owner(at fieldPath, raw json.RawMessage) Owner {
	var o Owner
	d.object(at, raw, ownerRequired, 0, func(key string, at fieldPath, v json.RawMessage) bool {
		switch key {
		case "name":
			text(d, at, v, &o.Name)
		case "country":
			text(d, at, v, &o.Country)
		case "share":
			if x, ok := d.decimal(at, v, shareDigits); ok {
				o.Share = x
			}
		default:
			return false
		}
		return true
	})
	return o
}

func (d *decoder) item(at fieldPath, raw json.RawMessage) Item {
	var it Item
	d.object(at, raw, itemRequired, 0, func(key string, at fieldPath, v json.RawMessage) bool {
		switch key {
		case "line":
			d.integer(at, v, &it.Line)
		case "sku":
			text(d, at, v, &it.SKU)
		case "model":
			text(d, at, v, &it.Model)
		case "description":
			text(d, at, v, &it.Description)
		case "category":
			text(d, at, v, &it.Category)
		case "hs_code":
			d.hsCode(at, v, &it.HSCode)
		case "quantity":
			d.integer(at, v, &it.Quantity)
		case "unit_value":
			if x, ok := d.decimal(at, v, moneyDigits); ok {
				it.UnitValue = x
			}
		case "net_weight_kg":
			if x, ok := d.decimal(at, v, weightDigits); ok {
				it.NetWeightKg = &x
			}
		case "condition":
			text(d, at, v, &it.Condition)
		case "country_of_origin":
			text(d, at, v, &it.CountryOfOrigin)
		case "radio":
			it.Radio = append(it.Radio, textList[Radio](d, at, v, 2*len(radios), "radio technologies")...)
		case "encryption":
			it.Encryption = d.encryption(at, v)
		case "eccn":
			text(d, at, v, &it.ECCN)
		case "tpp":
			if x, ok := d.decimal(at, v, tppDigits); ok {
				it.TPP = &x
			}
		case "power_rating_kva":
			if x, ok := d.decimal(at, v, powerDigits); ok {
				it.PowerRatingKVA = &x
			}
		case "tariff_exemption":
			text(d, at, v, &it.TariffExemption)
		case "approvals_held":
			d.array(at, v, maxApprovals, "approvals", func(_ int, at fieldPath, v json.RawMessage) {
				it.ApprovalsHeld = append(it.ApprovalsHeld, d.heldApproval(at, v))
			})
		default:
			return false
		}
		return true
	})
	return it
}

func (d *decoder) encryption(at fieldPath, raw json.RawMessage) Encryption {
	var e Encryption
	presentOK := false
	d.object(at, raw, encryptionRequired, 0, func(key string, at fieldPath, v json.RawMessage) bool {
		switch key {
		case "present":
			presentOK = d.boolean(at, v, &e.Present)
		case "mass_market":
			d.boolean(at, v, &e.MassMarket)
		default:
			return false
		}
		return true
	})
	if !presentOK {
		// present is missing or malformed and already reported; do not
		// also report mass_market as inconsistent with a guessed false.
		e.MassMarket = false
	}
	return e
}

func (d *decoder) heldApproval(at fieldPath, raw json.RawMessage) HeldApproval {
	var a HeldApproval
	d.object(at, raw, approvalRequired, 0, func(key string, at fieldPath, v json.RawMessage) bool {
		switch key {
		case "id":
			text(d, at, v, &a.ID)
		case "reference":
			text(d, at, v, &a.Reference)
		case "valid_until":
			d.date(at, v, &a.ValidUntil)
		case "models":
			a.Models = append(a.Models, textList[string](d, at, v, maxModels, "models")...)
		default:
			return false
		}
		return true
	})
	return a
}

func (d *decoder) tradeDocument(at fieldPath, raw json.RawMessage) Document {
	var doc Document
	d.object(at, raw, documentRequired, 0, func(key string, at fieldPath, v json.RawMessage) bool {
		switch key {
		case "type":
			text(d, at, v, &doc.Type)
		case "reference":
			text(d, at, v, &doc.Reference)
		case "date":
			d.date(at, v, &doc.Date)
		case "models":
			doc.Models = append(doc.Models, textList[string](d, at, v, maxModels, "models")...)
		case "lines":
			d.array(at, v, MaxItems, "lines", func(_ int, at fieldPath, v json.RawMessage) {
				var n int
				d.integer(at, v, &n)
				doc.Lines = append(doc.Lines, n)
			})
		default:
			return false
		}
		return true
	})
	return doc
}

// object walks the members of the JSON object raw in order, calling member
// for each; member returns false for a key it does not know. It reports a
// value that is not an object, unknown and duplicate keys, more than limit
// members (when limit > 0) and required keys that are missing or null. A
// null object is treated as absent.
func (d *decoder) object(at fieldPath, raw json.RawMessage, required []string, limit int,
	member func(key string, at fieldPath, v json.RawMessage) bool) {
	if strictjson.IsNull(raw) {
		return
	}
	if raw[0] != '{' {
		d.p.addf(at, "must be a JSON object, not %s", strictjson.Kind(raw))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return
	}
	present := make(map[string]bool, len(required))
	seen := make(map[string]bool)
	for n := 0; dec.More(); n++ {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return
		}
		key, _ := tok.(string)
		// The key as written: encoding/json has replaced what is not valid
		// Unicode in key.
		lit := raw[before:dec.InputOffset()]
		if q := bytes.IndexByte(lit, '"'); q >= 0 {
			lit = lit[q:]
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return
		}
		if limit > 0 && n >= limit {
			d.p.addf(at, "must have at most %d members", limit)
			return
		}
		if msg := strictjson.StringProblem(lit); msg != "" {
			d.p.add(at, "field name: "+msg)
			continue
		}
		fp := at.key(key)
		if seen[key] {
			d.p.add(fp, "duplicate field")
			continue
		}
		if !member(key, fp, v) {
			d.p.add(fp, "unknown field")
			continue
		}
		seen[key] = true
		if !strictjson.IsNull(v) {
			present[key] = true
		}
	}
	for _, k := range required {
		if !present[k] {
			d.p.add(at.key(k), "required")
		}
	}
}

// array walks the elements of the JSON array raw, calling elem for each, and
// reports a value that is not an array or has more than limit elements. A
// null array is treated as empty.
func (d *decoder) array(at fieldPath, raw json.RawMessage, limit int, noun string,
	elem func(i int, at fieldPath, v json.RawMessage)) {
	if strictjson.IsNull(raw) {
		return
	}
	if raw[0] != '[' {
		d.p.addf(at, "must be a JSON array, not %s", strictjson.Kind(raw))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return
	}
	for i := 0; dec.More(); i++ {
		if i >= limit {
			d.p.addf(at, "must list at most %d %s", limit, noun)
			return
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return
		}
		elem(i, at.at(i), v)
	}
}

// text decodes a JSON string into dst. Null leaves dst unchanged.
// textList decodes an array of at most limit strings; what names them in
// the error for a longer one.
func textList[T ~string](d *decoder, at fieldPath, raw json.RawMessage, limit int, what string) []T {
	var out []T
	d.array(at, raw, limit, what, func(_ int, at fieldPath, v json.RawMessage) {
		var x T
		text(d, at, v, &x)
		out = append(out, x)
	})
	return out
}

func text[T ~string](d *decoder, at fieldPath, raw json.RawMessage, dst *T) bool {
	if strictjson.IsNull(raw) {
		return false
	}
	if raw[0] != '"' {
		d.p.addf(at, "must be a string, not %s", strictjson.Kind(raw))
		return false
	}
	if msg := strictjson.StringProblem(raw); msg != "" {
		d.p.add(at, msg)
		return false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		d.p.add(at, "malformed string")
		return false
	}
	*dst = T(s)
	return true
}

func (d *decoder) boolean(at fieldPath, raw json.RawMessage, dst *bool) bool {
	switch {
	case strictjson.IsNull(raw):
		return false
	case string(raw) == "true":
		*dst = true
	case string(raw) == "false":
		*dst = false
	default:
		d.p.addf(at, "must be true or false, not %s", strictjson.Kind(raw))
		return false
	}
	return true
}

func (d *decoder) date(at fieldPath, raw json.RawMessage, dst *Date) {
	var s string
	if !text(d, at, raw, &s) {
		return
	}
	parsed, err := ParseDate(s)
	if err != nil {
		d.p.addf(at, "must be a real date written YYYY-MM-DD, not %q", strictjson.Truncate(s, 40))
		return
	}
	*dst = parsed
}

func (d *decoder) hsCode(at fieldPath, raw json.RawMessage, dst *HSCode) {
	var s string
	if !text(d, at, raw, &s) {
		return
	}
	if len(s) > 40 {
		d.p.addf(at, "malformed HS code %q: too long", strictjson.Truncate(s, 40))
		return
	}
	code, err := ParseHSCode(s)
	if err != nil {
		d.p.add(at, err.Error())
		return
	}
	*dst = code
}

// integer decodes a JSON integer written without fraction or exponent. The
// range is Validate's job, except for magnitudes beyond any bound.
func (d *decoder) integer(at fieldPath, raw json.RawMessage, dst *int) {
	if strictjson.IsNull(raw) {
		return
	}
	if raw[0] == '"' {
		d.p.add(at, "must be a JSON integer such as 2, not a string")
		return
	}
	if strictjson.Kind(raw) != "a number" {
		d.p.addf(at, "must be a JSON integer such as 2, not %s", strictjson.Kind(raw))
		return
	}
	s := string(raw)
	digits := s
	if digits[0] == '-' {
		digits = digits[1:]
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			d.p.addf(at, "must be a whole number such as 2, not %s", strictjson.Truncate(s, 40))
			return
		}
	}
	if len(digits) > 12 {
		if s[0] == '-' {
			d.p.add(at, "must be greater than 0")
		} else {
			d.p.add(at, "too large")
		}
		return
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		d.p.add(at, "malformed integer")
		return
	}
	*dst = n
}

// digitLimits bound the text of a decimal before it is parsed, so that no
// input such as "1e1000000" or five thousand digits reaches the decimal
// package.
type digitLimits struct {
	intDigits, fracDigits int
	example               string
}

var (
	moneyDigits  = digitLimits{15, 10, "12.50"}
	rateDigits   = digitLimits{15, 12, "5.3000"}
	weightDigits = digitLimits{15, 10, "18.5"}
	tppDigits    = digitLimits{15, 10, "4800"}
	powerDigits  = digitLimits{9, 6, "10"}
)

// decimal decodes a JSON string holding a plain decimal: an optional minus
// sign, digits, and optionally a point and more digits. Null is absent.
func (d *decoder) decimal(at fieldPath, raw json.RawMessage, lim digitLimits) (decimal.Decimal, bool) {
	if strictjson.IsNull(raw) {
		return decimal.Decimal{}, false
	}
	if raw[0] != '"' {
		kind := strictjson.Kind(raw)
		if kind == "a number" {
			kind = "a JSON number"
		}
		d.p.addf(at, "must be a decimal string such as %q, not %s", lim.example, kind)
		return decimal.Decimal{}, false
	}
	if msg := strictjson.StringProblem(raw); msg != "" {
		d.p.add(at, msg)
		return decimal.Decimal{}, false
	}
	var s string
	if len(raw) > 200 || json.Unmarshal(raw, &s) != nil {
		d.p.addf(at, "must be a plain decimal such as %q", lim.example)
		return decimal.Decimal{}, false
	}
	intDigits, fracDigits, ok := scanDecimal(s)
	switch {
	case !ok:
		d.p.addf(at, "must be a plain decimal such as %q, not %q", lim.example, strictjson.Truncate(s, 40))
	case intDigits > lim.intDigits:
		d.p.addf(at, "too large: at most %d digits before the decimal point", lim.intDigits)
	case fracDigits > lim.fracDigits:
		d.p.addf(at, "too precise: at most %d digits after the decimal point", lim.fracDigits)
	default:
		x, err := decimal.NewFromString(s)
		if err != nil {
			d.p.addf(at, "must be a plain decimal such as %q", lim.example)
			return decimal.Decimal{}, false
		}
		return x, true
	}
	return decimal.Decimal{}, false
}

// scanDecimal checks the form -?[0-9]+(\.[0-9]+)? and counts the integer
// digits (leading zeros excluded) and the fraction digits.
func scanDecimal(s string) (intDigits, fracDigits int, ok bool) {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, 0, false
	}
	lead := 0
	for lead < i-1 && s[lead] == '0' {
		lead++
	}
	intDigits = i - lead
	if i == len(s) {
		return intDigits, 0, true
	}
	if s[i] != '.' {
		return 0, 0, false
	}
	j := i + 1
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i+1 || j != len(s) {
		return 0, 0, false
	}
	return intDigits, j - i - 1, true
}
