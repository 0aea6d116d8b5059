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

func str(s string) ref.Val { return types.String(s) }

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
	S, I, B, D := types.StringType, types.IntType, types.BoolType, decimalType
	party := types.NewObjectType("iorules.Party")
	registration := types.NewObjectType("iorules.Registration")
	encryption := types.NewObjectType("iorules.Encryption")
	item := types.NewObjectType("iorules.Item")
	document := types.NewObjectType("iorules.Document")

	return []*objectType{
		newObjectType("iorules.Shipment",
			objectField[shipmentView]{"id", S, func(v *shipmentView) ref.Val { return str(v.s.ID) }},
			objectField[shipmentView]{"date", S, func(v *shipmentView) ref.Val { return v.date }},
			objectField[shipmentView]{"origin", S, func(v *shipmentView) ref.Val { return str(string(v.s.Origin)) }},
			objectField[shipmentView]{"destination", S, func(v *shipmentView) ref.Val { return str(string(v.s.Destination)) }},
			objectField[shipmentView]{"destination_subdivision", S, func(v *shipmentView) ref.Val { return str(string(v.s.DestinationSubdivision)) }},
			objectField[shipmentView]{"incoterm", S, func(v *shipmentView) ref.Val { return str(string(v.s.Incoterm)) }},
			objectField[shipmentView]{"transport_mode", S, func(v *shipmentView) ref.Val { return str(string(v.s.TransportMode)) }},
			objectField[shipmentView]{"currency", S, func(v *shipmentView) ref.Val { return str(string(v.s.Currency)) }},
			objectField[shipmentView]{"exporter", party, func(v *shipmentView) ref.Val { return adapter.NativeToValue(v.exporter) }},
			objectField[shipmentView]{"importer", party, func(v *shipmentView) ref.Val { return adapter.NativeToValue(v.importer) }},
			objectField[shipmentView]{"end_user", party, func(v *shipmentView) ref.Val { return adapter.NativeToValue(v.endUser) }},
			objectField[shipmentView]{"items", types.NewListType(item), func(v *shipmentView) ref.Val { return v.items }},
			// exchange_rates: units of the destination's currency per one
			// unit of each currency, as the shipment gives them.
			objectField[shipmentView]{"exchange_rates", types.NewMapType(S, D), func(v *shipmentView) ref.Val {
				rates := make(map[ref.Val]ref.Val, len(v.s.ExchangeRates))
				for c, r := range v.s.ExchangeRates {
					rates[types.String(c)] = decimalVal(r)
				}
				return types.NewRefValMap(adapter, rates)
			}},
			objectField[shipmentView]{"related_party", B, func(v *shipmentView) ref.Val { return types.Bool(v.s.RelatedParty) }},
			objectField[shipmentView]{"documents", types.NewListType(document), func(v *shipmentView) ref.Val {
				vals := make([]ref.Val, len(v.s.Documents))
				for i := range v.s.Documents {
					vals[i] = adapter.NativeToValue(&v.s.Documents[i])
				}
				return types.NewRefValList(adapter, vals)
			}},
		),
		newObjectType("iorules.Document",
			objectField[iorules.Document]{"type", S, func(d *iorules.Document) ref.Val { return str(string(d.Type)) }},
			objectField[iorules.Document]{"reference", S, func(d *iorules.Document) ref.Val { return str(d.Reference) }},
			objectField[iorules.Document]{"date", S, func(d *iorules.Document) ref.Val { return str(d.Date.String()) }},
			objectField[iorules.Document]{"models", types.NewListType(S), func(d *iorules.Document) ref.Val {
				return types.NewStringList(adapter, d.Models)
			}},
			objectField[iorules.Document]{"lines", types.NewListType(I), func(d *iorules.Document) ref.Val {
				lines := make([]int64, len(d.Lines))
				for i, l := range d.Lines {
					lines[i] = int64(l)
				}
				return types.NewDynamicList(adapter, lines)
			}},
		),
		newObjectType("iorules.Party",
			objectField[iorules.Party]{"name", S, func(p *iorules.Party) ref.Val { return str(p.Name) }},
			objectField[iorules.Party]{"country", S, func(p *iorules.Party) ref.Val { return str(string(p.Country)) }},
			objectField[iorules.Party]{"headquarters_country", S, func(p *iorules.Party) ref.Val { return str(string(p.HeadquartersCountry)) }},
			objectField[iorules.Party]{"registrations", types.NewListType(registration), func(p *iorules.Party) ref.Val {
				vals := make([]ref.Val, len(p.Registrations))
				for i := range p.Registrations {
					vals[i] = adapter.NativeToValue(&p.Registrations[i])
				}
				return types.NewRefValList(adapter, vals)
			}},
		),
		newObjectType("iorules.Registration",
			objectField[iorules.Registration]{"scheme", S, func(r *iorules.Registration) ref.Val { return str(r.Scheme) }},
			objectField[iorules.Registration]{"id", S, func(r *iorules.Registration) ref.Val { return str(r.ID) }},
			objectField[iorules.Registration]{"level", S, func(r *iorules.Registration) ref.Val { return str(r.Level) }},
			objectField[iorules.Registration]{"valid_until", S, func(r *iorules.Registration) ref.Val { return str(r.ValidUntil.String()) }},
		),
		newObjectType("iorules.Encryption",
			objectField[iorules.Encryption]{"present", B, func(e *iorules.Encryption) ref.Val { return types.Bool(e.Present) }},
			objectField[iorules.Encryption]{"mass_market", B, func(e *iorules.Encryption) ref.Val { return types.Bool(e.MassMarket) }},
		),
		newObjectType("iorules.Item",
			objectField[iorules.Item]{"line", I, func(it *iorules.Item) ref.Val { return types.Int(it.Line) }},
			objectField[iorules.Item]{"sku", S, func(it *iorules.Item) ref.Val { return str(it.SKU) }},
			objectField[iorules.Item]{"model", S, func(it *iorules.Item) ref.Val { return str(it.Model) }},
			objectField[iorules.Item]{"description", S, func(it *iorules.Item) ref.Val { return str(it.Description) }},
			objectField[iorules.Item]{"category", S, func(it *iorules.Item) ref.Val { return str(string(it.Category)) }},
			objectField[iorules.Item]{"hs_code", S, func(it *iorules.Item) ref.Val { return str(it.HSCode.Digits()) }},
			objectField[iorules.Item]{"hs6", S, func(it *iorules.Item) ref.Val { return str(it.HSCode.HS6()) }},
			objectField[iorules.Item]{"hs4", S, func(it *iorules.Item) ref.Val { return str(it.HSCode.HS4()) }},
			objectField[iorules.Item]{"quantity", I, func(it *iorules.Item) ref.Val { return types.Int(it.Quantity) }},
			objectField[iorules.Item]{"unit_value", D, func(it *iorules.Item) ref.Val { return decimalVal(it.UnitValue) }},
			objectField[iorules.Item]{"net_weight_kg", D, func(it *iorules.Item) ref.Val {
				if it.NetWeightKg == nil {
					return unknown("item.net_weight_kg", fmt.Sprintf("line %d states no net weight", it.Line),
						fmt.Sprintf("the net weight in kilograms of one unit of line %d (items[].net_weight_kg)", it.Line))
				}
				return decimalVal(*it.NetWeightKg)
			}},
			objectField[iorules.Item]{"condition", S, func(it *iorules.Item) ref.Val { return str(string(it.Condition)) }},
			objectField[iorules.Item]{"country_of_origin", S, func(it *iorules.Item) ref.Val { return str(string(it.CountryOfOrigin)) }},
			objectField[iorules.Item]{"radio", types.NewListType(S), func(it *iorules.Item) ref.Val { return stringList(adapter, it.Radio) }},
			objectField[iorules.Item]{"encryption", encryption, func(it *iorules.Item) ref.Val { return adapter.NativeToValue(&it.Encryption) }},
			objectField[iorules.Item]{"eccn", S, func(it *iorules.Item) ref.Val { return str(it.ECCN) }},
			objectField[iorules.Item]{"has_power_rating", B, func(it *iorules.Item) ref.Val { return types.Bool(it.PowerRatingKVA != nil) }},
			objectField[iorules.Item]{"power_rating_kva", D, func(it *iorules.Item) ref.Val {
				if it.PowerRatingKVA == nil {
					return unknown("item.power_rating_kva", fmt.Sprintf("line %d states no power rating", it.Line),
						fmt.Sprintf("the rated output in kVA of line %d (items[].power_rating_kva)", it.Line))
				}
				return decimalVal(*it.PowerRatingKVA)
			}},
			objectField[iorules.Item]{"has_tpp", B, func(it *iorules.Item) ref.Val { return types.Bool(it.TPP != nil) }},
			objectField[iorules.Item]{"tpp", D, func(it *iorules.Item) ref.Val {
				if it.TPP == nil {
					return unknown("item.tpp", fmt.Sprintf("line %d states no total processing performance (TPP)", it.Line),
						fmt.Sprintf("items[line %d].tpp, the TPP of the accelerator (or test item.has_tpp in the policy)", it.Line))
				}
				return decimalVal(*it.TPP)
			}},
			objectField[iorules.Item]{"tariff_exemption", S, func(it *iorules.Item) ref.Val { return str(it.TariffExemption) }},
		),
		newObjectType("iorules.LineValues",
			objectField[lineValues]{"customs_value", D, func(l *lineValues) ref.Val { return money(l.unvalued, "line.customs_value", l.CustomsValue) }},
			objectField[lineValues]{"invoice_value", D, func(l *lineValues) ref.Val { return money(l.unvalued, "line.invoice_value", l.InvoiceValue) }},
			objectField[lineValues]{"fob_value", D, func(l *lineValues) ref.Val { return money(l.unvalued, "line.fob_value", l.FOBValue) }},
			objectField[lineValues]{"freight", D, func(l *lineValues) ref.Val { return money(l.unvalued, "line.freight", l.Freight) }},
			objectField[lineValues]{"insurance", D, func(l *lineValues) ref.Val { return money(l.unvalued, "line.insurance", l.Insurance) }},
			objectField[lineValues]{"quantity", I, func(l *lineValues) ref.Val { return types.Int(l.Quantity) }},
			objectField[lineValues]{"net_weight_kg", D, func(l *lineValues) ref.Val {
				if l.weightMissing != "" {
					return unknown("line.net_weight_kg", l.weightMissing, "the net weight of every line (items[].net_weight_kg)")
				}
				return newDec(l.NetWeightKg)
			}},
		),
		newObjectType("iorules.Declaration",
			objectField[declarationValues]{"customs_value", D, func(d *declarationValues) ref.Val {
				return money(d.unvalued, "declaration.customs_value", d.CustomsValue)
			}},
			objectField[declarationValues]{"invoice_value", D, func(d *declarationValues) ref.Val {
				return money(d.unvalued, "declaration.invoice_value", d.InvoiceValue)
			}},
			objectField[declarationValues]{"fob_value", D, func(d *declarationValues) ref.Val { return money(d.unvalued, "declaration.fob_value", d.FOBValue) }},
			objectField[declarationValues]{"freight", D, func(d *declarationValues) ref.Val { return money(d.unvalued, "declaration.freight", d.Freight) }},
			objectField[declarationValues]{"insurance", D, func(d *declarationValues) ref.Val { return money(d.unvalued, "declaration.insurance", d.Insurance) }},
			objectField[declarationValues]{"destination_handling", D, func(d *declarationValues) ref.Val {
				return money(d.unvalued, "declaration.destination_handling", d.DestinationHandling)
			}},
			objectField[declarationValues]{"destination_inland", D, func(d *declarationValues) ref.Val {
				return money(d.unvalued, "declaration.destination_inland", d.DestinationInland)
			}},
			objectField[declarationValues]{"exchange_rate", D, func(d *declarationValues) ref.Val {
				return money(d.unvalued, "declaration.exchange_rate", d.ExchangeRate)
			}},
			objectField[declarationValues]{"customs_value_in_shipment_currency", D, func(d *declarationValues) ref.Val {
				return d.inShipmentCurrency()
			}},
			objectField[declarationValues]{"groups", I, func(d *declarationValues) ref.Val { return types.Int(d.Groups) }},
			objectField[declarationValues]{"lines", I, func(d *declarationValues) ref.Val { return types.Int(d.Lines) }},
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
