package markets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/strictjson"
)

// DecodeRollout reads a rollout in its JSON form from r and validates it:
//
//	{
//	  "shipment": { the shipment contract without destination,
//	                destination_subdivision, importer_of_record, exchange_rates },
//	  "markets": {
//	    "TR": {"importer_of_record": {...}, "exchange_rates": {"USD": "43.1200"}},
//	    "BR": {"importer_of_record": {...}, "exchange_rates": {"USD": "5.3870"},
//	           "destination_subdivision": "BR-SP", "end_user": {...}},
//	    "VN": {"importer_of_record": {...}, "exchange_rates": {"USD": "26315"},
//	           "hs_codes": {"4": "8504.40.11"}}
//	  }
//	}
//
// Each key of "markets" is a destination; its object takes the fields the
// shipment leaves out, "end_user" to replace the shipment's, and "hs_codes"
// to declare items under the market's national tariff lines (keys are
// items[].line numbers as strings, values HS codes extending the item's
// HS-6; see MarketSetup.HSCodes). The rules of
// iorules.DecodeShipment apply to every part (unknown and duplicate fields
// are errors, money is a decimal string) and the whole input is at most
// iorules.MaxShipmentBytes. Every problem is reported at once as a joined
// error of *iorules.FieldError, named by its path in the rollout
// ("markets[TR].importer_of_record.registrations[0].scheme"). An error
// reading r is returned wrapped. The checks (Engine.ShipmentChecks) apply
// to each market's shipment, as iorules.DecodeShipment applies them.
func DecodeRollout(r io.Reader, checks ...iorules.Check) (Rollout, error) {
	if r == nil {
		return Rollout{}, errors.Join(&iorules.FieldError{Msg: "empty input: want a JSON object holding a rollout"})
	}
	data, err := io.ReadAll(io.LimitReader(r, iorules.MaxShipmentBytes+1))
	if err != nil {
		return Rollout{}, fmt.Errorf("markets: reading rollout: %w", err)
	}
	if len(data) > iorules.MaxShipmentBytes {
		return Rollout{}, errors.Join(&iorules.FieldError{Msg: fmt.Sprintf("input larger than %d bytes", iorules.MaxShipmentBytes)})
	}
	top, fe := rolloutDocument(data)
	if fe != nil {
		return Rollout{}, errors.Join(fe)
	}

	var probs rolloutProblems
	problem := func(path, msg string) { probs.list = append(probs.list, &iorules.FieldError{Path: path, Msg: msg}) }
	// members are the members of the object at path with a name that is
	// valid Unicode; the others are reported.
	members := func(path string, ms []member) []member {
		return slices.DeleteFunc(ms, func(m member) bool {
			if m.keyProblem != "" {
				problem(path, "field name: "+m.keyProblem)
			}
			return m.keyProblem != ""
		})
	}
	var base, markets []member
	var hasBase, hasMarkets, baseIsObject bool
	seenTop := map[string]bool{}
	for _, m := range members("", top) {
		switch m.key {
		case "shipment", "markets":
			if seenTop[m.key] {
				problem(m.key, "duplicate field")
				continue
			}
			seenTop[m.key] = true
			if strictjson.IsNull(m.value) {
				continue
			}
			ms, ok := objectMembers(m.value)
			if !ok {
				problem(m.key, "must be a JSON object")
			}
			if m.key == "shipment" {
				base, hasBase, baseIsObject = members("shipment", ms), true, ok
			} else {
				markets, hasMarkets = members("markets", ms), true
			}
		default:
			problem(m.key, "unknown field")
		}
	}
	// A field the base gives twice is reported here, once, and its second
	// value dropped: the checks below drop some fields from the base (and
	// with them what DecodeShipment would see of the repeat).
	seenBase := map[string]bool{}
	base = slices.DeleteFunc(base, func(m member) bool {
		if seenBase[m.key] {
			problem("shipment."+m.key, "duplicate field")
			return true
		}
		seenBase[m.key] = true
		return false
	})
	if !hasBase {
		problem("shipment", "required")
	}
	if !hasMarkets {
		problem("markets", "required: at least one market")
	} else if len(markets) == 0 {
		problem("markets", "required: at least one market")
	}

	// The fields set per market are reported in the base and left out of
	// it, so that the rest is still decoded.
	baseHasEndUser := false
	base = slices.DeleteFunc(base, func(m member) bool {
		switch m.key {
		case "destination":
			problem("shipment.destination", "not allowed in a rollout: each key of markets is a destination")
			return true
		case "destination_subdivision", "importer_of_record", "exchange_rates":
			problem("shipment."+m.key, "not allowed in a rollout: give it per market, as markets.XX."+m.key)
			return true
		case "end_user":
			baseHasEndUser = true
		}
		return false
	})

	setups := map[iorules.Country][]member{}
	hsCodes := map[iorules.Country]map[int]iorules.HSCode{}
	seen := map[iorules.Country]bool{}
	for _, m := range markets {
		at := "markets[" + m.key + "]"
		c := iorules.Country(m.key)
		switch {
		case !c.IsValid():
			problem(at, fmt.Sprintf("unknown country code %q (want ISO 3166-1 alpha-2 in upper case, such as \"TR\")", strictjson.Truncate(m.key, 40)))
			continue
		case seen[c]:
			problem(at, "duplicate market")
			delete(setups, c)
			continue
		}
		seen[c] = true
		fields, ok := objectMembers(m.value)
		if !ok {
			problem(at, "must be a JSON object")
			continue
		}
		hsSeen := false
		setups[c] = slices.DeleteFunc(members(at, fields), func(f member) bool {
			switch {
			case f.key == hsCodesKey:
				// Not a shipment field: decoded here, and left out of the
				// market's shipment.
				if hsSeen {
					problem(at+"."+hsCodesKey, "duplicate field")
				} else {
					hsSeen, hsCodes[c] = true, decodeHSCodes(c, f.value, problem)
				}
				return true
			case f.key == "end_user" || f.key != "destination" && slices.Contains(marketFields, f.key):
				return false
			}
			problem(at+"."+f.key, "unknown field")
			return true
		})
	}
	if !baseIsObject || len(setups) == 0 {
		return Rollout{}, probs.err()
	}

	out := Rollout{Markets: make(map[iorules.Country]MarketSetup, len(setups))}
	haveBase := false
	order := slices.Sorted(maps.Keys(setups))
	for _, c := range order {
		fields := setups[c]
		ownEndUser := slices.ContainsFunc(fields, func(f member) bool { return f.key == "end_user" })
		s, err := iorules.DecodeShipment(bytes.NewReader(mergeShipment(base, c, fields)), checks...)
		probs.add(c, ownEndUser, err)
		if err != nil {
			continue
		}
		probs.list = append(probs.list, hsCodeProblems(c, hsCodes[c], s.Items)...)
		setup := MarketSetup{ImporterOfRecord: s.ImporterOfRecord, ExchangeRates: s.ExchangeRates,
			DestinationSubdivision: s.DestinationSubdivision, HSCodes: hsCodes[c]}
		if ownEndUser {
			eu := s.EndUser
			setup.EndUser = &eu
		}
		out.Markets[c] = setup
		if !haveBase && (!ownEndUser || !baseHasEndUser) {
			out.Shipment, haveBase = s, true
		}
	}
	// The base shipment's own end user, when every market replaces it.
	if baseHasEndUser && !haveBase {
		first := slices.DeleteFunc(slices.Clone(setups[order[0]]), func(f member) bool { return f.key == "end_user" })
		s, err := iorules.DecodeShipment(bytes.NewReader(mergeShipment(base, order[0], first)), checks...)
		probs.add(order[0], false, err)
		out.Shipment = s
	}
	if err := probs.err(); err != nil {
		return Rollout{}, err
	}
	out.Shipment.Destination, out.Shipment.DestinationSubdivision = "", ""
	out.Shipment.ImporterOfRecord, out.Shipment.ExchangeRates = iorules.Party{}, nil
	if !baseHasEndUser {
		out.Shipment.EndUser = iorules.Party{} // every market gives its own
	}
	return out, nil
}

