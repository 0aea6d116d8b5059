package iorules

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/iorules/iorules/internal/strictjson"
	"github.com/shopspring/decimal"
)

// MaxItems is the most item lines a shipment may have (and the most lines a
// document may list). DecodeShipment and Validate reject more; packages
// that bound their work by a shipment's size, such as the static cost
// estimate of markets, assume it.
const MaxItems = 10_000

// Limits that keep a shipment within what a real consignment looks like and
// what the library can process cheaply. They apply to DecodeShipment and to
// Validate alike.
const (
	maxQuantity      = 10_000_000
	maxLineNumber    = 1_000_000
	maxRegistrations = 50
	maxApprovals     = 50
	maxModels        = 100
	maxDocuments     = 100
	maxRates         = 300

	maxIDLen          = 100
	maxNameLen        = 200
	maxDescriptionLen = 1000
	maxCodeLen        = 100 // sku, model, reference, registration id, level
	maxShortLen       = 30  // eccn, tariff exemption
)

// Upper bounds of amounts (exclusive). Money and weights are per unit or per
// shipment; a rate is destination-currency units per one unit of another.
var (
	maxMoney  = decimal.New(1, 12) // 1,000,000,000,000 in the shipment currency
	maxWeight = decimal.New(1, 6)  // 1,000,000 kg for one unit
	maxRate   = decimal.New(1, 9)
	maxTPP    = decimal.New(1, 9)
	// maxPowerKVA bounds a power rating: the largest UPS is a few MVA.
	maxPowerKVA = decimal.New(1, 6)
)

// Shipment dates outside this window are surely typing mistakes.
var (
	minShipmentDate = NewDate(2000, 1, 1)
	maxShipmentDate = NewDate(2099, 12, 31)
)

// Validate reports every problem with s, for callers who build a Shipment in
// Go rather than decode it: required fields, codes and enums, quantities,
// amounts and their bounds, line numbers, exchange rates, the destination
// subdivision, documents (their type, dates, and lines that exist), text
// that is valid UTF-8, and identifiers and names (id, party names,
// registration ids and levels, sku, model, eccn, tariff exemption,
// references and the models certificates name) free of control and
// bidirectional formatting characters. It returns nil for a valid
// shipment, else a joined error of *FieldError values in document order
// (see FieldErrors). DecodeShipment applies the same rules.
//
// The checks add the caller's rules, such as those of a market's policy
// (markets.Engine.ShipmentChecks); their problems are listed with the
// others.
func (s Shipment) Validate(checks ...Check) error {
	var p problems
	validateShipment(&p, s, checks)
	return p.err()
}

// FieldErrors returns the *FieldError values in err, in order, looking
// through errors joined with errors.Join and errors wrapped with %w. It
// returns nil when err holds none; other errors in err are skipped.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case nil:
		case *FieldError:
			out = append(out, x)
		case interface{ Unwrap() []error }:
			for _, c := range x.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return out
}

