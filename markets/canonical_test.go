package markets

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// requireSameAsMarshal fails when appendShipmentJSON and json.Marshal
// disagree on s.
func requireSameAsMarshal(t *testing.T, s *iorules.Shipment) {
	t.Helper()
	want, err := json.Marshal(s)
	require.NoError(t, err)
	got := appendShipmentJSON(nil, s)
	if string(got) != string(want) {
		t.Fatalf("appendShipmentJSON differs from json.Marshal (-marshal +append):\n%s", cmp.Diff(string(want), string(got)))
	}
}

func TestCanonicalShipmentJSON(t *testing.T) {
	files, err := filepath.Glob("../examples/shipments/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			var s iorules.Shipment
			if err := json.Unmarshal(raw, &s); err != nil {
				t.Skipf("not a shipment: %v", err) // a rollout file
			}
			requireSameAsMarshal(t, &s)
		})
	}
	tpp := decimal.RequireFromString("-0.000")
	full := iorules.Shipment{
		ID: "<&>\u2028\u2029\x00\x1f\"\\\b\f\n\r\t\x7f\xff é", DestinationSubdivision: "BR-SP", RelatedParty: true,
		ExchangeRates: map[iorules.Currency]decimal.Decimal{"USD": decimal.New(54321, -4), "EUR": decimal.New(6, 0), "CNY": {}},
		Exporter: iorules.Party{Registrations: []iorules.Registration{
			{Scheme: "x", ID: "1", Level: "l", ValidUntil: iorules.MustParseDate("2027-01-31")}, {}},
			Ownership: &iorules.Ownership{CheckedOn: iorules.MustParseDate("2026-11-20"), Owners: []iorules.Owner{
				{Name: "<Holding> & \u2028", Country: "CN", Share: decimal.New(505, -1)}, {}}}},
		ImporterOfRecord: iorules.Party{Ownership: &iorules.Ownership{}},
		EndUser:          iorules.Party{Ownership: &iorules.Ownership{Owners: []iorules.Owner{}}},
		Items: []iorules.Item{{
			Line: -3, SKU: "s", Model: "m", HSCode: "847150", Radio: []iorules.Radio{}, TPP: &tpp, TariffExemption: "001",
			ECCN: "5A992.c", Encryption: iorules.Encryption{Present: true},
			ApprovalsHeld: []iorules.HeldApproval{{ID: "br.anatel", Models: []string{"a", "b"}, ValidUntil: iorules.MustParseDate("2026-02-28")}, {}},
		}, {}},
		Documents: []iorules.Document{{Type: "packing_list", Reference: "r", Date: iorules.MustParseDate("2026-01-01"),
			Models: []string{"m"}, Lines: []int{1, -2}}, {}},
	}
	requireSameAsMarshal(t, &full)
	requireSameAsMarshal(t, &iorules.Shipment{})
}

// FuzzCanonicalShipmentJSON holds appendShipmentJSON to json.Marshal on
// any shipment JSON can describe, valid or not.
func FuzzCanonicalShipmentJSON(f *testing.F) {
	files, _ := filepath.Glob("../examples/shipments/*.json")
	for _, name := range files {
		if raw, err := os.ReadFile(name); err == nil {
			f.Add(raw)
		}
	}
	f.Add([]byte(`{"end_user":{"ownership":{"owners":[{"name":"\u2028<x>","share":"-0.50"},{}]}},"importer_of_record":{"ownership":{}},"exporter":{"ownership":{"owners":[],"checked_on":"2026-11-20"}}}`))
	f.Add([]byte(`{"id":"\u2028<x>\ud800","items":[{"radio":[],"tpp":"1e3","approvals_held":[{}]}],"exchange_rates":{"B":"1","A":"-0.10"}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var s iorules.Shipment
		if json.Unmarshal(raw, &s) != nil {
			return
		}
		requireSameAsMarshal(t, &s)
	})
}

// TestCanonicalShipmentJSONEveryField fills every field of a Shipment,
// reached by reflection, so that a field added to the model fails here
// until appendShipmentJSON writes it.
func TestCanonicalShipmentJSONEveryField(t *testing.T) {
	var s iorules.Shipment
	fillEveryField(t, reflect.ValueOf(&s).Elem())
	require.NotNil(t, s.EndUser.Ownership)
	require.NotEmpty(t, s.EndUser.Ownership.Owners)
	requireSameAsMarshal(t, &s)
}

// fillEveryField sets v, and everything inside it, to a non-zero value.
func fillEveryField(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Interface().(type) {
	case iorules.Date:
		v.Set(reflect.ValueOf(iorules.MustParseDate("2026-11-20")))
		return
	case decimal.Decimal:
		v.Set(reflect.ValueOf(decimal.New(505, -1)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x<\u2028")
	case reflect.Int:
		v.SetInt(7)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillEveryField(t, v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range v.Len() {
			fillEveryField(t, v.Index(i))
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fillEveryField(t, k)
		fillEveryField(t, e)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillEveryField(t, v.Field(i))
			}
		}
	default:
		t.Fatalf("fillEveryField: %s of kind %s", v.Type(), v.Kind())
	}
}
