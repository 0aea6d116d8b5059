package policy

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/exact"
)

// The records policies read. Each is built once per evaluation (shipment,
// parties, declaration) or once per line/group, and exposed to CEL through
// objectType getters, without reflection.

// shipmentView is what `shipment` refers to.
type shipmentView struct {
	s        *iorules.Shipment
	date     types.String
	items    ref.Val
	exporter *iorules.Party
	importer *iorules.Party
	endUser  *iorules.Party
}

// lineValues are the customs values of one line, or of one declaration
// group in tax expressions, in the destination currency.
type lineValues struct {
	CustomsValue exact.Dec
	InvoiceValue exact.Dec
	FOBValue     exact.Dec
	Freight      exact.Dec
	Insurance    exact.Dec
	Quantity     int64
	NetWeightKg  exact.Dec
	// unvalued is set when the shipment could not be valued: reading a
	// money value is then a missing fact, not 0.
	unvalued *unvalued
	// weightMissing says which lines state no net weight; reading the
	// weight is then a missing fact.
	weightMissing string
}

func (l *lineValues) add(o lineValues) {
	l.CustomsValue = l.CustomsValue.Add(o.CustomsValue)
	l.InvoiceValue = l.InvoiceValue.Add(o.InvoiceValue)
	l.FOBValue = l.FOBValue.Add(o.FOBValue)
	l.Freight = l.Freight.Add(o.Freight)
	l.Insurance = l.Insurance.Add(o.Insurance)
	l.Quantity += o.Quantity
	l.NetWeightKg = l.NetWeightKg.Add(o.NetWeightKg)
	if l.unvalued == nil {
		l.unvalued = o.unvalued
	}
	switch {
	case o.weightMissing == "":
	case l.weightMissing == "":
		l.weightMissing = o.weightMissing
	default:
		l.weightMissing = joinMissingWeights(l.weightMissing, o.weightMissing)
	}
}

// declarationValues are shipment-wide figures in the destination currency.
type declarationValues struct {
	lineValues
	DestinationHandling exact.Dec
	DestinationInland   exact.Dec
	ExchangeRate        exact.Dec
	Groups              int64
	Lines               int64
	// inShipmentCurrency values the shipment in its own currency, which
	// needs no exchange rate, on first use.
	inShipmentCurrency func() ref.Val
}

func stringList(adapter types.Adapter, in []iorules.Radio) ref.Val {
	out := make([]string, len(in))
	for i, r := range in {
		out[i] = string(r)
	}
	return types.NewStringList(adapter, out)
}

// modelTypeOf names the CEL record type of each type of the shipment model
// that CEL exposes (the shipment itself through shipmentView).
var modelTypeOf = map[reflect.Type]string{
	reflect.TypeFor[iorules.Shipment]():     "iorules.Shipment",
	reflect.TypeFor[iorules.Item]():         "iorules.Item",
	reflect.TypeFor[iorules.Party]():        "iorules.Party",
	reflect.TypeFor[iorules.Document]():     "iorules.Document",
	reflect.TypeFor[iorules.Registration](): "iorules.Registration",
	reflect.TypeFor[iorules.Encryption]():   "iorules.Encryption",
}

// modelRenamed are the fields of the shipment model that CEL exposes under
// another name than their JSON key, as "Type.json_key": CEL name.
var modelRenamed = map[string]string{
	"Shipment.importer_of_record": "importer",
}

// modelExcluded are the fields of the shipment model that CEL deliberately
// does not expose, as "Type.json_key", with why. A field of the model is
// either exposed by modelTypes or listed here (TestCELModelCoversShipment).
var modelExcluded = map[string]string{
	"Shipment.charges":    "valued: policies read freight, insurance and the destination costs in the market's currency as line.* and declaration.* values",
	"Party.ownership":     "read by export-control screening (exportctl), which the decision carries; no market rule turns on it",
	"Item.approvals_held": "read through held(id), which applies the validity date and the models a certificate covers (approvals.LineStatus)",
}