func validateShipment(p *problems, s Shipment, checks []Check) {
	var root fieldPath
	p.name(root.leaf("id"), s.ID, maxIDLen, true)

	switch {
	case s.Date.IsZero():
		p.add(root.field("date"), "required")
	case s.Date.Before(minShipmentDate) || s.Date.After(maxShipmentDate):
		p.addf(root.field("date"), "must be between %s and %s, not %s", minShipmentDate, maxShipmentDate, s.Date)
	}

	p.country(root.leaf("origin"), s.Origin, true)
	p.country(root.leaf("destination"), s.Destination, true)
	if s.Origin != "" && s.Origin == s.Destination {
		p.addf(root.field("destination"), "must differ from origin (%s): an import crosses a border", s.Origin)
	}
	validateSubdivision(p, root.leaf("destination_subdivision"), s.Destination, s.DestinationSubdivision, checks)

	enum(p, root.leaf("incoterm"), s.Incoterm, incoterms)
	enum(p, root.leaf("transport_mode"), s.TransportMode, transportModes)
	p.currency(root.leaf("currency"), s.Currency)
	validateRates(p, s)

	charges := root.field("charges")
	p.amount(charges.leaf("origin_inland"), s.Charges.OriginInland, false, maxMoney)
	p.amount(charges.leaf("freight"), s.Charges.Freight, false, maxMoney)
	p.amount(charges.leaf("insurance"), s.Charges.Insurance, false, maxMoney)
	p.amount(charges.leaf("destination_handling"), s.Charges.DestinationHandling, false, maxMoney)
	p.amount(charges.leaf("destination_inland"), s.Charges.DestinationInland, false, maxMoney)

	validateParty(p, root.field("exporter"), &s.Exporter)
	validateParty(p, root.field("importer_of_record"), &s.ImporterOfRecord)
	validateParty(p, root.field("end_user"), &s.EndUser)

	items := root.field("items")
	switch {
	case len(s.Items) == 0:
		p.add(items, "required: at least one item")
		return
	case len(s.Items) > MaxItems:
		p.addf(items, "must list at most %d items, not %d", MaxItems, len(s.Items))
		return
	}
	first := make(map[int]int, len(s.Items)) // the index of the first item of each line number
	for i := range s.Items {
		it := &s.Items[i]
		at := items.at(i)
		validateItem(p, at, it)
		if it.Line <= 0 {
			continue
		}
		if j, ok := first[it.Line]; ok {
			p.addf(at.field("line"), "duplicate line number %d (also %s)", it.Line, items.at(j).field("line"))
			continue
		}
		first[it.Line] = i
	}
	validateDocuments(p, s.Documents, first)
}

// validateDocuments checks the documents in hand against the items' lines.
// lines maps each line number to the index of its first item.
func validateDocuments(p *problems, docs []Document, lines map[int]int) {
	at := fieldPath{}.field("documents")
	if len(docs) > maxDocuments {
		p.addf(at, "must list at most %d documents, not %d", maxDocuments, len(docs))
		return
	}
	for i := range docs {
		doc := &docs[i]
		di := at.at(i)
		enum(p, di.leaf("type"), doc.Type, documentTypes)
		p.name(di.leaf("reference"), doc.Reference, maxCodeLen, false)
		if !doc.Date.IsZero() && (doc.Date.Before(minShipmentDate) || doc.Date.After(maxShipmentDate)) {
			p.addf(di.field("date"), "must be between %s and %s, not %s", minShipmentDate, maxShipmentDate, doc.Date)
		}
		models := di.field("models")
		if len(doc.Models) > maxModels {
			p.addf(models, "must list at most %d models, not %d", maxModels, len(doc.Models))
		} else {
			for j, m := range doc.Models {
				p.name(models.leafAt(j), m, maxCodeLen, true)
			}
		}
		dl := di.field("lines")
		if len(doc.Lines) > MaxItems {
			p.addf(dl, "must list at most %d lines, not %d", MaxItems, len(doc.Lines))
			continue
		}
		for j, n := range doc.Lines {
			_, known := lines[n]
			switch {
			case n <= 0:
				p.add(dl.at(j), "must be greater than 0")
			case slices.Contains(doc.Lines[:j], n):
				p.addf(dl.at(j), "duplicate line %d", n)
			case !known:
				p.addf(dl.at(j), "no item has line %d", n)
			}
		}
	}
}

