package classify

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/golden"
	"github.com/stretchr/testify/require"
)

func item(line int, c iorules.Category, code string) iorules.Item {
	return iorules.Item{Line: line, Category: c, HSCode: iorules.HSCode(code)}
}

func radioItem(line int, c iorules.Category, code string, radios ...iorules.Radio) iorules.Item {
	it := item(line, c, code)
	it.Radio = radios
	return it
}

// TestCheckCategories declares, for every category, a code that fits and
// one that does not, in Brazil (8-digit NCM) at HS-6 and at full length.
func TestCheckCategories(t *testing.T) {
	tests := []struct {
		category     iorules.Category
		right, wrong string
		wantExpected []string // Expected of the right code
	}{
		{iorules.CategoryServer, "847150", "851762", []string{"8471.50"}},
		{iorules.CategoryStorage, "847170", "847150", []string{"8471.70"}},
		{iorules.CategorySwitch, "851762", "847150", []string{"8517.62"}},
		{iorules.CategoryRouter, "851762", "851769", []string{"8517.62"}},
		{iorules.CategoryWirelessAccessPoint, "851762", "851771", []string{"8517.62"}},
		{iorules.CategoryFirewall, "847150", "847330", []string{"8471.50"}},
		{iorules.CategoryGPUAccelerator, "847330", "847150", []string{"8473.30"}},
		{iorules.CategoryGPUServer, "847149", "847330", []string{"8471.49"}},
		{iorules.CategoryTransceiver, "851762", "854470", []string{"8517.62"}},
		{iorules.CategoryUPS, "850440", "850490", []string{"8504.40"}},
		{iorules.CategoryPDU, "853710", "854442", []string{"8537.10"}},
		{iorules.CategoryCooling, "841869", "847150", []string{"8418"}},
		{iorules.CategoryCableCopper, "854442", "854470", []string{"8544.42"}},
		{iorules.CategoryCableFiber, "854470", "854442", []string{"8544.70"}},
		{iorules.CategoryRack, "940320", "847150", []string{"9403.20"}},
		{iorules.CategoryLaptop, "847130", "847141", []string{"8471.30"}},
		{iorules.CategoryMobilePhone, "851713", "851762", []string{"8517.13"}},
		{iorules.CategoryBattery, "850760", "850440", []string{"8507.60"}},
		{iorules.CategoryStorageDrive, "852351", "847330", []string{"8523.51"}},
		{iorules.CategoryComputerPart, "847330", "851779", []string{"8473.30"}},
		{iorules.CategoryNetworkPart, "851779", "847330", []string{"8517.79"}},
		{iorules.CategoryAntenna, "851771", "851779", []string{"8517.71"}},
		{iorules.CategoryMonitor, "852852", "847160", []string{"8528.52"}},
		{iorules.CategoryKeyboardKVM, "847160", "852852", []string{"8471.60"}},
	}
	covered := []iorules.Category{iorules.CategoryOther} // TestCheckOther
	for _, tt := range tests {
		covered = append(covered, tt.category)
		t.Run(string(tt.category), func(t *testing.T) {
			got := Check("BR", item(1, tt.category, tt.right))
			require.Equal(t, StatusOK, got.Status, got.Message)
			require.Equal(t, tt.wantExpected, got.Expected)
			require.Contains(t, got.Message, "Declared at HS-6 only")

			got = Check("BR", item(1, tt.category, tt.right+"90"))
			require.Equal(t, StatusOK, got.Status, got.Message)
			require.NotContains(t, got.Message, "HS-6 only")

			got = Check("BR", item(2, tt.category, tt.wrong))
			require.Equal(t, StatusMismatch, got.Status, got.Message)
			require.Equal(t, 2, got.Line)
			want := make([]string, 0)
			for _, c := range Suggest(tt.category) {
				want = append(want, c.HSCode)
			}
			require.Equal(t, want, got.Expected)
		})
	}
	require.ElementsMatch(t, iorules.Categories(), covered, "every category needs a case")
}

