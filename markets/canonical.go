package markets

import (
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
)

// The audit record hashes the shipment as json.Marshal writes it. Going
// through reflection for every evaluation cost more than the tax chain, so
// appendShipmentJSON writes the same bytes directly. It must stay byte for
// byte equal to json.Marshal: TestCanonicalShipmentJSON and
// FuzzCanonicalShipmentJSON compare the two on every example shipment and
// on fuzzed ones, and fail as soon as a field of the model is added or
// changed here but not there.

// appendShipmentJSON appends json.Marshal(s) to b.
func appendShipmentJSON(b []byte, s *iorules.Shipment) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, s.ID)
	b = append(b, `,"date":`...)
	b = appendJSONString(b, s.Date.String())
	b = append(b, `,"origin":`...)
	b = appendJSONString(b, string(s.Origin))
	b = append(b, `,"destination":`...)
	b = appendJSONString(b, string(s.Destination))
	if s.DestinationSubdivision != "" {
		b = append(b, `,"destination_subdivision":`...)
		b = appendJSONString(b, string(s.DestinationSubdivision))
	}
	b = append(b, `,"incoterm":`...)
	b = appendJSONString(b, string(s.Incoterm))
	b = append(b, `,"transport_mode":`...)
	b = appendJSONString(b, string(s.TransportMode))
	b = append(b, `,"currency":`...)
	b = appendJSONString(b, string(s.Currency))
	b = append(b, `,"exchange_rates":`...)
	if s.ExchangeRates == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		keys := make([]iorules.Currency, 0, len(s.ExchangeRates))
		for k := range s.ExchangeRates {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, string(k))
			b = append(b, ':')
			b = appendDecimalJSON(b, s.ExchangeRates[k])
		}
		b = append(b, '}')
	}
	c := &s.Charges
	b = append(b, `,"charges":{"origin_inland":`...)
	b = appendDecimalJSON(b, c.OriginInland)
	b = append(b, `,"freight":`...)
	b = appendDecimalJSON(b, c.Freight)
	b = append(b, `,"insurance":`...)
	b = appendDecimalJSON(b, c.Insurance)
	b = append(b, `,"destination_handling":`...)
	b = appendDecimalJSON(b, c.DestinationHandling)
	b = append(b, `,"destination_inland":`...)
	b = appendDecimalJSON(b, c.DestinationInland)
	b = append(b, `},"exporter":`...)
	b = appendPartyJSON(b, &s.Exporter)
	b = append(b, `,"importer_of_record":`...)
	b = appendPartyJSON(b, &s.ImporterOfRecord)
	b = append(b, `,"end_user":`...)
	b = appendPartyJSON(b, &s.EndUser)
	if s.RelatedParty {
		b = append(b, `,"related_party":true`...)
	}
	b = append(b, `,"items":`...)
	if s.Items == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range s.Items {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendItemJSON(b, &s.Items[i])
		}
		b = append(b, ']')
	}
	if len(s.Documents) > 0 {
		b = append(b, `,"documents":[`...)
		for i := range s.Documents {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendDocumentJSON(b, &s.Documents[i])
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendPartyJSON(b []byte, p *iorules.Party) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, p.Name)
	b = append(b, `,"country":`...)
	b = appendJSONString(b, string(p.Country))
	if p.HeadquartersCountry != "" {
		b = append(b, `,"headquarters_country":`...)
		b = appendJSONString(b, string(p.HeadquartersCountry))
	}
	if len(p.Registrations) > 0 {
		b = append(b, `,"registrations":[`...)
		for i := range p.Registrations {
			r := &p.Registrations[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"scheme":`...)
			b = appendJSONString(b, r.Scheme)
			b = append(b, `,"id":`...)
			b = appendJSONString(b, r.ID)
			if r.Level != "" {
				b = append(b, `,"level":`...)
				b = appendJSONString(b, r.Level)
			}
			if !r.ValidUntil.IsZero() {
				b = append(b, `,"valid_until":`...)
				b = appendJSONString(b, r.ValidUntil.String())
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if p.Ownership != nil {
		b = append(b, `,"ownership":`...)
		b = appendOwnershipJSON(b, p.Ownership)
	}
	return append(b, '}')
}

func appendOwnershipJSON(b []byte, o *iorules.Ownership) []byte {
	b = append(b, `{"owners":`...)
	if o.Owners == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range o.Owners {
			ow := &o.Owners[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = appendJSONString(b, ow.Name)
			b = append(b, `,"country":`...)
			b = appendJSONString(b, string(ow.Country))
			b = append(b, `,"share":`...)
			b = appendDecimalJSON(b, ow.Share)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"checked_on":`...)
	b = appendJSONString(b, o.CheckedOn.String())
	return append(b, '}')
}

func appendItemJSON(b []byte, it *iorules.Item) []byte {
	b = append(b, `{"line":`...)
	b = strconv.AppendInt(b, int64(it.Line), 10)
	if it.SKU != "" {
		b = append(b, `,"sku":`...)
		b = appendJSONString(b, it.SKU)
	}
	if it.Model != "" {
		b = append(b, `,"model":`...)
		b = appendJSONString(b, it.Model)
	}
	b = append(b, `,"description":`...)
	b = appendJSONString(b, it.Description)
	b = append(b, `,"category":`...)
	b = appendJSONString(b, string(it.Category))
	b = append(b, `,"hs_code":`...)
	b = appendJSONString(b, it.HSCode.String())
	b = append(b, `,"quantity":`...)
	b = strconv.AppendInt(b, int64(it.Quantity), 10)
	b = append(b, `,"unit_value":`...)
	b = appendDecimalJSON(b, it.UnitValue)
	if it.NetWeightKg != nil {
		b = append(b, `,"net_weight_kg":`...)
		b = appendDecimalJSON(b, *it.NetWeightKg)
	}
	b = append(b, `,"condition":`...)
	b = appendJSONString(b, string(it.Condition))
	b = append(b, `,"country_of_origin":`...)
	b = appendJSONString(b, string(it.CountryOfOrigin))
	b = append(b, `,"radio":`...)
	if it.Radio == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, r := range it.Radio {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, string(r))
		}
		b = append(b, ']')
	}
	b = append(b, `,"encryption":{"present":`...)
	b = strconv.AppendBool(b, it.Encryption.Present)
	b = append(b, `,"mass_market":`...)
	b = strconv.AppendBool(b, it.Encryption.MassMarket)
	b = append(b, '}')
	if it.ECCN != "" {
		b = append(b, `,"eccn":`...)
		b = appendJSONString(b, it.ECCN)
	}
	if it.TPP != nil {
		b = append(b, `,"tpp":`...)
		b = appendDecimalJSON(b, *it.TPP)
	}
	if it.PowerRatingKVA != nil {
		b = append(b, `,"power_rating_kva":`...)
		b = appendDecimalJSON(b, *it.PowerRatingKVA)
	}
	if it.TariffExemption != "" {
		b = append(b, `,"tariff_exemption":`...)
		b = appendJSONString(b, it.TariffExemption)
	}
	if len(it.ApprovalsHeld) > 0 {
		b = append(b, `,"approvals_held":[`...)
		for i := range it.ApprovalsHeld {
			h := &it.ApprovalsHeld[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			b = appendJSONString(b, h.ID)
			b = append(b, `,"reference":`...)
			b = appendJSONString(b, h.Reference)
			if !h.ValidUntil.IsZero() {
				b = append(b, `,"valid_until":`...)
				b = appendJSONString(b, h.ValidUntil.String())
			}
			if len(h.Models) > 0 {
				b = append(b, `,"models":`...)
				b = appendStringsJSON(b, h.Models)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendDocumentJSON(b []byte, d *iorules.Document) []byte {
	b = append(b, `{"type":`...)
	b = appendJSONString(b, string(d.Type))
	if d.Reference != "" {
		b = append(b, `,"reference":`...)
		b = appendJSONString(b, d.Reference)
	}
	if !d.Date.IsZero() {
		b = append(b, `,"date":`...)
		b = appendJSONString(b, d.Date.String())
	}
	if len(d.Models) > 0 {
		b = append(b, `,"models":`...)
		b = appendStringsJSON(b, d.Models)
	}
	if len(d.Lines) > 0 {
		b = append(b, `,"lines":[`...)
		for i, l := range d.Lines {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(l), 10)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendStringsJSON(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendDecimalJSON appends d as decimal.Decimal.MarshalJSON writes it.
func appendDecimalJSON(b []byte, d decimal.Decimal) []byte {
	if decimal.MarshalJSONWithoutQuotes {
		return appendDecimal(b, d)
	}
	b = append(b, '"')
	b = appendDecimal(b, d)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaped as json.Marshal
// escapes it: quotes, backslashes and control characters; <, > and & for
// HTML; invalid UTF-8 as U+FFFD; U+2028 and U+2029 for JavaScript.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, `\u00`...)
				b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendDecimal appends d as d.String() writes it; a coefficient of up to
// 18 digits is written from an int64, without the big.Int String goes
// through.
func appendDecimal(b []byte, d decimal.Decimal) []byte {
	exp := d.Exponent()
	if d.NumDigits() > 18 || exp > 18 || exp < -18 {
		return append(b, d.String()...)
	}
	c := d.CoefficientInt64()
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	var buf [20]byte
	digits := strconv.AppendInt(buf[:0], c, 10)
	if exp >= 0 {
		b = append(b, digits...)
		if c != 0 {
			for range exp {
				b = append(b, '0')
			}
		}
		return b
	}
	places := int(-exp)
	if len(digits) > places {
		b = append(b, digits[:len(digits)-places]...)
		digits = digits[len(digits)-places:]
	} else {
		b = append(b, '0')
		// The fraction: places-len(digits) zeros, then the digits.
		b = append(b, '.')
		mark := len(b)
		for range places - len(digits) {
			b = append(b, '0')
		}
		b = append(b, digits...)
		return trimFraction(b, mark)
	}
	b = append(b, '.')
	mark := len(b)
	b = append(b, digits...)
	return trimFraction(b, mark)
}

// trimFraction removes the trailing zeros of the fraction that starts at
// b[mark], and the point before it when nothing is left.
func trimFraction(b []byte, mark int) []byte {
	for len(b) > mark && b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	if len(b) == mark {
		b = b[:mark-1]
	}
	return b
}
