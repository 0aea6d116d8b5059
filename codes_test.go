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
	for _, c := range categories {
		require.True(t, c.IsValid(), c)
		require.False(t, seen[c], "%s listed twice", c)
		seen[c] = true
	}
	require.Equal(t, CategoryOther, categories[len(categories)-1])
	for _, c := range []Category{"", "Battery", "ssd", "kvm", "storage drive", "monitor "} {
		require.False(t, c.IsValid(), "%q", c)
	}
}

// TestCategoriesDecode decodes the sample shipment with each category in
// turn, and writes it back: a category is a plain JSON string both ways.
func TestCategoriesDecode(t *testing.T) {
	for _, c := range categories {
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

// TestVocabularyListsAreCopies checks that the lists of valid values are
// copies: a caller that clears one changes neither the next list nor what
// IsValid accepts.
func TestVocabularyListsAreCopies(t *testing.T) {
	t.Run("Incoterms", func(t *testing.T) { requireCopies(t, Incoterms) })
	t.Run("TransportModes", func(t *testing.T) { requireCopies(t, TransportModes) })
	t.Run("Categories", func(t *testing.T) { requireCopies(t, Categories) })
	t.Run("Conditions", func(t *testing.T) { requireCopies(t, Conditions) })
	t.Run("Radios", func(t *testing.T) { requireCopies(t, Radios) })
	t.Run("DocumentTypes", func(t *testing.T) { requireCopies(t, DocumentTypes) })
}

// requireCopies clears a list that list returns and checks that the next
// one is whole and every value in it valid.
func requireCopies[T interface {
	~string
	IsValid() bool
}](t *testing.T, list func() []T) {
	first := list()
	want := slices.Clone(first)
	clear(first)
	got := list()
	require.Equal(t, want, got)
	for _, v := range got {
		require.True(t, v.IsValid(), v)
	}
}

func TestHSCodeAppendText(t *testing.T) {
	for code, want := range map[HSCode]string{
		"8471": "8471", "847150": "8471.50", "84715010": "8471.50.10", "847150101": "8471.50.10.1",
		"8471501012345678": "8471.50.10.12.34.56.78",
	} {
		got, err := code.AppendText([]byte("x:"))
		require.NoError(t, err)
		require.Equal(t, "x:"+want, string(got))
		require.Equal(t, want, code.String())
	}
}
