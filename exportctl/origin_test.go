package exportctl

import (
	"testing"

	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

func exporter(country, hq iorules.Country) shipOpt {
	return func(s *iorules.Shipment) {
		s.Exporter = iorules.Party{Name: "Some Exporter", Country: country, HeadquartersCountry: hq}
	}
}

// TestEmbargoOriginAndParties is issue 16 B12: embargoes reach the
// country of origin of every line, the country the goods are shipped from,
// and every party (exporter, importer of record, end user) by where it is
// established or headquartered, each finding citing its legal source.
func TestEmbargoOriginAndParties(t *testing.T) {
	server := func(coo iorules.Country) iorules.Item {
		return line(1, iorules.CategoryServer, "8471.50", "EAR99", coo)
	}
	lamp := func(coo iorules.Country) iorules.Item { return line(1, iorules.CategoryOther, "9405.11", "EAR99", coo) }
	cases := []struct {
		name    string
		s       iorules.Shipment
		verdict string
		det     Determination // of line 1
		rule    string        // deciding rule of line 1
		code    string
		msg     string // in a reason's message
		source  string // in that reason's source
	}{
		{"DPRK-origin HS 84 to Brazil", ship("CN", "BR", []iorules.Item{server("KP")}),
			"decline", DeterminationEmbargoed, "exportctl.embargo.kp.origin_un", CodeEmbargo,
			"The goods originate in North Korea (HS 8471.50, chapter 84)", "UNSCR 2397 (2017) op. 7"},
		{"DPRK-origin HS 85 to Germany", ship("CN", "DE", []iorules.Item{line(1, iorules.CategorySwitch, "8517.62", "EAR99", "KP")}),
			"decline", DeterminationEmbargoed, "exportctl.embargo.kp.origin_un", CodeEmbargo,
			"chapter 85", "UNSCR 2397 (2017) op. 7"},
		{"shipped from the DPRK", ship("KP", "BR", []iorules.Item{server("CN")}, exporter("CN", "CN")),
			"decline", DeterminationEmbargoed, "exportctl.embargo.kp.origin_un", CodeEmbargo,
			"The goods are shipped from North Korea", "UNSCR 2397 (2017) op. 7"},
		{"DPRK-origin other chapter to Brazil", ship("CN", "BR", []iorules.Item{lamp("KP")}),
			"conditional", DeterminationNeedsFacts, "exportctl.embargo.kp.origin_un_other", CodeSanctionsReview,
			"The goods originate in North Korea (HS 9405.11)", "UNSCR 2270 (2016)"},
		{"DPRK-origin other chapter to the US", ship("CN", "US", []iorules.Item{lamp("KP")}),
			"decline", DeterminationEmbargoed, "exportctl.embargo.kp.origin_us", CodeEmbargo,
			"importation into the United States", "EO 13570"},
		{"Iranian-origin goods to the US", ship("AE", "US", []iorules.Item{server("IR")}),
			"decline", DeterminationEmbargoed, "exportctl.embargo.ir.origin_us", CodeEmbargo,
			"The goods originate in Iran", "31 CFR 560.201"},
		{"Iranian-origin goods to Brazil", ship("AE", "BR", []iorules.Item{server("IR")}),
			"conditional", DeterminationNeedsFacts, "exportctl.embargo.ir.origin_us_persons", CodeSanctionsReview,
			"US persons", "31 CFR 560.206"},
		{"Cuban-origin goods to the US", ship("MX", "US", []iorules.Item{server("CU")}),
			"decline", DeterminationEmbargoed, "exportctl.embargo.cu.origin_us", CodeEmbargo,
			"The goods originate in Cuba", "31 CFR 515.204"},
		{"Russian-origin goods to Germany", ship("KZ", "DE", []iorules.Item{server("RU")}),
			"conditional", DeterminationNeedsFacts, "exportctl.embargo.ru.origin_eu", CodeSanctionsReview,
			"Annex XXI", "Regulation (EU) 833/2014 Art. 3i"},
		{"exporter established in Iran", ship("AE", "BR", []iorules.Item{server("CN")}, exporter("IR", "")),
			"decline", DeterminationEmbargoed, "exportctl.embargo.ir", CodeEmbargo,
			"The exporter is established in Iran", "31 CFR 560"},
		{"exporter headquartered in the DPRK", ship("CN", "BR", []iorules.Item{server("CN")}, exporter("CN", "KP")),
			"decline", DeterminationEmbargoed, "exportctl.embargo.kp", CodeEmbargo,
			"The exporter is headquartered in North Korea", "15 CFR 746.4"},
		{"exporter established in Russia", ship("KZ", "BR", []iorules.Item{server("CN")}, exporter("RU", "RU")),
			"conditional", DeterminationNeedsFacts, "exportctl.embargo.ru", CodeSanctionsReview,
			"The exporter is established in Russia", "15 CFR 746.8"},
		{"importer headquartered in Iran", ship("US", "AE", []iorules.Item{server("US")}, importer("Gulf Trading", "AE", "IR")),
			"decline", DeterminationEmbargoed, "exportctl.embargo.ir", CodeEmbargo,
			"The importer of record is headquartered in Iran", "15 CFR 746.7"},
		{"end user established in Cuba", ship("US", "MX", []iorules.Item{server("US")}, endUser("Havana Data", "CU", "CU")),
			"decline", DeterminationEmbargoed, "exportctl.embargo.cu", CodeEmbargo,
			"The end user is established in Cuba", "15 CFR 746.2"},
		{"no HS code on a DPRK-origin line", ship("CN", "BR", []iorules.Item{{Line: 1, Category: iorules.CategoryServer, Quantity: 1, ECCN: "EAR99", CountryOfOrigin: "KP"}}),
			"conditional", DeterminationNeedsFacts, "exportctl.embargo.kp.origin_un", CodeSanctionsReview,
			"no valid HS code", "UNSCR 2397 (2017) op. 7"},
		{"control: Chinese goods, US exporter", ship("US", "BR", []iorules.Item{server("CN")}),
			"clear", DeterminationNLR, "", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := Screen(tc.s, Options{})
			check(t, res, want{verdict: tc.verdict, det: tc.det, rule: tc.rule})
			if tc.code == "" {
				require.False(t, hasReason(res, CodeEmbargo, "") || hasReason(res, CodeSanctionsReview, ""))
				return
			}
			found := false
			for _, r := range res.Reasons {
				if r.Code == tc.code && r.Rule == tc.rule {
					found = true
					require.Contains(t, r.Message, tc.msg)
					require.Contains(t, r.Source, tc.source, "the reason cites its legal source")
					require.Equal(t, []int{1}, r.Lines)
				}
			}
			require.True(t, found, "no %s reason from %s: %v", tc.code, tc.rule, codes(res))
		})
	}
}

// TestEmbargoOriginPerLine: a DPRK-origin line declines itself only; a
// review measure is not added where a decline of the same place applies.
func TestEmbargoOriginPerLine(t *testing.T) {
	kp := line(1, iorules.CategoryServer, "8471.50", "EAR99", "KP")
	cn := line(2, iorules.CategoryServer, "8471.50", "EAR99", "CN")
	res := Screen(ship("CN", "BR", []iorules.Item{kp, cn}), Options{})
	require.Equal(t, DeterminationEmbargoed, res.Lines[0].Determination)
	require.Equal(t, DeterminationNLR, res.Lines[1].Determination)
	require.False(t, hasReason(res, CodeSanctionsReview, "exportctl.embargo.kp.origin_un_other"))

	res = Screen(ship("CN", "US", []iorules.Item{line(1, iorules.CategoryOther, "9405.11", "EAR99", "IR")}), Options{})
	require.True(t, hasReason(res, CodeEmbargo, "exportctl.embargo.ir.origin_us"))
	require.False(t, hasReason(res, CodeSanctionsReview, "exportctl.embargo.ir.origin_us_persons"))
}
