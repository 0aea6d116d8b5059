package exportctl

import (
	"testing"

	"github.com/iorules/iorules"
)

// TestDecisionTableUS covers every cell of the US-origin decision table
// (ECCN family × destination column: A only, D:1/D:4, D:5/Macau, E:1/E:2,
// D:5/Macau-headquartered end user), one case per cell, plus the
// case-by-case and Syria variants the cells name.
func TestDecisionTableUS(t *testing.T) {
	items := func(it iorules.Item) []iorules.Item { return []iorules.Item{it} }
	hqCN := endUser("Overseas Cloud", "MY", "CN")
	cases := []struct {
		name string
		s    iorules.Shipment
		want want
	}{
		// Row 1: 3A090.a / 4A090.a / .z.
		{"3A090.a/A-only", ship("US", "BR", items(gpuServer("4A090.a"))),
			want{det: DeterminationNLR, verdict: "clear", rule: rule3A090, msg: "not enforced since 2025-05-13", licence: ptr(false)}},
		{"3A090.a/D:4", ship("US", "SA", items(gpuServer("4A090.a"))),
			want{det: DeterminationLicenceRequired, verdict: "conditional", rule: rule3A090, codes: []string{CodeLicenceRequired}, msg: "15 CFR 740.8(a) excludes items designed or marketed for use in a data center", licence: ptr(true)}},
		{"3A090.a/D:1", ship("US", "VN", items(gpuServer("3A090.a"))),
			want{det: DeterminationLicenceRequired, verdict: "conditional", rule: rule3A090}},
		{"3A090.a/D:5", ship("US", "CN", items(gpuServer("4A090.a"))),
			want{det: DeterminationDenial, verdict: "decline", rule: rule3A090, codes: []string{CodeDenial}, licence: ptr(true)}},
		{"3A090.a/Macau", ship("US", "MO", items(gpuServer("4A090.a"))),
			want{det: DeterminationDenial, verdict: "decline", rule: rule3A090, msg: "MO is in Macau"}},
		{"3A090.a/D:5/H200 case-by-case", ship("US", "CN", items(withTPP(gpuServer("4A090.a"), "15000"))),
			want{det: DeterminationDenial, verdict: "decline", msg: "reviewed case by case"}},
		{"3A090.a/E:1", ship("US", "IR", items(gpuServer("4A090.a"))),
			want{det: DeterminationEmbargoed, verdict: "decline", rule: "exportctl.embargo.ir", codes: []string{CodeEmbargo}}},
		{"3A090.a/E:2", ship("US", "CU", items(gpuServer("4A090.a"))),
			want{det: DeterminationEmbargoed, verdict: "decline", rule: "exportctl.embargo.cu"}},
		{"3A090.a/HQ D:5", ship("US", "MY", items(gpuServer("4A090.a")), hqCN),
			want{det: DeterminationDenial, verdict: "decline", rule: rule3A090HQ, msg: "headquartered in CN"}},
		{"5A992.z/A-only", ship("US", "BR", items(withCrypto(gpuServer("5A992.z"), true))),
			want{det: DeterminationNLR, verdict: "clear"}},

		// Row 2: 3A090.b / 4A090.b.
		{"3A090.b/A-only", ship("US", "BR", items(workstationGPU("3A090.b"))),
			want{det: DeterminationNLR, verdict: "clear"}},
		{"3A090.b/D:1", ship("US", "VN", items(workstationGPU("4A090.b"))),
			want{det: DeterminationACA, verdict: "conditional", rule: ruleACA, codes: []string{CodeLicenceException}}},
		{"3A090.b/D:5", ship("US", "CN", items(workstationGPU("3A090.b"))),
			want{det: DeterminationNAC, verdict: "conditional", rule: ruleNAC, msg: "prior notification"}},
		{"3A090.b/E:1", ship("US", "KP", items(workstationGPU("3A090.b"))),
			want{det: DeterminationEmbargoed, verdict: "decline"}},
		{"3A090.b/HQ D:5", ship("US", "MY", items(workstationGPU("3A090.b")), hqCN),
			want{det: DeterminationNAC, verdict: "conditional", rule: ruleNAC}},

		// Row 3: 4A003 / 4A004 / 4A005 without .z (Country Chart).
		{"4A003/A-only", ship("US", "BR", items(storage("4A003.b"))),
			want{det: DeterminationReview, verdict: "conditional", codes: []string{CodeCountryChart}}},
		{"4A003/D:1", ship("US", "VN", items(storage("4A003.b"))),
			want{det: DeterminationLicenceRequired, verdict: "conditional", rule: ruleCountryChart}},
		{"4A003/D:5 China", ship("US", "CN", items(storage("4A003.b"))),
			want{det: DeterminationLicenceRequired, verdict: "conditional", rule: ruleCountryChart, codes: []string{CodeNote}, msg: "744.21"}},
		{"4A003/D:5 Russia", ship("US", "RU", items(storage("4A003.b"))),
			want{det: DeterminationEmbargoed, verdict: "decline", rule: "exportctl.embargo.ru"}},
		{"4A003/E:1", ship("US", "IR", items(storage("4A005"))),
			want{det: DeterminationEmbargoed, verdict: "decline"}},
		{"4A003/HQ D:5", ship("US", "MY", items(storage("4A004")), hqCN),
			want{det: DeterminationReview, verdict: "conditional", msg: "744.23"}},

		// Row 4: EAR99 / 4A994 / 5A992 ordinary servers, switches, storage.
		{"EAR99/A-only", ship("US", "BR", items(storage("EAR99"))),
			want{det: DeterminationNLR, verdict: "clear", rule: ruleEAR99}},
		{"4A994/D:1", ship("US", "VN", items(storage("4A994.l"))),
			want{det: DeterminationNLR, verdict: "clear", rule: ruleATOnly}},
		{"5A992.c/D:4", ship("US", "SA", items(withCrypto(storage("5A992.c"), true))),
			want{det: DeterminationNLR, verdict: "clear", rule: rule5A992}},
		{"EAR99/D:5 China", ship("US", "CN", items(storage("EAR99"))),
			want{det: DeterminationNLR, verdict: "clear", msg: "744.23"}},
		{"EAR99/D:5 Russia", ship("US", "RU", items(storage("EAR99"))),
			want{det: DeterminationEmbargoed, verdict: "decline", rule: "exportctl.embargo.ru"}},
		{"EAR99/D:5 Belarus", ship("US", "BY", items(storage("EAR99"))),
			want{det: DeterminationEmbargoed, verdict: "decline", rule: "exportctl.embargo.by"}},
		{"EAR99/E:2 Cuba", ship("US", "CU", items(storage("EAR99"))),
			want{det: DeterminationEmbargoed, verdict: "decline"}},
		{"EAR99/E:1 Iran", ship("US", "IR", items(storage("EAR99"))),
			want{det: DeterminationEmbargoed, verdict: "decline"}},
		{"EAR99/E:1 North Korea", ship("US", "KP", items(storage("EAR99"))),
			want{det: DeterminationEmbargoed, verdict: "decline"}},
		{"EAR99/E:1 Syria SPP", ship("US", "SY", items(storage("EAR99"))),
			want{det: DeterminationSPP, verdict: "conditional", rule: ruleSyriaSPP}},
		{"5A992.c/E:1 Syria CCL", ship("US", "SY", items(withCrypto(storage("5A992.c"), true))),
			want{det: DeterminationLicenceRequired, verdict: "conditional", rule: ruleSyriaSPP}},
		{"EAR99/HQ D:5", ship("US", "MY", items(storage("EAR99")), hqCN),
			want{det: DeterminationNLR, verdict: "clear", rule: ruleEAR99, msg: "744.23"}},

		// Row 5: 5A002 non-mass-market encryption.
		{"5A002/A-only", ship("US", "BR", items(firewall("5A002.a"))),
			want{det: DeterminationENC, verdict: "conditional", rule: ruleENC, msg: "30-day wait"}},
		{"5A002/D:4", ship("US", "SA", items(firewall("5A002.a"))),
			want{det: DeterminationENC, verdict: "conditional", rule: ruleENC}},
		{"5A002/D:5 China", ship("US", "CN", items(firewall("5A002.a"))),
			want{det: DeterminationENC, verdict: "conditional", msg: "Government end users"}},
		{"5A002/D:5 Russia", ship("US", "RU", items(firewall("5A002.a"))),
			want{det: DeterminationEmbargoed, verdict: "decline"}},
		{"5A002/E:1", ship("US", "IR", items(firewall("5A002.a"))),
			want{det: DeterminationEmbargoed, verdict: "decline"}},
		{"5A002/E:1 Syria", ship("US", "SY", items(firewall("5A002.a"))),
			want{det: DeterminationLicenceRequired, verdict: "conditional"}},

		// Row 6: 5A002.z / 5A992.z: both reasons for control.
		{"5A002.z/A-only", ship("US", "BR", items(withCrypto(gpuServer("5A002.z"), false))),
			want{det: DeterminationENC, verdict: "conditional", codes: []string{CodeLicenceException, CodeNLR}}},
		{"5A002.z/D:4", ship("US", "SA", items(withCrypto(gpuServer("5A002.z"), false))),
			want{det: DeterminationLicenceRequired, verdict: "conditional", rule: rule3A090, codes: []string{CodeLicenceException, CodeLicenceRequired}}},
		{"5A002.z/D:5", ship("US", "CN", items(withCrypto(gpuServer("5A002.z"), false))),
			want{det: DeterminationDenial, verdict: "decline"}},
		{"5A002.z/E:1", ship("US", "IR", items(withCrypto(gpuServer("5A002.z"), false))),
			want{det: DeterminationEmbargoed, verdict: "decline"}},
		{"5A002.z/HQ D:5", ship("US", "MY", items(withCrypto(gpuServer("5A002.z"), false)), hqCN),
			want{det: DeterminationDenial, verdict: "decline", rule: rule3A090HQ}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			check(t, Screen(tc.s, Options{}), tc.want)
		})
	}
}