// modelTypes declares the record types and their fields. adapter turns
// nested Go values into CEL values.
func modelTypes(adapter types.Adapter) []*objectType {
	D := decimalType
	party := types.NewObjectType("iorules.Party")
	registration := types.NewObjectType("iorules.Registration")
	encryption := types.NewObjectType("iorules.Encryption")
	item := types.NewObjectType("iorules.Item")
	document := types.NewObjectType("iorules.Document")
	type view = shipmentView // what `shipment` refers to

	return []*objectType{
		newObjectType("iorules.Shipment",
			strField("id", func(v *view) string { return v.s.ID }),
			strField("date", func(v *view) string { return string(v.date) }),
			strField("origin", func(v *view) string { return string(v.s.Origin) }),
			strField("destination", func(v *view) string { return string(v.s.Destination) }),
			strField("destination_subdivision", func(v *view) string { return string(v.s.DestinationSubdivision) }),
			strField("incoterm", func(v *view) string { return string(v.s.Incoterm) }),
			strField("transport_mode", func(v *view) string { return string(v.s.TransportMode) }),
			strField("currency", func(v *view) string { return string(v.s.Currency) }),
			objectField[view]{name: "exporter", typ: party, get: func(v *view) ref.Val { return adapter.NativeToValue(v.exporter) }},
			objectField[view]{name: "importer", typ: party, get: func(v *view) ref.Val { return adapter.NativeToValue(v.importer) }},
			objectField[view]{name: "end_user", typ: party, get: func(v *view) ref.Val { return adapter.NativeToValue(v.endUser) }},
			objectField[view]{name: "items", typ: types.NewListType(item), get: func(v *view) ref.Val { return v.items }},
			// exchange_rates: units of the destination's currency per one
			// unit of each currency, as the shipment gives them.
			objectField[view]{name: "exchange_rates", typ: types.NewMapType(types.StringType, D), get: func(v *view) ref.Val {
				rates := make(map[ref.Val]ref.Val, len(v.s.ExchangeRates))
				for c, r := range v.s.ExchangeRates {
					rates[types.String(c)] = decimalVal(r)
				}
				return types.NewRefValMap(adapter, rates)
			}},
			boolField("related_party", func(v *view) bool { return v.s.RelatedParty }),
			objectField[view]{name: "documents", typ: types.NewListType(document), get: func(v *view) ref.Val {
				vals := make([]ref.Val, len(v.s.Documents))
				for i := range v.s.Documents {
					vals[i] = adapter.NativeToValue(&v.s.Documents[i])
				}
				return types.NewRefValList(adapter, vals)
			}},
		),
		newObjectType("iorules.Document",
			strField("type", func(d *iorules.Document) string { return string(d.Type) }),
			strField("reference", func(d *iorules.Document) string { return d.Reference }),
			strField("date", func(d *iorules.Document) string { return d.Date.String() }),
			objectField[iorules.Document]{name: "models", typ: types.NewListType(types.StringType), get: func(d *iorules.Document) ref.Val {
				return types.NewStringList(adapter, d.Models)
			}},
			objectField[iorules.Document]{name: "lines", typ: types.NewListType(types.IntType), get: func(d *iorules.Document) ref.Val {
				lines := make([]int64, len(d.Lines))
				for i, l := range d.Lines {
					lines[i] = int64(l)
				}
				return types.NewDynamicList(adapter, lines)
			}},
		),
		newObjectType("iorules.Party",
			strField("name", func(p *iorules.Party) string { return p.Name }),
			strField("country", func(p *iorules.Party) string { return string(p.Country) }),
			strField("headquarters_country", func(p *iorules.Party) string { return string(p.HeadquartersCountry) }),
			objectField[iorules.Party]{name: "registrations", typ: types.NewListType(registration), get: func(p *iorules.Party) ref.Val {
				vals := make([]ref.Val, len(p.Registrations))
				for i := range p.Registrations {
					vals[i] = adapter.NativeToValue(&p.Registrations[i])
				}
				return types.NewRefValList(adapter, vals)
			}},
		),
		newObjectType("iorules.Registration",
			strField("scheme", func(r *iorules.Registration) string { return r.Scheme }),
			strField("id", func(r *iorules.Registration) string { return r.ID }),
			strField("level", func(r *iorules.Registration) string { return r.Level }),
			strField("valid_until", func(r *iorules.Registration) string { return r.ValidUntil.String() }),
		),
		newObjectType("iorules.Encryption",
			boolField("present", func(e *iorules.Encryption) bool { return e.Present }),
			boolField("mass_market", func(e *iorules.Encryption) bool { return e.MassMarket }),
		),
		newObjectType("iorules.Item",
			intField("line", func(it *iorules.Item) int64 { return int64(it.Line) }),
			strField("sku", func(it *iorules.Item) string { return it.SKU }),
			strField("model", func(it *iorules.Item) string { return it.Model }),
			strField("description", func(it *iorules.Item) string { return it.Description }),
			strField("category", func(it *iorules.Item) string { return string(it.Category) }),
			strField("hs_code", func(it *iorules.Item) string { return it.HSCode.Digits() }),
			strField("hs6", func(it *iorules.Item) string { return it.HSCode.HS6() }),
			strField("hs4", func(it *iorules.Item) string { return it.HSCode.HS4() }),
			intField("quantity", func(it *iorules.Item) int64 { return int64(it.Quantity) }),
			decField("unit_value", func(it *iorules.Item) (exact.Dec, ref.Val) { return exact.FromDecimal(it.UnitValue), nil }),
			decField("net_weight_kg", func(it *iorules.Item) (exact.Dec, ref.Val) {
				if it.NetWeightKg == nil {
					return exact.Dec{}, unknown("item.net_weight_kg", fmt.Sprintf("line %d states no net weight", it.Line),
						fmt.Sprintf("the net weight in kilograms of one unit of line %d (items[].net_weight_kg)", it.Line))
				}
				return exact.FromDecimal(*it.NetWeightKg), nil
			}),
			strField("condition", func(it *iorules.Item) string { return string(it.Condition) }),
			strField("country_of_origin", func(it *iorules.Item) string { return string(it.CountryOfOrigin) }),
			objectField[iorules.Item]{name: "radio", typ: types.NewListType(types.StringType), get: func(it *iorules.Item) ref.Val { return stringList(adapter, it.Radio) }},
			objectField[iorules.Item]{name: "encryption", typ: encryption, get: func(it *iorules.Item) ref.Val { return adapter.NativeToValue(&it.Encryption) }},
			strField("eccn", func(it *iorules.Item) string { return it.ECCN }),
			boolField("has_power_rating", func(it *iorules.Item) bool { return it.PowerRatingKVA != nil }),
			decField("power_rating_kva", func(it *iorules.Item) (exact.Dec, ref.Val) {
				if it.PowerRatingKVA == nil {
					return exact.Dec{}, unknown("item.power_rating_kva", fmt.Sprintf("line %d states no power rating", it.Line),
						fmt.Sprintf("the rated output in kVA of line %d (items[].power_rating_kva)", it.Line))
				}
				return exact.FromDecimal(*it.PowerRatingKVA), nil
			}),
			boolField("has_tpp", func(it *iorules.Item) bool { return it.TPP != nil }),
			decField("tpp", func(it *iorules.Item) (exact.Dec, ref.Val) {
				if it.TPP == nil {
					return exact.Dec{}, unknown("item.tpp", fmt.Sprintf("line %d states no total processing performance (TPP)", it.Line),
						fmt.Sprintf("items[line %d].tpp, the TPP of the accelerator (or test item.has_tpp in the policy)", it.Line))
				}
				return exact.FromDecimal(*it.TPP), nil
			}),
			strField("tariff_exemption", func(it *iorules.Item) string { return it.TariffExemption }),
		),
		newObjectType("iorules.LineValues",
			moneyField("line", "customs_value", func(l *lineValues) (*unvalued, exact.Dec) { return l.unvalued, l.CustomsValue }),
			moneyField("line", "invoice_value", func(l *lineValues) (*unvalued, exact.Dec) { return l.unvalued, l.InvoiceValue }),
			moneyField("line", "fob_value", func(l *lineValues) (*unvalued, exact.Dec) { return l.unvalued, l.FOBValue }),
			moneyField("line", "freight", func(l *lineValues) (*unvalued, exact.Dec) { return l.unvalued, l.Freight }),
			moneyField("line", "insurance", func(l *lineValues) (*unvalued, exact.Dec) { return l.unvalued, l.Insurance }),
			intField("quantity", func(l *lineValues) int64 { return l.Quantity }),
			decField("net_weight_kg", func(l *lineValues) (exact.Dec, ref.Val) {
				if l.weightMissing != "" {
					return exact.Dec{}, unknown("line.net_weight_kg", l.weightMissing, "the net weight of every line (items[].net_weight_kg)")
				}
				return l.NetWeightKg, nil
			}),
		),
		newObjectType("iorules.Declaration",
			moneyField("declaration", "customs_value", func(d *declarationValues) (*unvalued, exact.Dec) { return d.unvalued, d.CustomsValue }),
			moneyField("declaration", "invoice_value", func(d *declarationValues) (*unvalued, exact.Dec) { return d.unvalued, d.InvoiceValue }),
			moneyField("declaration", "fob_value", func(d *declarationValues) (*unvalued, exact.Dec) { return d.unvalued, d.FOBValue }),
			moneyField("declaration", "freight", func(d *declarationValues) (*unvalued, exact.Dec) { return d.unvalued, d.Freight }),
			moneyField("declaration", "insurance", func(d *declarationValues) (*unvalued, exact.Dec) { return d.unvalued, d.Insurance }),
			moneyField("declaration", "destination_handling", func(d *declarationValues) (*unvalued, exact.Dec) { return d.unvalued, d.DestinationHandling }),
			moneyField("declaration", "destination_inland", func(d *declarationValues) (*unvalued, exact.Dec) { return d.unvalued, d.DestinationInland }),
			moneyField("declaration", "exchange_rate", func(d *declarationValues) (*unvalued, exact.Dec) { return d.unvalued, d.ExchangeRate }),
			objectField[declarationValues]{name: "customs_value_in_shipment_currency", typ: D, get: func(d *declarationValues) ref.Val {
				return d.inShipmentCurrency()
			}},
			intField("groups", func(d *declarationValues) int64 { return d.Groups }),
			intField("lines", func(d *declarationValues) int64 { return d.Lines }),
		),
	}
}

// joinMissingWeights merges two "line N states no net weight" notes of a
// group or declaration into one naming every line.
func joinMissingWeights(a, b string) string {
	const prefix, suffix = "line ", " states no net weight"
	trim := func(s string) string {
		s = strings.TrimSuffix(s, suffix)
		if rest, ok := strings.CutPrefix(s, "lines "); ok {
			return rest
		}
		return strings.TrimPrefix(s, prefix)
	}
	return "lines " + trim(a) + ", " + trim(b) + suffix
}