// validateRates checks every given rate and that the rate the valuation
// needs, the shipment currency in the destination's local currency, is there.
func validateRates(p *problems, s Shipment) {
	rates := fieldPath{}.field("exchange_rates")
	if len(s.ExchangeRates) > maxRates {
		p.addf(rates, "must list at most %d rates, not %d", maxRates, len(s.ExchangeRates))
		return
	}
	local := s.Destination.Currency()
	for _, c := range slices.Sorted(maps.Keys(s.ExchangeRates)) {
		at := rates.leaf(string(c))
		if !c.IsValid() {
			p.addf(at.path(), "unknown currency code %q (want ISO 4217 in upper case, such as \"USD\")", strictjson.Truncate(string(c), 40))
			continue
		}
		rate := s.ExchangeRates[c]
		if c == local && local != "" {
			if !rate.Equal(decimal.NewFromInt(1)) {
				p.addf(at.path(), "must be 1 or left out: %s is the currency of %s", c, s.Destination)
			}
			continue
		}
		p.amount(at, rate, true, maxRate)
	}
	if !s.Currency.IsValid() || !local.IsValid() || s.Currency == local {
		return
	}
	if _, ok := s.ExchangeRates[s.Currency]; !ok {
		on := "on the shipment date"
		if !s.Date.IsZero() {
			on = "on " + s.Date.String()
		}
		p.addf(rates.key(string(s.Currency)), "required: rate of %s in %s %s", s.Currency, local, on)
	}
}

// validateSubdivision checks the form of the destination subdivision and
// that it belongs to the destination. Whether a market needs one, and which
// codes it knows, is the market policy's to say: the caller's checks (see
// SubdivisionCheck) run when the destination is valid and the subdivision
// is empty or one of the destination's.
func validateSubdivision(p *problems, at leafPath, dest Country, sub Subdivision, checks []Check) {
	switch {
	case sub == "":
	case !subdivisionForm.MatchString(string(sub)):
		p.addf(at.path(), "malformed subdivision %q (want an ISO 3166-2 code such as \"BR-SP\")", strictjson.Truncate(string(sub), 40))
		return
	case dest.IsValid() && sub.Country() != dest:
		p.addf(at.path(), "must be a subdivision of the destination %s, not %q", dest, sub)
		return
	}
	if !dest.IsValid() {
		return
	}
	for _, c := range checks {
		if c.subdivision == nil {
			continue
		}
		if msg := c.subdivision(dest, sub); msg != "" {
			p.add(at.path(), msg)
		}
	}
}

// schemeForm is the form of registration schemes and approval ids,
// "<market>.<name>" in lower case such as "br.radar".
var schemeForm = regexp.MustCompile(`^[a-z]{2}\.[a-z0-9_]+$`)

func validateParty(p *problems, at fieldPath, party *Party) {
	p.name(at.leaf("name"), party.Name, maxNameLen, true)
	p.country(at.leaf("country"), party.Country, true)
	p.country(at.leaf("headquarters_country"), party.HeadquartersCountry, false)
	validateOwnership(p, at.field("ownership"), party.Ownership)
	regs := at.field("registrations")
	if len(party.Registrations) > maxRegistrations {
		p.addf(regs, "must list at most %d registrations, not %d", maxRegistrations, len(party.Registrations))
		return
	}
	for i := range party.Registrations {
		r := &party.Registrations[i]
		ri := regs.at(i)
		p.schemeID(ri.leaf("scheme"), r.Scheme)
		p.name(ri.leaf("id"), r.ID, maxCodeLen, true)
		p.name(ri.leaf("level"), r.Level, maxCodeLen, false)
	}
}

// Limits of a party's stated ownership.
const (
	maxOwners     = 100
	maxShareScale = 6 // digits after the decimal point of a share
)

var hundred = decimal.NewFromInt(100)