// TestDecisionTableListedParty covers row 7 of table 8.1: any item, a party
// on the Entity List, declines in every destination column.
func TestDecisionTableListedParty(t *testing.T) {
	list := []ListedParty{{Name: "Data Center Operator", List: "BIS Entity List", Source: "85 FR 00000"}}
	for _, dest := range []iorules.Country{"BR", "SA", "CN", "IR"} {
		t.Run(string(dest), func(t *testing.T) {
			res := Screen(ship("US", dest, []iorules.Item{storage("EAR99")}), Options{Parties: list})
			check(t, res, want{verdict: "decline", codes: []string{CodeRestrictedParty}})
		})
	}
	t.Run("HQ D:5", func(t *testing.T) {
		res := Screen(ship("US", "MY", []iorules.Item{storage("EAR99")}, endUser("Data Center Operator", "MY", "CN")), Options{Parties: list})
		check(t, res, want{verdict: "decline", codes: []string{CodeRestrictedParty}})
	})
}

// TestDecisionTableEU covers the EU-origin decision table (EU Member State
// origin, EU-made goods) and its US re-export overlay.
func TestDecisionTableEU(t *testing.T) {
	de := func(it iorules.Item) []iorules.Item { it.CountryOfOrigin = "DE"; return []iorules.Item{it} }
	annexI := firewall("5A002.a")
	chplSwitch := withCrypto(line(1, iorules.CategorySwitch, "8517.62", "5A992.c", "DE"), true)
	cable := line(1, iorules.CategoryCableCopper, "8544.42", "EAR99", "DE")
	cases := []struct {
		name string
		s    iorules.Shipment
		want want
	}{
		// Row 1: Annex I item.
		{"AnnexI/EU001", ship("DE", "JP", de(annexI)),
			want{det: DeterminationNeedsFacts, rule: ruleDeMinimis, verdict: "conditional", codes: []string{CodeLicenceException, CodeJurisdiction}, msg: "EU001"}},
		{"AnnexI/EU001 to US (no EAR overlay)", ship("DE", "US", de(annexI)),
			want{det: DeterminationEU001, rule: ruleEU001, notCodes: []string{CodeJurisdiction}}},
		{"AnnexI/other third country", ship("DE", "TR", de(annexI)),
			want{det: DeterminationLicenceRequired, rule: ruleEUAnnexI, verdict: "conditional"}},
		{"AnnexI/Russia", ship("DE", "RU", de(annexI)),
			want{det: DeterminationEmbargoed, verdict: "decline", msg: "833/2014"}},
		{"AnnexI/occupied Ukraine", ship("DE", "UA", de(annexI), subdivision("UA-43")),
			want{det: DeterminationEmbargoed, verdict: "decline", msg: "Crimea"}},
		{"AnnexI/Iran", ship("DE", "IR", de(annexI)),
			want{det: DeterminationEmbargoed, verdict: "decline"}},
		{"AnnexI/Syria", ship("DE", "SY", de(annexI)),
			want{det: DeterminationLicenceRequired, rule: ruleEUAnnexI}},
		{"AnnexI/Cuba", ship("DE", "CU", de(annexI)),
			want{det: DeterminationLicenceRequired, rule: ruleEUAnnexI, codes: []string{CodeJurisdiction}, msg: "10 %"}},

		// Row 2: non-listed item on the CHPL.
		{"CHPL/EU001 partner", ship("DE", "JP", []iorules.Item{chplSwitch}),
			want{det: DeterminationNLR, verdict: "clear", notCodes: []string{CodeEU12g, CodeCHPL}}},
		{"CHPL/other third country", ship("DE", "KZ", []iorules.Item{chplSwitch}),
			want{det: DeterminationNLR, verdict: "conditional", codes: []string{CodeEU12g, CodeCHPL}}},
		{"CHPL/other third country, no diversion listing", ship("DE", "BR", []iorules.Item{chplSwitch}),
			want{det: DeterminationNLR, verdict: "conditional", codes: []string{CodeEU12g}, notCodes: []string{CodeCHPL}}},
		{"CHPL/Russia", ship("DE", "RU", []iorules.Item{chplSwitch}),
			want{det: DeterminationEmbargoed, verdict: "decline", notCodes: []string{CodeEU12g}}},
		{"CHPL/Iran", ship("DE", "IR", []iorules.Item{chplSwitch}),
			want{det: DeterminationEmbargoed, verdict: "decline"}},

		// Row 3: non-listed, non-CHPL IT.
		{"nonlisted/EU001", ship("DE", "JP", []iorules.Item{cable}),
			want{det: DeterminationNLR, verdict: "clear"}},
		{"nonlisted/other third country", ship("DE", "BR", []iorules.Item{cable}),
			want{det: DeterminationNLR, verdict: "clear", msg: "catch-all"}},
		{"nonlisted/Belarus", ship("DE", "BY", []iorules.Item{cable}),
			want{det: DeterminationEmbargoed, verdict: "decline", msg: "765/2006"}},
		{"nonlisted/North Korea", ship("DE", "KP", []iorules.Item{cable}),
			want{det: DeterminationEmbargoed, verdict: "decline"}},
		{"nonlisted/intra-EU", ship("DE", "FR", []iorules.Item{cable}),
			want{det: DeterminationNLR, verdict: "clear", rule: ruleEUIntra}},

		// US re-export overlay: both regimes must pass.
		{"overlay/US-origin GPU server to D:4", ship("DE", "SA", []iorules.Item{gpuServer("4A090.a")}),
			want{det: DeterminationLicenceRequired, rule: rule3A090, codes: []string{CodeEUClassification, CodeLicenceRequired}, msg: "US-origin item re-exported from DE"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := Screen(tc.s, Options{})
			check(t, res, tc.want)
			if tc.s.Destination != "US" {
				// The regime label names the overlay.
				if res.Regime != "EU 2021/821 + US EAR overlay" {
					t.Fatalf("regime %q", res.Regime)
				}
			}
		})
	}
}