// decodeHSCodes decodes market c's hs_codes: a JSON object (or null) whose
// keys are item line numbers written as in items[].line ("5") and whose
// values are HS codes written as in items[].hs_code. It reports every
// problem of form through problem and returns the entries without one, or
// nil when there are none; hsCodeProblems checks them against the items.
func decodeHSCodes(c iorules.Country, raw json.RawMessage, problem func(path, msg string)) map[int]iorules.HSCode {
	at := "markets[" + string(c) + "]." + hsCodesKey
	if strictjson.IsNull(raw) {
		return nil
	}
	ms, ok := objectMembers(raw)
	if !ok {
		problem(at, fmt.Sprintf(`must be a JSON object of HS codes by line number, such as {"5": "8504.40.11"}, not %s`, strictjson.Kind(raw)))
		return nil
	}
	var codes map[int]iorules.HSCode
	seen := map[string]bool{}
	for _, m := range ms {
		if m.keyProblem != "" {
			problem(at, "field name: "+m.keyProblem)
			continue
		}
		path := hsCodePath(c, m.key)
		if seen[m.key] {
			problem(path, "duplicate field")
			continue
		}
		seen[m.key] = true
		line, ok := lineKey(m.key)
		if !ok {
			problem(path, `unknown field: want an item's line number, such as "5"`)
			continue
		}
		code, msg := hsCodeValue(m.value)
		if msg != "" {
			problem(path, msg)
			continue
		}
		if codes == nil {
			codes = map[int]iorules.HSCode{}
		}
		codes[line] = code
	}
	return codes
}

