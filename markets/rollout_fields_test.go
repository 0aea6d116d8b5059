package markets

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

// TestRolloutFieldsCoverShipment walks iorules.Shipment and fails when a
// field is added that the rollout decoder neither sets per market
// (marketFields, end_user) nor lists as shared (sharedFields, with why).
func TestRolloutFieldsCoverShipment(t *testing.T) {
	goType := reflect.TypeFor[iorules.Shipment]()
	keys := map[string]bool{}
	for i := range goType.NumField() {
		f := goType.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if key == "-" || !f.IsExported() {
			continue
		}
		keys[key] = true
		if key == "end_user" || slices.Contains(marketFields, key) {
			require.NotContains(t, sharedFields, key, "%s is both set per market and shared", key)
			continue
		}
		require.NotEmpty(t, sharedFields[key], "shipment field %s (%s) is neither in marketFields nor in sharedFields with why", key, f.Name)
	}
	for _, key := range marketFields {
		require.True(t, keys[key], "marketFields lists %s, which is not a shipment field", key)
	}
	for key := range sharedFields {
		require.True(t, keys[key], "sharedFields lists %s, which is not a shipment field", key)
	}
}

// TestRolloutFieldsCoverMarketSetup walks MarketSetup and fails when its
// JSON form and the fields the rollout decoder reads per market drift
// apart: each field is a shipment field set per market (marketFields, but
// destination, which is the market's key), end_user, or one of
// marketOnlyFields, and each of those is a field.
func TestRolloutFieldsCoverMarketSetup(t *testing.T) {
	goType := reflect.TypeFor[MarketSetup]()
	var got []string
	for i := range goType.NumField() {
		key, _, _ := strings.Cut(goType.Field(i).Tag.Get("json"), ",")
		got = append(got, key)
	}
	want := slices.Concat(slices.DeleteFunc(slices.Clone(marketFields), func(k string) bool { return k == "destination" }),
		[]string{"end_user"}, marketOnlyFields)
	slices.Sort(got)
	slices.Sort(want)
	require.Equal(t, want, got)
	for _, key := range marketOnlyFields {
		_, isShipmentField := reflect.TypeFor[iorules.Shipment]().FieldByNameFunc(func(name string) bool {
			f, _ := reflect.TypeFor[iorules.Shipment]().FieldByName(name)
			k, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			return k == key
		})
		require.False(t, isShipmentField, "%s is a shipment field: list it in marketFields", key)
	}
}
