package markets

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDecisionJSONCoversEveryField guards the hand-written MarshalJSON: it
// must write a key for every field of Decision, in declaration order.
func TestDecisionJSONCoversEveryField(t *testing.T) {
	var want []string
	rt := reflect.TypeFor[Decision]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		want = append(want, name)
	}
	d := Decision{Currency: "BRL", NotEvaluated: []string{"x"}}
	d.EarliestShipDate = d.AsOf.AddDays(1) // non-zero so omitzero keeps it
	raw, err := json.Marshal(d)
	require.NoError(t, err)
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	_, err = dec.Token()
	require.NoError(t, err)
	var got []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		got = append(got, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	require.Equal(t, want, got)
}