// validateOwnership checks a party's stated ownership, if any: the day it
// was established, and each owner's name, country and share, the shares
// adding up to at most 100.
func validateOwnership(p *problems, at fieldPath, o *Ownership) {
	if o == nil {
		return
	}
	switch {
	case o.CheckedOn.IsZero():
		p.add(at.field("checked_on"), "required")
	case o.CheckedOn.Before(minShipmentDate) || o.CheckedOn.After(maxShipmentDate):
		p.addf(at.field("checked_on"), "must be between %s and %s", minShipmentDate, maxShipmentDate)
	}
	owners := at.field("owners")
	switch {
	case o.Owners == nil:
		p.add(owners, "required (an empty list states that no owner holds 25 % or more)")
		return
	case len(o.Owners) > maxOwners:
		p.addf(owners, "must list at most %d owners, not %d", maxOwners, len(o.Owners))
		return
	}
	total := decimal.Zero
	for i := range o.Owners {
		ow := &o.Owners[i]
		oi := owners.at(i)
		p.requiredText(oi.leaf("name"), ow.Name, maxNameLen)
		p.country(oi.leaf("country"), ow.Country, true)
		switch {
		case !shareInRange(ow.Share):
			p.add(oi.field("share"), "must be greater than 0 and at most 100")
		case ow.Share.Exponent() < -maxShareScale:
			p.addf(oi.field("share"), "too precise: at most %d digits after the decimal point", maxShareScale)
		default:
			total = total.Add(ow.Share)
		}
	}
	if total.GreaterThan(hundred) {
		p.addf(owners, "the shares must add up to at most 100, not %s", total)
	}
}

// shareInRange reports 0 < d <= 100. Like tooLarge, it compares place
// values before Cmp, so that a decimal whose exponent is far from 0 is not
// rescaled.
func shareInRange(d decimal.Decimal) bool {
	if d.Sign() <= 0 {
		return false
	}
	if c, ok := comparePositive(d, hundred); ok {
		return c <= 0
	}
	// The leading digit's place value is 10^lead; 100's is 10^2.
	if lead := int64(d.NumDigits()) + int64(d.Exponent()) - 1; lead != 2 {
		return lead < 2
	}
	return d.Cmp(hundred) <= 0 // the coefficient has about -Exponent digits: the rescale costs what d already does
}

// validateItem checks one item; at names it (items[i]).
func validateItem(p *problems, at fieldPath, it *Item) {
	switch {
	case it.Line <= 0:
		p.add(at.field("line"), "must be greater than 0")
	case it.Line > maxLineNumber:
		p.addf(at.field("line"), "must be at most %d", maxLineNumber)
	}
	p.name(at.leaf("sku"), it.SKU, maxCodeLen, false)
	p.name(at.leaf("model"), it.Model, maxCodeLen, false)
	p.requiredText(at.leaf("description"), it.Description, maxDescriptionLen)
	enum(p, at.leaf("category"), it.Category, categories)

	switch {
	case it.HSCode == "":
		p.add(at.field("hs_code"), "required")
	case !it.HSCode.IsValid():
		p.addf(at.field("hs_code"), "malformed HS code %q: want 6 to 12 digits (build it with ParseHSCode)", strictjson.Truncate(string(it.HSCode), 40))
	}

	switch {
	case it.Quantity <= 0:
		p.add(at.field("quantity"), "must be greater than 0")
	case it.Quantity > maxQuantity:
		p.addf(at.field("quantity"), "must be at most %d", maxQuantity)
	}
	p.amount(at.leaf("unit_value"), it.UnitValue, true, maxMoney)
	if it.NetWeightKg != nil {
		p.amount(at.leaf("net_weight_kg"), *it.NetWeightKg, false, maxWeight)
	}
	enum(p, at.leaf("condition"), it.Condition, conditions)
	p.country(at.leaf("country_of_origin"), it.CountryOfOrigin, true)

	for i, r := range it.Radio {
		switch {
		case !r.IsValid():
			enum(p, at.field("radio").leafAt(i), r, radios)
		case slices.Contains(it.Radio[:i], r):
			p.addf(at.field("radio").at(i), "duplicate radio %q", r)
		}
	}
	if it.Encryption.MassMarket && !it.Encryption.Present {
		p.add(at.field("encryption").field("mass_market"), "must be false when present is false")
	}
	p.name(at.leaf("eccn"), it.ECCN, maxShortLen, false)
	if it.PowerRatingKVA != nil {
		p.amount(at.leaf("power_rating_kva"), *it.PowerRatingKVA, true, maxPowerKVA)
	}
	if it.TPP != nil {
		p.amount(at.leaf("tpp"), *it.TPP, true, maxTPP)
	}
	p.name(at.leaf("tariff_exemption"), it.TariffExemption, maxShortLen, false)

	if len(it.ApprovalsHeld) == 0 {
		return
	}
	held := at.field("approvals_held")
	if len(it.ApprovalsHeld) > maxApprovals {
		p.addf(held, "must list at most %d approvals, not %d", maxApprovals, len(it.ApprovalsHeld))
		return
	}
	for i := range it.ApprovalsHeld {
		a := &it.ApprovalsHeld[i]
		ai := held.at(i)
		p.schemeID(ai.leaf("id"), a.ID)
		p.name(ai.leaf("reference"), a.Reference, maxCodeLen, false)
		if len(a.Models) > maxModels {
			p.addf(ai.field("models"), "must list at most %d models, not %d", maxModels, len(a.Models))
			continue
		}
		if len(a.Models) > 0 {
			models := ai.field("models")
			for j, m := range a.Models {
				p.name(models.leafAt(j), m, maxCodeLen, true)
			}
		}
	}
}

