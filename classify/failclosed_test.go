package classify

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

// brief is what the fail-closed tests compare of a reason.
type brief struct {
	Code     string
	Severity iorules.Severity
	Lines    []int
}

func briefs(reasons []iorules.Reason) []brief {
	out := make([]brief, 0, len(reasons))
	for _, r := range reasons {
		if r.Code == codeHS6Only { // every line here is declared at HS-6: not what is tested
			continue
		}
		out = append(out, brief{r.Code, r.Severity, r.Lines})
	}
	return out
}

// TestFitNotJudgedIsACondition is issue 16 B8: category other (or a
// category the table does not know) gives no basis to check the HS code,
// so the line gets a condition that names it and says what to supply; it
// is never passed as fitting.
func TestFitNotJudgedIsACondition(t *testing.T) {
	tests := []struct {
		name string
		item iorules.Item
	}{
		{"an access point declared other", radioItem(3, iorules.CategoryOther, "85176200", iorules.RadioWiFi)},
		{"other, code in the IT table", item(3, iorules.CategoryOther, "847150")},
		{"other, code outside the IT table", item(3, iorules.CategoryOther, "844332")},
		{"other, chapter not listed", item(3, iorules.CategoryOther, "010121")},
		{"category not recognised", item(3, "toaster", "847150")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := iorules.Shipment{Date: iorules.MustParseDate("2026-11-25"), Items: []iorules.Item{tt.item}}
			results, reasons := CheckShipment("PH", s)
			require.Len(t, results, 1)
			require.Equal(t, StatusUnknown, results[0].Status, results[0].Message)
			if diff := cmp.Diff([]brief{{codeFitNotJudged, iorules.SeverityCondition, []int{3}}}, briefs(reasons)); diff != "" {
				t.Fatalf("reasons (-want +got):\n%s", diff)
			}
			r := reasons[slices.IndexFunc(reasons, func(r iorules.Reason) bool { return r.Code == codeFitNotJudged })]
			require.True(t, strings.HasPrefix(r.Message, "Line 3: "), r.Message)
			require.Contains(t, r.Message, "gives no basis to check")
			require.Equal(t, ruleCategoryFit, r.Rule)
			require.NotEmpty(t, r.Source)
			require.Contains(t, r.Unblock, "Declare the category that describes the goods")
			require.Contains(t, r.Unblock, "binding tariff ruling")
			require.NotContains(t, r.Unblock, "other)", "other is not a category to declare instead")
		})
	}
}

