package markets_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// exampleShipment decodes one of the repository's sample shipments.
func exampleShipment(t testing.TB, name string) iorules.Shipment {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "examples", "shipments", name))
	require.NoError(t, err)
	defer f.Close()
	s, err := iorules.DecodeShipment(f)
	require.NoError(t, err)
	return s
}

// exampleShipments are the sample shipments (not the rollout).
var exampleShipments = []string{
	"br-servers-sp.json", "br-switches-rj-sea.json", "in-servers.json", "mixed-rollout.json",
	"sa-gpu.json", "tr-network.json", "vn-refurbished.json",
}

// TestPrequalifyMarketScreensExportControlsForTheMarket is the regression
// test of issue 14 item 2: evaluating a shipment for another market must
// screen export controls with that market as the destination, exactly as
// if the shipment were addressed there.
func TestPrequalifyMarketScreensExportControlsForTheMarket(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	for _, name := range exampleShipments {
		s := exampleShipment(t, name)
		all, err := engine.PrequalifyAll(s)
		require.NoError(t, err)
		for i, m := range engine.Markets() {
			t.Run(name+"/"+string(m), func(t *testing.T) {
				addressed := s
				addressed.Destination = m
				addressed.DestinationSubdivision = ""
				if m == "BR" {
					addressed.DestinationSubdivision = "BR-SP" // required there
				}
				want, err := engine.Prequalify(addressed)
				require.NoError(t, err)
				got, err := engine.PrequalifyMarket(m, s)
				require.NoError(t, err)
				require.Equal(t, want.ExportControl, got.ExportControl, "PrequalifyMarket")
				require.Equal(t, want.ExportControl, all[i].ExportControl, "PrequalifyAll")
			})
		}
	}
}

// TestGPUServersToAnotherMarketNeedALicence pins the case the review
// found: 4A090 GPU servers addressed to Türkiye and evaluated for Saudi
// Arabia need a US licence, as they do when addressed to Saudi Arabia.
func TestGPUServersToAnotherMarketNeedALicence(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	s := exampleShipment(t, "sa-gpu.json")
	s.Destination, s.DestinationSubdivision = "TR", ""
	d, err := engine.PrequalifyMarket("SA", s)
	require.NoError(t, err)
	require.True(t, d.ExportControl.LicenceRequired, "4A090.a to SA needs a licence")
}

// scribble overwrites everything a caller can write through v: every
// string, number and bool, every element of a slice, every map value and
// every value behind a pointer, decimals included.
func scribble(v reflect.Value) {
	decimalType := reflect.TypeFor[decimal.Decimal]()
	dateType := reflect.TypeFor[iorules.Date]()
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		switch {
		case v.Type() == decimalType:
			v.Set(reflect.ValueOf(decimal.New(-987654321, -3)))
		case v.Type() == dateType:
			v.Set(reflect.ValueOf(iorules.MustParseDate("1999-09-09")))
		default:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					scribble(v.Field(i))
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			scribble(e)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		v.SetString("SCRIBBLED")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 7777)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	}
}

// TestDecisionSharesNoMemoryWithTheEngine is the regression test of issue
// 14 item 3: a caller that writes over every part of a decision it was
// given changes nothing in later decisions.
func TestDecisionSharesNoMemoryWithTheEngine(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	for _, name := range exampleShipments {
		t.Run(name, func(t *testing.T) {
			s := exampleShipment(t, name)
			first, err := engine.PrequalifyAll(s)
			require.NoError(t, err)
			want, err := json.MarshalIndent(first, "", " ")
			require.NoError(t, err)
			for i := range first {
				scribble(reflect.ValueOf(&first[i]).Elem())
			}
			again, err := engine.PrequalifyAll(s)
			require.NoError(t, err)
			got, err := json.MarshalIndent(again, "", " ")
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(string(want), string(got)), "a caller's writes to a decision changed a later one (-before +after)")
		})
	}
}

// TestScribbleReachesEverything checks the test above can fail: scribble
// changes a decision's lead times, rates and lists.
func TestScribbleReachesEverything(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	d, err := engine.Prequalify(exampleShipment(t, "sa-gpu.json"))
	require.NoError(t, err)
	before, err := json.Marshal(d)
	require.NoError(t, err)
	scribble(reflect.ValueOf(&d).Elem())
	require.NotEmpty(t, d.NotEvaluated)
	require.Equal(t, "SCRIBBLED", d.NotEvaluated[0])
	i := slices.IndexFunc(d.Approvals, func(a approvals.Approval) bool { return a.LeadTimeDays != nil })
	require.GreaterOrEqual(t, i, 0)
	require.Greater(t, *d.Approvals[i].LeadTimeDays, 7000)
	after, err := json.Marshal(d)
	require.NoError(t, err)
	require.NotEqual(t, string(before), string(after))
}