// lineKey reads a line number written as a JSON integer in a string: digits
// without a sign or a leading zero, at most 7 of them (a line is at most
// 1,000,000).
func lineKey(key string) (int, bool) {
	if key == "" || len(key) > 7 || key[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(key); i++ {
		if key[i] < '0' || key[i] > '9' {
			return 0, false
		}
		n = n*10 + int(key[i]-'0')
	}
	return n, true
}

// hsCodeValue reads an HS code as DecodeShipment reads items[].hs_code, or
// says why it cannot.
func hsCodeValue(raw json.RawMessage) (iorules.HSCode, string) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", fmt.Sprintf(`must be an HS code written as a string, such as "8504.40.11", not %s`, strictjson.Kind(raw))
	}
	if msg := strictjson.StringProblem(raw); msg != "" {
		return "", msg
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", "malformed string"
	}
	if len(s) > 40 {
		return "", fmt.Sprintf("malformed HS code %q: too long", strictjson.Truncate(s, 40))
	}
	code, err := iorules.ParseHSCode(s)
	if err != nil {
		return "", err.Error()
	}
	return code, ""
}

// member is one key and value of a JSON object, in document order.
type member struct {
	key   string
	value json.RawMessage
	// keyProblem says why the key as written is not valid Unicode (key
	// then holds U+FFFD in its place), or is "".
	keyProblem string
}

// rolloutDocument checks that data holds exactly one JSON object and
// returns its members.
func rolloutDocument(data []byte) ([]member, *iorules.FieldError) {
	var d strictjson.Decoder
	raw, ok := d.Document(data, '{', "a JSON object holding a rollout")
	if !ok {
		p := d.Done()[0]
		return nil, &iorules.FieldError{Path: p.Path, Msg: p.Msg}
	}
	ms, ok := objectMembers(raw)
	if !ok {
		return nil, &iorules.FieldError{Msg: "want a JSON object holding a rollout"}
	}
	return ms, nil
}

// objectMembers returns the members of a JSON object, duplicates included;
// ok is false when raw is not an object.
func objectMembers(raw json.RawMessage) ([]member, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	ms := []member{}
	for dec.More() {
		before := dec.InputOffset()
		tok, err := dec.Token()
		key, isKey := tok.(string)
		if err != nil || !isKey {
			return nil, false
		}
		lit := raw[before:dec.InputOffset()]
		if q := bytes.IndexByte(lit, '"'); q >= 0 {
			lit = lit[q:]
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		ms = append(ms, member{key: key, value: v, keyProblem: strictjson.StringProblem(lit)})
	}
	return ms, true
}

// mergeShipment writes the JSON shipment market c evaluates: the base's
// members (without its end user when the market gives one), the
// destination, then the market's members.
func mergeShipment(base []member, c iorules.Country, market []member) []byte {
	ownEndUser := slices.ContainsFunc(market, func(f member) bool { return f.key == "end_user" })
	var b bytes.Buffer
	b.WriteByte('{')
	write := func(key string, value []byte) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(key) // a string always marshals
		b.Write(k)
		b.WriteByte(':')
		b.Write(value)
	}
	for _, m := range base {
		if m.key == "end_user" && ownEndUser {
			continue
		}
		write(m.key, m.value)
	}
	dest, _ := json.Marshal(string(c))
	write("destination", dest)
	for _, m := range market {
		write(m.key, m.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}