// TestCheckFormats checks every market's national code length: the full
// length passes, another length is invalid, HS-6 alone passes with a note.
func TestCheckFormats(t *testing.T) {
	confirmed, unconfirmed := iorules.ConfidenceConfirmed, iorules.ConfidenceUnconfirmed
	tests := []struct {
		market     iorules.Country
		digits     []int
		wrong      int
		confidence iorules.Confidence
	}{
		{"BR", []int{8}, 10, confirmed},
		{"TR", []int{12}, 10, unconfirmed},
		{"SA", []int{12}, 8, unconfirmed},
		{"IN", []int{8}, 10, confirmed},
		{"VN", []int{8}, 10, confirmed},
		{"EG", []int{8, 10}, 12, unconfirmed},
		{"MY", []int{10}, 8, unconfirmed},
		{"PH", []int{8}, 10, confirmed},
		{"KZ", []int{10}, 8, unconfirmed},
		{"UZ", []int{10}, 8, unconfirmed},
		{"RS", []int{10}, 8, confirmed},
	}
	tb, err := data()
	require.NoError(t, err)
	var covered []iorules.Country
	for _, tt := range tests {
		covered = append(covered, tt.market)
		t.Run(string(tt.market), func(t *testing.T) {
			f, ok := Format(tt.market)
			require.True(t, ok)
			require.Equal(t, tt.market, f.Market)
			require.Equal(t, tt.digits, f.Digits)
			require.Equal(t, tt.confidence, f.Confidence)
			require.NotEmpty(t, f.Source)
			require.Contains(t, f.Edition, "HS 2022")

			for _, n := range tt.digits {
				code := "851762" + strings.Repeat("0", n-6)
				got := Check(tt.market, item(1, iorules.CategorySwitch, code))
				require.Equal(t, StatusOK, got.Status, "%d digits: %s", n, got.Message)
				require.NotContains(t, got.Message, "HS-6 only")
			}

			code := "851762" + strings.Repeat("1", tt.wrong-6)
			got := Check(tt.market, item(1, iorules.CategorySwitch, code))
			require.Equal(t, StatusInvalid, got.Status, got.Message)
			require.Equal(t, []string{"8517.62"}, got.Expected)
			require.Contains(t, got.Message, f.Name)

			got = Check(tt.market, item(1, iorules.CategorySwitch, "851762"))
			require.Equal(t, StatusOK, got.Status, got.Message)
			require.Contains(t, got.Message, "Declared at HS-6 only")
			require.Contains(t, got.Message, f.Name)

			// A seven-digit code is never a national line.
			got = Check(tt.market, item(1, iorules.CategorySwitch, "8517621"))
			require.Equal(t, StatusInvalid, got.Status, got.Message)
		})
	}
	var markets []iorules.Country
	for m := range tb.formats {
		markets = append(markets, m)
	}
	require.ElementsMatch(t, markets, covered, "every market format needs a case")

	t.Run("default", func(t *testing.T) {
		f, ok := Format("US")
		require.False(t, ok)
		require.Equal(t, iorules.Country("US"), f.Market)
		require.Empty(t, f.Digits)
		for _, code := range []string{"851762", "85176200", "8517620000", "851762000000", "8517620"} {
			got := Check("US", item(1, iorules.CategorySwitch, code))
			require.Equal(t, StatusOK, got.Status, "%s: %s", code, got.Message)
		}
	})
}

func TestFormatReturnsCopy(t *testing.T) {
	f, ok := Format("EG")
	require.True(t, ok)
	f.Digits[0] = 99
	again, _ := Format("EG")
	require.Equal(t, []int{8, 10}, again.Digits)
}

func TestCheckNomenclature(t *testing.T) {
	tests := []struct {
		name       string
		market     iorules.Country
		item       iorules.Item
		wantStatus Status
		wantIn     string
	}{
		{"nonexistent 8471.99", "BR", item(1, iorules.CategoryServer, "847199"), StatusInvalid, "8471.99 is not a subheading of HS 2022"},
		{"nonexistent in a national code", "BR", item(1, iorules.CategoryServer, "84719910"), StatusInvalid, "8471.99 is not a subheading"},
		{"nonexistent and wrong length", "BR", item(1, iorules.CategorySwitch, "8517991000"), StatusInvalid, "has 10 digits, but a full NCM code for BR has 8; 8517.99 is not a subheading"},
		{"nonexistent with category other", "TR", item(1, iorules.CategoryOther, "940300"), StatusInvalid, "9403.00 is not a subheading"},
		{"other: outside the table", "BR", item(1, iorules.CategoryOther, "844332"), StatusUnknown, "exists in HS 2022 but is outside the IT table: its fit with the goods is not judged"},
		{"other: chapter not listed", "BR", item(1, iorules.CategoryOther, "010121"), StatusUnknown, "neither its existence nor its fit"},
		{"other: in the table", "BR", item(1, iorules.CategoryOther, "85235100"), StatusUnknown, "Category other gives no basis to check 8523.51 (solid-state"},
		{"specific category, chapter not listed", "BR", item(1, iorules.CategoryServer, "010121"), StatusMismatch, "does not fit category server"},
		{"heading-level fit", "BR", item(1, iorules.CategoryCooling, "84158200"), StatusOK, "fits category cooling"},
		{"unconfirmed fit is flagged", "BR", item(1, iorules.CategoryGPUServer, "84718000"), StatusOK, "binding ruling"},
		{"unknown category", "BR", item(1, "toaster", "847150"), StatusUnknown, `Category "toaster" is not recognised`},
		{"empty code", "BR", item(1, iorules.CategoryServer, ""), StatusInvalid, "No HS code is declared"},
		{"letters", "BR", item(1, iorules.CategoryServer, "84a150"), StatusInvalid, "is not an HS code"},
		{"dotted form set directly", "BR", item(1, iorules.CategoryServer, "8471.50.10"), StatusOK, "fits category server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.market, tt.item)
			require.Equal(t, tt.wantStatus, got.Status, got.Message)
			require.Contains(t, got.Message, tt.wantIn)
		})
	}
}

