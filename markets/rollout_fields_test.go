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
