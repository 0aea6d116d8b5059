package markets_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// jsonTags lists the JSON names of T's fields, in declaration order.
func jsonTags[T any]() []string {
	var names []string
	rt := reflect.TypeFor[T]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}

// jsonKeys lists the top-level keys of a JSON object, in document order.
func jsonKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	_, err := dec.Token()
	require.NoError(t, err)
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// TestDecisionJSONCoversEveryField guards the hand-written MarshalJSON: it
// must write a key for every field of Decision, in declaration order.
func TestDecisionJSONCoversEveryField(t *testing.T) {
	partial := decimal.New(1, 0)
	d := markets.Decision{Currency: "BRL", NotEvaluated: []string{"x"},
		PartialTotalTaxes: &partial, NotComputed: []markets.NotComputed{{Tax: "br.ii"}}, Explanation: &markets.Explanation{}}
	d.EarliestShipDate = iorules.NewDate(2026, 11, 26) // non-zero so omitzero keeps it
	raw, err := json.Marshal(d)
	require.NoError(t, err)
	require.Equal(t, jsonTags[markets.Decision](), jsonKeys(t, raw))
}