func TestCheckDeclaredForm(t *testing.T) {
	got := Check("BR", item(7, iorules.CategoryServer, "84715010"))
	want := Result{
		Line:     7,
		Declared: "8471.50.10",
		Status:   StatusOK,
		Expected: []string{"8471.50"},
		Message:  "8471.50 fits category server: A server shipped without its own keyboard and display is a processing unit of a computer.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
}

func TestCheckShipmentGolden(t *testing.T) {
	tests := []struct {
		name, golden string
		market       iorules.Country
		date         string
	}{
		{"brazil", "shipment_br.golden.json", "BR", "2026-11-25"},
		{"turkey", "shipment_tr.golden.json", "TR", "2026-11-25"},
		{"no format on file", "shipment_us.golden.json", "US", "2026-11-25"},
		{"after the HS 2022 window", "shipment_br_2028.golden.json", "BR", "2028-01-01"},
	}
	s := iorules.Shipment{
		Items: []iorules.Item{
			item(3, iorules.CategorySwitch, "85176200"),
			item(1, iorules.CategoryServer, "84715010"),
			item(2, iorules.CategoryServer, "851762"),
			item(4, iorules.CategoryGPUAccelerator, "847330"),
			item(5, iorules.CategoryUPS, "8504401234"),
			item(6, iorules.CategoryOther, "847199"),
			item(7, iorules.CategoryOther, "844332"),
			item(8, iorules.CategoryRack, "940320"),
			item(9, iorules.CategoryFirewall, "84718000"),
			item(10, iorules.CategoryCooling, "851762000000"),
			item(11, iorules.CategoryOther, "85176200"),
			item(12, iorules.CategoryWirelessAccessPoint, "851762"),
			radioItem(13, iorules.CategoryCableCopper, "854442", iorules.RadioWiFi),
			item(14, iorules.CategoryOther, "851713"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Date = iorules.MustParseDate(tt.date)
			results, reasons := CheckShipment(tt.market, s)

			lines := make([]int, 0, len(results))
			for _, r := range results {
				lines = append(lines, r.Line)
			}
			require.True(t, slices.IsSorted(lines), "results in line order: %v", lines)
			for _, r := range reasons {
				if r.Severity == iorules.SeverityCondition && r.Code != codeOutsideEdition {
					require.Len(t, r.Lines, 1)
					require.NotEmpty(t, r.Unblock)
					require.NotEmpty(t, r.Source)
				}
			}

			got, err := json.MarshalIndent(struct {
				Classification []Result         `json:"classification"`
				Reasons        []iorules.Reason `json:"reasons"`
			}{results, reasons}, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			golden.Check(t, filepath.Join("testdata", tt.golden), got)
		})
	}
}

func TestCheckShipmentReasons(t *testing.T) {
	s := iorules.Shipment{
		Date: iorules.MustParseDate("2026-11-25"),
		Items: []iorules.Item{
			item(1, iorules.CategoryServer, "84715010"),
			item(2, iorules.CategoryServer, "851762"),
			item(3, iorules.CategoryServer, "847199"),
			item(4, iorules.CategoryServer, "847150"),
		},
	}
	_, reasons := CheckShipment("BR", s)
	type brief struct {
		Code     string
		Severity iorules.Severity
		Lines    []int
		Rule     string
	}
	var got []brief
	for _, r := range reasons {
		got = append(got, brief{r.Code, r.Severity, r.Lines, r.Rule})
	}
	want := []brief{
		{codeMismatch, iorules.SeverityCondition, []int{2}, ruleCategoryFit},
		{codeInvalid, iorules.SeverityCondition, []int{3}, ruleNomenclature},
		{codeHS6Only, iorules.SeverityInfo, []int{4}, ruleNationalFormat},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}

	results, reasons := CheckShipment("BR", iorules.Shipment{})
	require.Empty(t, results)
	require.Empty(t, reasons)
}

func TestSuggest(t *testing.T) {
	for _, c := range iorules.Categories() {
		t.Run(string(c), func(t *testing.T) {
			got := Suggest(c)
			if c == iorules.CategoryOther {
				require.Nil(t, got)
				return
			}
			require.NotEmpty(t, got)
			for _, cand := range got {
				require.NotEmpty(t, cand.Description, cand.HSCode)
				require.NotEmpty(t, cand.Reason, cand.HSCode)
				require.NotEmpty(t, cand.Source, cand.HSCode)
				require.True(t, cand.Confidence.IsValid(), cand.HSCode)
				// A suggested subheading must pass Check for its category.
				code := strings.ReplaceAll(cand.HSCode, ".", "")
				if len(code) == 4 {
					continue
				}
				res := Check("BR", item(1, c, code))
				require.Equal(t, StatusOK, res.Status, "%s: %s", cand.HSCode, res.Message)
			}
		})
	}
	require.Nil(t, Suggest("toaster"))
}

func TestLookup(t *testing.T) {
	tests := []struct {
		in     string
		want   Subheading
		wantOK bool
	}{
		{"847150", Subheading{Code: "8471.50", Heading: "8471"}, true},
		{"8471.50", Subheading{Code: "8471.50", Heading: "8471"}, true},
		{"8471 50", Subheading{Code: "8471.50", Heading: "8471"}, true},
		{"847199", Subheading{}, false},   // not in HS 2022
		{"844332", Subheading{}, false},   // in HS 2022, outside the IT table
		{"84715010", Subheading{}, false}, // not an HS-6 code
		{"", Subheading{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := Lookup(tt.in)
			require.Equal(t, tt.wantOK, ok)
			if ok {
				require.NotEmpty(t, got.Description)
				got.Description = ""
			}
			require.Equal(t, tt.want, got)
		})
	}
}

// TestConcurrentUse calls the package from many goroutines at once and
// checks that each gets the same answers as a call made alone: a data race
// shows under -race, and a shared result corrupted by another goroutine
// shows without it.
func TestConcurrentUse(t *testing.T) {
	type answers struct {
		Results  []Result
		Reasons  []iorules.Reason
		Suggest  []Candidate
		Format   NationalFormat
		FormatOK bool
	}
	markets := []iorules.Country{"BR", "TR", "US", "EG"}
	ask := func(market iorules.Country) answers {
		var a answers
		a.Results, a.Reasons = CheckShipment(market, iorules.Shipment{Items: []iorules.Item{
			item(1, iorules.CategoryServer, "847150"), item(2, iorules.CategoryGPUServer, "84715010"),
			item(3, iorules.CategorySwitch, "851762"),
		}})
		a.Suggest = Suggest(iorules.CategoryGPUServer)
		a.Format, a.FormatOK = Format(market)
		return a
	}
	want := map[iorules.Country]answers{}
	for _, m := range markets {
		want[m] = ask(m)
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			market := markets[i%len(markets)]
			for range 50 {
				got := ask(market)
				if diff := cmp.Diff(want[market], got); diff != "" {
					t.Errorf("goroutine %d, %s: the answer differs from the one given alone (-alone +concurrent):\n%s", i, market, diff)
					return
				}
				// Mutating what one call returned must not reach another.
				if len(got.Results) > 0 {
					got.Results[0].Message = "mutated"
				}
				if len(got.Suggest) > 0 {
					got.Suggest[0].Reason = "mutated"
				}
				got.Format.Digits = append(got.Format.Digits[:0], 99)
			}
		})
	}
	wg.Wait()
}

func BenchmarkCheck(b *testing.B) {
	it := item(1, iorules.CategoryServer, "84715010")
	b.ReportAllocs()
	for b.Loop() {
		_ = Check("BR", it)
	}
}
