package iorules

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCategories checks the category vocabulary: every listed category is
// valid and listed once, other comes last (it is the fallback), and an
// unlisted or differently spelled category is not valid.
func TestCategories(t *testing.T) {
	seen := map[Category]bool{}
	for _, c := range Categories {
		require.True(t, c.IsValid(), c)
		require.False(t, seen[c], "%s listed twice", c)
		seen[c] = true
	}
	require.Equal(t, CategoryOther, Categories[len(Categories)-1])
	for _, c := range []Category{"", "Battery", "ssd", "kvm", "storage drive", "monitor "} {
		require.False(t, c.IsValid(), "%q", c)
	}
}

// TestCategoriesDecode decodes the sample shipment with each category in
// turn, and writes it back: a category is a plain JSON string both ways.
func TestCategoriesDecode(t *testing.T) {
	for _, c := range Categories {
		t.Run(string(c), func(t *testing.T) {
			s, err := DecodeShipment(bytes.NewReader(edited(t, set("items.0.category", string(c)))))
			require.NoError(t, err)
			require.Equal(t, c, s.Items[0].Category)

			b, err := json.Marshal(s.Items[0])
			require.NoError(t, err)
			require.Contains(t, string(b), `"category":"`+string(c)+`"`)
		})
	}
	_, err := DecodeShipment(bytes.NewReader(edited(t, set("items.0.category", "ssd"))))
	require.Error(t, err)
	require.True(t, slices.ContainsFunc(FieldErrors(err), func(e *FieldError) bool { return e.Path == "items[0].category" }))
}