// enum checks that v is one of the valid values.
func enum[T ~string](p *problems, at leafPath, v T, valid []T) {
	if v == "" {
		p.add(at.path(), "required")
		return
	}
	if slices.Contains(valid, v) {
		return
	}
	names := make([]string, len(valid))
	for i, x := range valid {
		names[i] = string(x)
	}
	p.addf(at.path(), "must be one of %s; not %q", strings.Join(names, ", "), strictjson.Truncate(string(v), 40))
}

// requiredText checks text that must be given: not blank, valid UTF-8, at
// most limit characters.
func (p *problems) requiredText(at leafPath, s string, limit int) bool {
	if strings.TrimSpace(s) == "" {
		p.add(at.path(), "required")
		return false
	}
	return p.optionalText(at, s, limit)
}

// optionalText checks text that may be empty: valid UTF-8 (a Shipment
// built in Go can hold any bytes; DecodeShipment reports them first), at
// most limit characters. It reports whether s passed.
func (p *problems) optionalText(at leafPath, s string, limit int) bool {
	if !utf8.ValidString(s) {
		p.add(at.path(), "invalid UTF-8")
		return false
	}
	// A string of at most limit bytes has at most limit runes: skip the count.
	if len(s) > limit && utf8.RuneCountInString(s) > limit {
		p.addf(at.path(), "must be at most %d characters", limit)
		return false
	}
	return true
}

// name checks an identifier or a name (an id, a party name, a sku, a
// reference) as requiredText or optionalText do, and also that it holds no
// control character (ESC among them) and no bidirectional formatting
// character, which would make it print as something it is not.
func (p *problems) name(at leafPath, s string, limit int, required bool) {
	var ok bool
	if required {
		ok = p.requiredText(at, s, limit)
	} else {
		ok = p.optionalText(at, s, limit)
	}
	if !ok {
		return
	}
	if msg, bad := strictjson.UnsafeMessage(s); bad {
		p.add(at.path(), msg)
	}
}

func (p *problems) schemeID(at leafPath, s string) {
	switch {
	case s == "":
		p.add(at.path(), "required")
	case len(s) > maxCodeLen || !schemeForm.MatchString(s):
		p.addf(at.path(), "must be \"<market>.<name>\" in lower case, such as \"br.radar\"; not %q", strictjson.Truncate(s, 40))
	}
}

func (p *problems) country(at leafPath, c Country, required bool) {
	switch {
	case c == "":
		if required {
			p.add(at.path(), "required")
		}
	case !c.IsValid():
		p.addf(at.path(), "unknown country code %q (want ISO 3166-1 alpha-2 in upper case, such as \"BR\")", strictjson.Truncate(string(c), 40))
	}
}

func (p *problems) currency(at leafPath, c Currency) {
	switch {
	case c == "":
		p.add(at.path(), "required")
	case !c.IsValid():
		p.addf(at.path(), "unknown currency code %q (want ISO 4217 in upper case, such as \"USD\")", strictjson.Truncate(string(c), 40))
	}
}