// TestRadioFit is issue 16 B8: a radio category or subheading with no radio
// listed, or a radio listed on goods that carry none, is a condition.
func TestRadioFit(t *testing.T) {
	tests := []struct {
		name string
		item iorules.Item
		want []brief
	}{
		{"access point with radio: []", iorules.Item{Line: 2, Category: iorules.CategoryWirelessAccessPoint, HSCode: "851762", Radio: []iorules.Radio{}},
			[]brief{{codeRadio, iorules.SeverityCondition, []int{2}}}},
		{"access point with radio absent", item(2, iorules.CategoryWirelessAccessPoint, "851762"),
			[]brief{{codeRadio, iorules.SeverityCondition, []int{2}}}},
		{"access point with wifi", radioItem(2, iorules.CategoryWirelessAccessPoint, "851762", iorules.RadioWiFi), []brief{}},
		{"mobile phone without radio", item(2, iorules.CategoryMobilePhone, "851713"),
			[]brief{{codeRadio, iorules.SeverityCondition, []int{2}}}},
		{"mobile phone with cellular", radioItem(2, iorules.CategoryMobilePhone, "851713", iorules.RadioCellular), []brief{}},
		{"mobile phone under a wrong code, without radio", item(2, iorules.CategoryMobilePhone, "847150"), []brief{
			{codeMismatch, iorules.SeverityCondition, []int{2}},
			{codeRadio, iorules.SeverityCondition, []int{2}},
		}},
		{"smartphone code declared other, without radio", item(2, iorules.CategoryOther, "85171300"), []brief{
			{codeFitNotJudged, iorules.SeverityCondition, []int{2}},
			{codeRadio, iorules.SeverityCondition, []int{2}},
		}},
		{"smartphone code declared other, with cellular", radioItem(2, iorules.CategoryOther, "85171300", iorules.RadioCellular), []brief{
			{codeFitNotJudged, iorules.SeverityCondition, []int{2}},
		}},
		{"copper cable listing wifi", radioItem(2, iorules.CategoryCableCopper, "854442", iorules.RadioWiFi),
			[]brief{{codeRadio, iorules.SeverityCondition, []int{2}}}},
		{"fibre cable without radio", item(2, iorules.CategoryCableFiber, "854470"), []brief{}},
		{"switch without radio", item(2, iorules.CategorySwitch, "851762"), []brief{}},
		{"switch with bluetooth", radioItem(2, iorules.CategorySwitch, "851762", iorules.RadioBluetooth), []brief{}},
		{"access point with a malformed code and no radio", item(2, iorules.CategoryWirelessAccessPoint, "85x762"), []brief{
			{codeInvalid, iorules.SeverityCondition, []int{2}},
			{codeRadio, iorules.SeverityCondition, []int{2}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := iorules.Shipment{Date: iorules.MustParseDate("2026-11-25"), Items: []iorules.Item{tt.item}}
			_, reasons := CheckShipment("PH", s)
			if diff := cmp.Diff(tt.want, briefs(reasons)); diff != "" {
				t.Fatalf("reasons (-want +got):\n%s", diff)
			}
			for _, r := range reasons {
				if r.Code != codeRadio {
					continue
				}
				require.Equal(t, ruleRadioFit, r.Rule)
				require.True(t, strings.HasPrefix(r.Message, "Line 2 lists "), r.Message)
				require.Contains(t, r.Message, "must agree")
				require.NotEmpty(t, r.Source)
				require.NotEmpty(t, r.Unblock)
			}
		})
	}
}

// TestRadioCategories checks that every category the table marks as radio
// equipment, and the ones that plainly are, get a condition without radio.
func TestRadioCategories(t *testing.T) {
	tb, err := data()
	require.NoError(t, err)
	var radio []iorules.Category
	for _, c := range iorules.Categories() {
		if tb.categories[c].radio == radioRequired {
			radio = append(radio, c)
		}
	}
	require.Subset(t, radio, []iorules.Category{iorules.CategoryWirelessAccessPoint, iorules.CategoryMobilePhone})
	for _, c := range radio {
		t.Run(string(c), func(t *testing.T) {
			code := strings.ReplaceAll(Suggest(c)[0].HSCode, ".", "")
			_, reasons := CheckShipment("PH", iorules.Shipment{Items: []iorules.Item{item(1, c, code)}})
			require.Contains(t, briefs(reasons), brief{codeRadio, iorules.SeverityCondition, []int{1}})
		})
	}
}

// TestBillOfMaterials is issue 18 item 1: every subheading of the
// data-centre bill of materials is in the IT table and fits some category
// other than other.
func TestBillOfMaterials(t *testing.T) {
	bom := []string{
		"847150", "847170", "847180", // servers and storage
		"847330",           // GPU and other cards
		"851762",           // switches and routers
		"851779",           // transceivers and network parts
		"851771",           // aerials
		"850440",           // UPS
		"850760",           // lithium-ion battery cabinets
		"854442", "854449", // copper cables
		"854470",           // fibre cables
		"852351",           // SSDs
		"940320",           // racks
		"853710", "853669", // PDUs
		"841510", "841581", "841582", "841583", "841590", "841869", // cooling
		"852852", // monitors
		"847160", // keyboards and KVM
	}
	for _, hs6 := range bom {
		t.Run(hs6, func(t *testing.T) {
			_, ok := Lookup(hs6)
			require.True(t, ok, "%s is not in the IT table", hs6)
			var fits []iorules.Category
			for _, c := range iorules.Categories() {
				if c == iorules.CategoryOther {
					continue
				}
				if r := Check("MY", item(1, c, hs6)); r.Status == StatusOK {
					fits = append(fits, c)
				}
			}
			require.NotEmpty(t, fits, "no category fits %s", hs6)
		})
	}
}
