package classify

import (
	"strings"
	"testing"

	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

func TestEmbeddedDataLoads(t *testing.T) {
	tb, err := data()
	require.NoError(t, err)
	for _, c := range iorules.Categories() {
		require.Contains(t, tb.categories, c)
	}
	require.NotEmpty(t, tb.formats)
	require.NotEmpty(t, tb.exists)
}

// TestLoadRejects edits the embedded files one fault at a time and checks
// that load names the fault.
func TestLoadRejects(t *testing.T) {
	nomen, formats, codes := string(nomenclatureYAML), string(formatsYAML), string(codeList)
	tests := []struct {
		name     string
		file     string // "nomenclature", "formats" or "codes"
		old, new string
		wantErr  string
	}{
		{"unknown field", "nomenclature", "edition: HS 2022", "edition: HS 2022\nedtion: x", "field edtion not found"},
		{"subheading under wrong heading", "nomenclature", `{hs6: "847150", heading: "8471"`, `{hs6: "847150", heading: "8473"`, "subheading 847150: heading \"8473\" does not match"},
		{"subheading not in HS 2022", "nomenclature", `{hs6: "847190", heading: "8471"`, `{hs6: "847199", heading: "8471"`, "subheading 847199: not in the HS 2022 code list"},
		{"fit outside the table", "nomenclature", `code: "847130"`, `code: "847120"`, "fit \"847120\" is not a heading or subheading"},
		{"bad fit confidence", "nomenclature", "source: \"HS 2022 subheading 8471.30; General Interpretative Rules 1 and 6\"\n        confidence: confirmed", "source: \"HS 2022 subheading 8471.30; General Interpretative Rules 1 and 6\"\n        confidence: sure", "confidence \"sure\""},
		{"missing category", "nomenclature", "  - category: laptop\n", "  - category: laptop_removed\n", "category laptop: missing"},
		{"heading in wrong chapter", "nomenclature", `{heading: "8471", chapter: "84"`, `{heading: "8471", chapter: "85"`, "heading 8471: chapter \"85\""},
		{"bad effective date", "nomenclature", `effective_from: "2022-01-01"`, `effective_from: "2022-13-01"`, "effective_from"},
		{"edition window inverted", "nomenclature", `effective_to: "2027-12-31"`, `effective_to: "2021-12-31"`, "nomenclature: effective_to: 2021-12-31 is before effective_from 2022-01-01"},
		{"edition without a first day", "nomenclature", `effective_from: "2022-01-01"`, "", "nomenclature: effective_from: required"},
		{"end date confidence unknown", "nomenclature", "effective_to_confidence: unconfirmed", "effective_to_confidence: likely", `effective_to_confidence "likely"`},
		{"format digits out of range", "formats", "digits: [8]\n    edition: \"HS 2022\"\n    edition_confidence: unconfirmed\n    source: \"Mercosur", "digits: [5]\n    edition: \"HS 2022\"\n    edition_confidence: unconfirmed\n    source: \"Mercosur", "market BR: digits 5"},
		{"format repeated market", "formats", "  - market: TR", "  - market: BR", "market BR: repeated"},
		{"format bad market", "formats", "  - market: TR", "  - market: XX", "market \"XX\""},
		{"format without digits", "formats", "digits: [12]\n    edition: \"HS 2022 (through", "digits: []\n    edition: \"HS 2022 (through", "market TR: digits are required"},
		{"bad radio on a subheading", "nomenclature", `description: "Smartphones", radio: required}`, `description: "Smartphones", radio: yes}`, "subheading 851713: radio \"yes\""},
		{"radio without a reason", "nomenclature", "    radio_reason: \"A mobile phone connects to cellular or other wireless networks by radio.\"\n", "", "category mobile_phone: radio and radio_reason go together"},
		{"radio category fitting a radio-free subheading", "nomenclature", "  - category: cable_copper\n    radio: none", "  - category: cable_copper\n    radio: required", "fit 854442: the subheading's radio none contradicts the category's radio required"},
		{"code list junk", "codes", "\n847150\n", "\n84715\n", "\"84715\" is not six digits"},
		{"code list outside chapters", "codes", "\n847150\n", "\n847150\n010121\n", "010121 is outside code_list_chapters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, f, c := nomen, formats, codes
			target := map[string]*string{"nomenclature": &n, "formats": &f, "codes": &c}[tt.file]
			require.Contains(t, *target, tt.old, "test edit does not apply")
			*target = strings.Replace(*target, tt.old, tt.new, 1)
			_, err := load([]byte(n), []byte(f), []byte(c))
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}