// amount checks 0 <= d < limit, or 0 < d < limit when positive is set.
func (p *problems) amount(at leafPath, d decimal.Decimal, positive bool, limit decimal.Decimal) {
	switch {
	case positive && d.Sign() <= 0:
		p.add(at.path(), "must be greater than 0")
	case d.Sign() < 0:
		p.add(at.path(), "must not be negative")
	case tooLarge(d, limit):
		p.addf(at.path(), "must be less than %s", limit)
	}
}

// tooLarge reports d >= limit for a non-negative d and a positive limit,
// without rescaling a decimal whose exponent is far from the limit's.
func tooLarge(d, limit decimal.Decimal) bool {
	if d.Sign() <= 0 {
		return false
	}
	if c, ok := comparePositive(d, limit); ok {
		return c >= 0
	}
	if d.Exponent() > 40 {
		return true
	}
	if d.Exponent() < -40 {
		return d.Truncate(0).GreaterThanOrEqual(limit)
	}
	return d.GreaterThanOrEqual(limit)
}

// comparePositive compares two positive decimals as Cmp does, but without
// allocating: Cmp multiplies a big.Int whenever the exponents differ. It
// reports false, leaving the comparison to Cmp, when a coefficient has
// more than 18 digits.
func comparePositive(a, b decimal.Decimal) (int, bool) {
	na, nb := a.NumDigits(), b.NumDigits()
	if na > 18 || nb > 18 {
		return 0, false
	}
	// The leading digit of a positive decimal with n digits and exponent e
	// has the place value 10^(n+e-1): the one with the higher place is larger.
	if c := cmp.Compare(int64(na)+int64(a.Exponent()), int64(nb)+int64(b.Exponent())); c != 0 {
		return c, true
	}
	// Same leading place: line the coefficients up on their digits. The
	// shorter one gains at most 17 digits, staying below 10^18 < 2^63.
	ca, cb := a.CoefficientInt64(), b.CoefficientInt64()
	for ; na < nb; na++ {
		ca *= 10
	}
	for ; nb < na; nb++ {
		cb *= 10
	}
	return cmp.Compare(ca, cb), true
}

// A fieldPath names a value inside a shipment: object keys and array
// indices, from the document root. Extending a path copies it, so a path
// never changes once made. The zero value (nil) is the root.
type fieldPath []pathSeg

type pathSeg struct {
	key   string // object key, when index < 0
	index int    // array index, or -1
}

// push returns fp extended by seg, in a new slice.
func (fp fieldPath) push(seg pathSeg) fieldPath { return append(slices.Clip(fp), seg) }

// field names the member name of the object fp names.
func (fp fieldPath) field(name string) fieldPath { return fp.push(pathSeg{key: name, index: -1}) }

// key names the entry name of the map fp names.
func (fp fieldPath) key(name string) fieldPath { return fp.field(name) }

// at names element i of the array fp names.
func (fp fieldPath) at(i int) fieldPath { return fp.push(pathSeg{index: i}) }

// A leafPath names a member or element of the value parent names. The
// checks of single fields take one, and build its path only to report a
// problem: most fields are valid.
type leafPath struct {
	parent fieldPath
	seg    pathSeg
}

// leaf names the member name of the object fp names.
func (fp fieldPath) leaf(name string) leafPath {
	return leafPath{parent: fp, seg: pathSeg{key: name, index: -1}}
}

// leafAt names element i of the array fp names.
func (fp fieldPath) leafAt(i int) leafPath { return leafPath{parent: fp, seg: pathSeg{index: i}} }