// TestDecisionTableUK covers the UK-origin decision table (it mirrors the EU
// structure; OGELs are not encoded).
func TestDecisionTableUK(t *testing.T) {
	gb := func(it iorules.Item) []iorules.Item { it.CountryOfOrigin = "GB"; return []iorules.Item{it} }
	cases := []struct {
		name string
		s    iorules.Shipment
		want want
	}{
		{"listed/third country", ship("GB", "TR", gb(firewall("5A002a1"))),
			want{det: DeterminationLicenceRequired, rule: ruleUKDualUse, msg: "SIEL"}},
		{"listed/EU member", ship("GB", "DE", gb(firewall("5A002.a"))),
			want{det: DeterminationLicenceRequired, rule: ruleUKDualUse}},
		{"listed/Russia", ship("GB", "RU", gb(firewall("5A002.a"))),
			want{det: DeterminationEmbargoed, verdict: "decline", msg: "Russia (Sanctions) (EU Exit) Regulations 2019"}},
		{"nonlisted", ship("GB", "BR", gb(storage("EAR99"))),
			want{det: DeterminationNLR, verdict: "clear"}},
		{"advanced/after mirror", ship("GB", "BR", gb(gpuServer("4A090.a"))),
			want{det: DeterminationNeedsFacts, rule: ruleUKAdvanced, codes: []string{CodeEUClassification}}},
		{"advanced/before mirror", ship("GB", "BR", gb(gpuServer("4A090.a")), on("2025-12-14")),
			want{det: DeterminationNLR, notCodes: []string{CodeEUClassification}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := Screen(tc.s, Options{})
			check(t, res, tc.want)
			if res.Regime != "UK dual-use + US EAR overlay" {
				t.Fatalf("regime %q", res.Regime)
			}
		})
	}
}
