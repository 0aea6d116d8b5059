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

	"github.com/shopspring/decimal"
)

// Limits that keep a shipment within what a real consignment looks like and
// what the library can process cheaply. They apply to DecodeShipment and to
// Validate alike.
const (
	maxItems         = 10_000
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
)

// Shipment dates outside this window are surely typing mistakes.
var (
	minShipmentDate = NewDate(2000, 1, 1)
	maxShipmentDate = NewDate(2099, 12, 31)
)

// schemeID is the form of registration schemes and approval ids:
// "<market>.<name>" in lower case, such as "br.radar".
var schemeID = regexp.MustCompile(`^[a-z]{2}\.[a-z0-9_]+$`)

// Validate reports every problem with s, for callers who build a Shipment in
// Go rather than decode it: required fields, codes and enums, quantities,
// amounts and their bounds, line numbers, exchange rates, the destination
// subdivision, and documents (their type, dates, and lines that exist). It returns nil for a valid shipment, else a joined error of
// *FieldError values in document order (see FieldErrors). DecodeShipment
// applies the same rules.
func (s Shipment) Validate() error {
	var p problems
	validateShipment(&p, s)
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

func validateShipment(p *problems, s Shipment) {
	var root fieldPath
	p.requiredText(root.field("id"), s.ID, maxIDLen)

	date := root.field("date")
	switch {
	case s.Date.IsZero():
		p.add(date, "required")
	case s.Date.Before(minShipmentDate) || s.Date.After(maxShipmentDate):
		p.addf(date, "must be between %s and %s", minShipmentDate, maxShipmentDate)
	}

	p.country(root.field("origin"), s.Origin, true)
	p.country(root.field("destination"), s.Destination, true)
	if s.Origin != "" && s.Origin == s.Destination {
		p.addf(root.field("destination"), "must differ from origin (%s): an import crosses a border", s.Origin)
	}
	validateSubdivision(p, root.field("destination_subdivision"), s.Destination, s.DestinationSubdivision)

	enum(p, root.field("incoterm"), s.Incoterm, Incoterms)
	enum(p, root.field("transport_mode"), s.TransportMode, TransportModes)
	p.currency(root.field("currency"), s.Currency)
	validateRates(p, s)

	charges := root.field("charges")
	p.amount(charges.field("origin_inland"), s.Charges.OriginInland, false, maxMoney)
	p.amount(charges.field("freight"), s.Charges.Freight, false, maxMoney)
	p.amount(charges.field("insurance"), s.Charges.Insurance, false, maxMoney)
	p.amount(charges.field("destination_handling"), s.Charges.DestinationHandling, false, maxMoney)
	p.amount(charges.field("destination_inland"), s.Charges.DestinationInland, false, maxMoney)

	validateParty(p, root.field("exporter"), s.Exporter)
	validateParty(p, root.field("importer_of_record"), s.ImporterOfRecord)
	validateParty(p, root.field("end_user"), s.EndUser)

	items := root.field("items")
	switch {
	case len(s.Items) == 0:
		p.add(items, "required: at least one item")
		return
	case len(s.Items) > maxItems:
		p.addf(items, "must list at most %d items, not %d", maxItems, len(s.Items))
		return
	}
	firstLine := make(map[int]int, len(s.Items))
	for i, it := range s.Items {
		at := items.at(i)
		validateItem(p, at, it)
		if it.Line <= 0 {
			continue
		}
		if j, dup := firstLine[it.Line]; dup {
			p.addf(at.field("line"), "duplicate line number %d (also %s)", it.Line, items.at(j).field("line"))
			continue
		}
		firstLine[it.Line] = i
	}
	validateDocuments(p, s.Documents, firstLine)
}

// validateDocuments checks the documents in hand; lines maps each item line
// number to its index.
func validateDocuments(p *problems, docs []Document, lines map[int]int) {
	at := fieldPath{}.field("documents")
	if len(docs) > maxDocuments {
		p.addf(at, "must list at most %d documents, not %d", maxDocuments, len(docs))
		return
	}
	for i, doc := range docs {
		di := at.at(i)
		enum(p, di.field("type"), doc.Type, DocumentTypes)
		p.optionalText(di.field("reference"), doc.Reference, maxCodeLen)
		if !doc.Date.IsZero() && (doc.Date.Before(minShipmentDate) || doc.Date.After(maxShipmentDate)) {
			p.addf(di.field("date"), "must be between %s and %s", minShipmentDate, maxShipmentDate)
		}
		models := di.field("models")
		if len(doc.Models) > maxModels {
			p.addf(models, "must list at most %d models, not %d", maxModels, len(doc.Models))
		} else {
			for j, m := range doc.Models {
				p.requiredText(models.at(j), m, maxCodeLen)
			}
		}
		dl := di.field("lines")
		if len(doc.Lines) > maxItems {
			p.addf(dl, "must list at most %d lines, not %d", maxItems, len(doc.Lines))
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
		at := rates.key(string(c))
		if !c.IsValid() {
			p.addf(at, "unknown currency code %q (want ISO 4217 in upper case, such as \"USD\")", truncate(string(c), 40))
			continue
		}
		rate := s.ExchangeRates[c]
		if c == local && local != "" {
			if !rate.Equal(decimal.NewFromInt(1)) {
				p.addf(at, "must be 1 or left out: %s is the currency of %s", c, s.Destination)
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

func validateSubdivision(p *problems, at fieldPath, dest Country, sub Subdivision) {
	if sub == "" {
		if SubdivisionRequired(dest) {
			p.addf(at, "required: the taxes of %s depend on it (an ISO 3166-2 code such as %q)", dest, subdivisionExample(dest))
		}
		return
	}
	if !subdivisionForm.MatchString(string(sub)) {
		p.addf(at, "malformed subdivision %q (want an ISO 3166-2 code such as \"BR-SP\")", truncate(string(sub), 40))
		return
	}
	if dest.IsValid() && sub.Country() != dest {
		p.addf(at, "must be a subdivision of the destination %s, not %q", dest, sub)
		return
	}
	if known := Subdivisions(sub.Country()); known != nil && !slices.Contains(known, sub) {
		p.addf(at, "unknown subdivision %q of %s (want a code such as %q)", sub, sub.Country(), subdivisionExample(sub.Country()))
	}
}

// subdivisionExample is the subdivision an error message shows as an example.
func subdivisionExample(c Country) Subdivision {
	if c == "BR" {
		return "BR-SP"
	}
	if known := Subdivisions(c); len(known) > 0 {
		return known[0]
	}
	return Subdivision(string(c) + "-01")
}

func validateParty(p *problems, at fieldPath, party Party) {
	p.requiredText(at.field("name"), party.Name, maxNameLen)
	p.country(at.field("country"), party.Country, true)
	p.country(at.field("headquarters_country"), party.HeadquartersCountry, false)
	regs := at.field("registrations")
	if len(party.Registrations) > maxRegistrations {
		p.addf(regs, "must list at most %d registrations, not %d", maxRegistrations, len(party.Registrations))
		return
	}
	for i, r := range party.Registrations {
		ri := regs.at(i)
		p.schemeID(ri.field("scheme"), r.Scheme)
		p.requiredText(ri.field("id"), r.ID, maxCodeLen)
		p.optionalText(ri.field("level"), r.Level, maxCodeLen)
	}
}

func validateItem(p *problems, at fieldPath, it Item) {
	line := at.field("line")
	switch {
	case it.Line <= 0:
		p.add(line, "must be greater than 0")
	case it.Line > maxLineNumber:
		p.addf(line, "must be at most %d", maxLineNumber)
	}
	p.optionalText(at.field("sku"), it.SKU, maxCodeLen)
	p.optionalText(at.field("model"), it.Model, maxCodeLen)
	p.requiredText(at.field("description"), it.Description, maxDescriptionLen)
	enum(p, at.field("category"), it.Category, Categories)

	hs := at.field("hs_code")
	switch {
	case it.HSCode == "":
		p.add(hs, "required")
	case !it.HSCode.IsValid():
		p.addf(hs, "malformed HS code %q: want 6 to 12 digits (build it with ParseHSCode)", truncate(string(it.HSCode), 40))
	}

	qty := at.field("quantity")
	switch {
	case it.Quantity <= 0:
		p.add(qty, "must be greater than 0")
	case it.Quantity > maxQuantity:
		p.addf(qty, "must be at most %d", maxQuantity)
	}
	p.amount(at.field("unit_value"), it.UnitValue, true, maxMoney)
	p.amount(at.field("net_weight_kg"), it.NetWeightKg, false, maxWeight)
	enum(p, at.field("condition"), it.Condition, Conditions)
	p.country(at.field("country_of_origin"), it.CountryOfOrigin, true)

	radios := at.field("radio")
	for i, r := range it.Radio {
		switch {
		case !r.IsValid():
			enum(p, radios.at(i), r, Radios)
		case slices.Contains(it.Radio[:i], r):
			p.addf(radios.at(i), "duplicate radio %q", r)
		}
	}
	if it.Encryption.MassMarket && !it.Encryption.Present {
		p.add(at.field("encryption").field("mass_market"), "must be false when present is false")
	}
	p.optionalText(at.field("eccn"), it.ECCN, maxShortLen)
	if it.TPP != nil {
		p.amount(at.field("tpp"), *it.TPP, true, maxTPP)
	}
	p.optionalText(at.field("tariff_exemption"), it.TariffExemption, maxShortLen)

	held := at.field("approvals_held")
	if len(it.ApprovalsHeld) > maxApprovals {
		p.addf(held, "must list at most %d approvals, not %d", maxApprovals, len(it.ApprovalsHeld))
		return
	}
	for i, a := range it.ApprovalsHeld {
		ai := held.at(i)
		p.schemeID(ai.field("id"), a.ID)
		p.optionalText(ai.field("reference"), a.Reference, maxCodeLen)
		models := ai.field("models")
		if len(a.Models) > maxModels {
			p.addf(models, "must list at most %d models, not %d", maxModels, len(a.Models))
			continue
		}
		for j, m := range a.Models {
			p.requiredText(models.at(j), m, maxCodeLen)
		}
	}
}

// enum checks that v is one of the valid values.
func enum[T ~string](p *problems, at fieldPath, v T, valid []T) {
	if v == "" {
		p.add(at, "required")
		return
	}
	if slices.Contains(valid, v) {
		return
	}
	names := make([]string, len(valid))
	for i, x := range valid {
		names[i] = string(x)
	}
	p.addf(at, "must be one of %s; not %q", strings.Join(names, ", "), truncate(string(v), 40))
}

func (p *problems) requiredText(at fieldPath, s string, limit int) {
	if strings.TrimSpace(s) == "" {
		p.add(at, "required")
		return
	}
	p.optionalText(at, s, limit)
}

func (p *problems) optionalText(at fieldPath, s string, limit int) {
	if utf8.RuneCountInString(s) > limit {
		p.addf(at, "must be at most %d characters", limit)
	}
}

func (p *problems) schemeID(at fieldPath, s string) {
	switch {
	case s == "":
		p.add(at, "required")
	case len(s) > maxCodeLen || !schemeID.MatchString(s):
		p.addf(at, "must be \"<market>.<name>\" in lower case, such as \"br.radar\"; not %q", truncate(s, 40))
	}
}

func (p *problems) country(at fieldPath, c Country, required bool) {
	switch {
	case c == "":
		if required {
			p.add(at, "required")
		}
	case !c.IsValid():
		p.addf(at, "unknown country code %q (want ISO 3166-1 alpha-2 in upper case, such as \"BR\")", truncate(string(c), 40))
	}
}

func (p *problems) currency(at fieldPath, c Currency) {
	switch {
	case c == "":
		p.add(at, "required")
	case !c.IsValid():
		p.addf(at, "unknown currency code %q (want ISO 4217 in upper case, such as \"USD\")", truncate(string(c), 40))
	}
}

// amount checks 0 <= d < limit, or 0 < d < limit when positive is set.
func (p *problems) amount(at fieldPath, d decimal.Decimal, positive bool, limit decimal.Decimal) {
	switch {
	case positive && d.Sign() <= 0:
		p.add(at, "must be greater than 0")
	case d.Sign() < 0:
		p.add(at, "must not be negative")
	case tooLarge(d, limit):
		p.addf(at, "must be less than %s", limit)
	}
}

// tooLarge reports d >= limit for a non-negative d, without rescaling a
// decimal whose exponent is far from the limit's.
func tooLarge(d, limit decimal.Decimal) bool {
	if d.Sign() <= 0 {
		return false
	}
	if d.Exponent() > 40 {
		return true
	}
	if d.Exponent() < -40 {
		return d.Truncate(0).GreaterThanOrEqual(limit)
	}
	return d.GreaterThanOrEqual(limit)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// A fieldPath names a value inside a shipment: object keys and array
// indices, from the document root. Validation names thousands of fields of
// which few are wrong, so extending a path by its last segment allocates
// nothing: the segment is kept aside and only pushed onto the shared,
// immutable prefix when the path is extended again. The zero value is the
// root.
type fieldPath struct {
	prefix  *pathNode // the segments before leaf, shared between paths
	leaf    pathSeg
	hasLeaf bool
}

type pathNode struct {
	parent *pathNode
	seg    pathSeg
	depth  int
}

type pathSeg struct {
	key   string // object key, when index < 0
	index int    // array index, or -1
}

// materialized returns fp with its leaf pushed onto the prefix.
func (fp fieldPath) materialized() fieldPath {
	if !fp.hasLeaf {
		return fp
	}
	depth := 1
	if fp.prefix != nil {
		depth = fp.prefix.depth + 1
	}
	return fieldPath{prefix: &pathNode{parent: fp.prefix, seg: fp.leaf, depth: depth}}
}

func (fp fieldPath) field(name string) fieldPath {
	return fieldPath{prefix: fp.materialized().prefix, leaf: pathSeg{key: name, index: -1}, hasLeaf: true}
}

func (fp fieldPath) key(name string) fieldPath { return fp.field(name) }

// at names an array element. Elements are containers whose fields are
// named next, so the element is materialized at once.
func (fp fieldPath) at(i int) fieldPath {
	return fieldPath{prefix: fp.materialized().prefix, leaf: pathSeg{index: i}, hasLeaf: true}.materialized()
}

// segments returns the path's segments from the root.
func (fp fieldPath) segments() []pathSeg {
	n := 0
	if fp.prefix != nil {
		n = fp.prefix.depth
	}
	if fp.hasLeaf {
		n++
	}
	segs := make([]pathSeg, n)
	i := n - 1
	if fp.hasLeaf {
		segs[i] = fp.leaf
		i--
	}
	for node := fp.prefix; node != nil; node = node.parent {
		segs[i] = node.seg
		i--
	}
	return segs
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// String renders the path as JSON paths are usually written:
// "items[2].unit_value", "exchange_rates.EUR". A key that is not a plain
// word is quoted: `items[0]["odd key"]`.
func (fp fieldPath) String() string {
	var b strings.Builder
	for _, s := range fp.segments() {
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
			b.WriteString(strconv.Quote(truncate(s.key, 60)))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// hasPrefix reports whether fp is q or lies inside q.
func (fp fieldPath) hasPrefix(q fieldPath) bool {
	a, b := fp.segments(), q.segments()
	return len(b) <= len(a) && slices.Equal(a[:len(b)], b)
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
	a, b := pa.segments(), pb.segments()
	t := shipmentType
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
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
	return cmp.Compare(len(a), len(b))
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