// path returns the full path l names.
func (l leafPath) path() fieldPath { return l.parent.push(l.seg) }

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// String renders the path as JSON paths are usually written:
// "items[2].unit_value", "exchange_rates.EUR". A key that is not a plain
// word is quoted: `items[0]["odd key"]`.
func (fp fieldPath) String() string {
	var b strings.Builder
	for _, s := range fp {
		switch {
		case s.index >= 0:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case plainKey.MatchString(s.key):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(strictjson.Truncate(s.key, 60)))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// hasPrefix reports whether fp is q or lies inside q.
func (fp fieldPath) hasPrefix(q fieldPath) bool {
	return len(q) <= len(fp) && slices.Equal(fp[:len(q)], q)
}

// maxProblems caps how many problems one input reports, so that a hostile
// input cannot make the error list itself large.
const maxProblems = 1000

type problem struct {
	path fieldPath
	msg  string
}

// problems collects the FieldErrors of one input.
type problems struct {
	list    []problem
	dropped int
}

func (p *problems) add(at fieldPath, msg string) {
	if len(p.list) >= maxProblems {
		p.dropped++
		return
	}
	p.list = append(p.list, problem{path: at, msg: msg})
}

func (p *problems) addf(at fieldPath, format string, args ...any) {
	p.add(at, fmt.Sprintf(format, args...))
}

// without drops the problems at or inside any path in covered.
func (p *problems) without(covered []problem) {
	p.list = slices.DeleteFunc(p.list, func(x problem) bool {
		return slices.ContainsFunc(covered, func(c problem) bool { return x.path.hasPrefix(c.path) })
	})
}

// err sorts the problems in document order and joins them, or returns nil.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	slices.SortStableFunc(p.list, func(a, b problem) int { return comparePaths(a.path, b.path) })
	if len(p.list) > maxProblems {
		p.dropped += len(p.list) - maxProblems
		p.list = p.list[:maxProblems]
	}
	errs := make([]error, 0, len(p.list)+1)
	for _, x := range p.list {
		errs = append(errs, &FieldError{Path: x.path.String(), Msg: x.msg})
	}
	if p.dropped > 0 {
		errs = append(errs, &FieldError{Msg: fmt.Sprintf("%d more problems not reported", p.dropped)})
	}
	return errors.Join(errs...)
}

// comparePaths orders paths as the fields appear in the Shipment type (so in
// the order of the JSON contract), array elements by index and map keys and
// unknown fields by name.
func comparePaths(pa, pb fieldPath) int {
	t := shipmentType
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, y := pa[i], pb[i]
		var c int
		switch {
		case x.index >= 0 && y.index >= 0:
			c = cmp.Compare(x.index, y.index)
		case x.index >= 0 || y.index >= 0:
			c = cmp.Compare(y.index, x.index) // an index before a key; does not happen in practice
		default:
			c = cmp.Or(cmp.Compare(fieldRank(t, x.key), fieldRank(t, y.key)), strings.Compare(x.key, y.key))
		}
		if c != 0 {
			return c
		}
		t = childType(t, x)
	}
	return cmp.Compare(len(pa), len(pb))
}

var shipmentType = reflect.TypeFor[Shipment]()

// fieldRank returns the position of the field with JSON name key in the
// struct type t, or a rank after every field for an unknown key.
func fieldRank(t reflect.Type, key string) int {
	if f, ok := jsonFields(t)[key]; ok {
		return f.rank
	}
	return 1 << 30
}

func childType(t reflect.Type, s pathSeg) reflect.Type {
	if t == nil {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if s.index >= 0 {
			return t.Elem()
		}
	case reflect.Map:
		return t.Elem()
	case reflect.Struct:
		if f, ok := jsonFields(t)[s.key]; ok {
			return f.typ
		}
	}
	return nil
}

type jsonField struct {
	rank int
	typ  reflect.Type
}

var jsonFieldCache sync.Map // reflect.Type -> map[string]jsonField

func jsonFields(t reflect.Type) map[string]jsonField {
	if t == nil {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	if m, ok := jsonFieldCache.Load(t); ok {
		return m.(map[string]jsonField)
	}
	m := make(map[string]jsonField, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		m[name] = jsonField{rank: i, typ: f.Type}
	}
	jsonFieldCache.Store(t, m)
	return m
}
