package exportctl

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

func TestEmbeddedDataLoads(t *testing.T) {
	d, err := loadEmbedded()
	require.NoError(t, err)
	for _, id := range requiredRules {
		require.NotEmpty(t, d.rules[id], id)
	}
	// The AI Diffusion rule is kept, with a status other than in force.
	r := d.rules[ruleAIDiffusion][0]
	require.Equal(t, statusNotEnforced, r.status)
	require.Equal(t, "2025-05-13", r.statusSince.String())
}

func TestDataValidation(t *testing.T) {
	cases := []struct {
		name, file, old, new, want string
	}{
		{"missing source", "rules.yaml", `source: "15 CFR 740.17(b)(1)-(b)(3)"`, `source: ""`, "source is missing"},
		{"bad confidence", "groups.yaml", "confidence: confirmed\n        note: removed on 2026-02-03", "confidence: maybe\n        note: removed on 2026-02-03", "confidence must be confirmed or unconfirmed"},
		{"bad status", "rules.yaml", "status: not_enforced", "status: rescinded", "status must be in_force, not_enforced, suspended or superseded"},
		{"window backwards", "groups.yaml", "effective_to: 2026-02-02", "effective_to: 2020-02-02", "groups.yaml: D:5 members[4]: effective_to: 2020-02-02 is before effective_from 2023-11-17"},
		{"no first day", "groups.yaml", "countries: [KH]\n        effective_from: 2023-11-17", "countries: [KH]", "groups.yaml: D:5 members[4]: effective_from: required"},
		{"date that does not exist", "groups.yaml", "effective_to: 2026-02-02", "effective_to: 2026-02-30", `groups.yaml: D:5 members[4]: effective_to: invalid date "2026-02-30"`},
		{"missing confidence", "groups.yaml", "confidence: confirmed\n        note: removed on 2026-02-03", "note: removed on 2026-02-03", `confidence must be confirmed or unconfirmed, got ""`},
		{"unknown field", "chpl.yaml", "tier: \"1\"", "tierr: \"1\"", "field tierr not found"},
		{"unknown country", "embargoes.yaml", "country: CU", "country: XX", "unknown country \"XX\""},
		{"overlapping rule records", "rules.yaml", "  - id: exportctl.ear.740.2\n", "  - id: exportctl.ear.enc\n", "overlaps another record"},
		{"missing rule", "rules.yaml", "id: exportctl.screening", "id: exportctl.screening2", "exportctl.screening: rule the engine needs is missing"},
		{"unknown list effect", "lists.yaml", "effect: condition, source: \"15 CFR 744.15\"", "effect: maybe, source: \"15 CFR 744.15\"", "effect must be decline or condition"},
		{"unknown regime", "rules.yaml", "regime: UK dual-use", "regime: UK", "regime must be"},
		{"overlapping embargo records", "embargoes.yaml", "effective_to: 2025-09-01", "effective_to: 2025-09-03", "overlaps another record of the same embargo"},
		{"subdivision outside the country", "embargoes.yaml", "subdivisions: [UA-43, UA-40]", "subdivisions: [RU-CR, UA-40]", "subdivision RU-CR is not in UA"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadEdited(t, tc.file, tc.old, tc.new)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestEffectiveDating checks memberships and rules on both sides of the
// dates they change.
func TestEffectiveDating(t *testing.T) {
	day := iorules.MustParseDate
	t.Run("Cambodia leaves D:5", func(t *testing.T) {
		require.True(t, InGroup("KH", GroupD5, day("2026-02-02")))
		require.False(t, InGroup("KH", GroupD5, day("2026-02-03")))
	})
	t.Run("United Kingdom leaves the EU", func(t *testing.T) {
		require.True(t, InGroup("GB", GroupEU, day("2020-01-31")))
		require.False(t, InGroup("GB", GroupEU, day("2020-02-01")))
	})
	t.Run("Croatia joins the EU", func(t *testing.T) {
		require.False(t, InGroup("HR", GroupEU, day("2013-06-30")))
		require.True(t, InGroup("HR", GroupEU, day("2013-07-01")))
	})
	t.Run("12g clause applies from 2024-03-20", func(t *testing.T) {
		sw := withCrypto(line(1, iorules.CategorySwitch, "8517.62", "5A992.c", "DE"), true)
		before := Screen(ship("DE", "AE", []iorules.Item{sw}, on("2024-03-19")), Options{})
		after := Screen(ship("DE", "AE", []iorules.Item{sw}, on("2024-03-20")), Options{})
		require.False(t, hasReason(before, CodeEU12g, ""))
		require.True(t, hasReason(after, CodeEU12g, ""))
	})
	t.Run("CHPL list from 2024-02-23", func(t *testing.T) {
		chip := line(1, iorules.CategoryOther, "8542.31", "EAR99", "US")
		require.False(t, hasReason(Screen(ship("US", "KZ", []iorules.Item{chip}, on("2024-02-22")), Options{}), CodeCHPL, ""))
		require.True(t, hasReason(Screen(ship("US", "KZ", []iorules.Item{chip}, on("2024-02-23")), Options{}), CodeCHPL, ""))
	})
	t.Run("ACA exists from 2024-04-04", func(t *testing.T) {
		gpu := workstationGPU("4A090.b")
		check(t, Screen(ship("US", "VN", []iorules.Item{gpu}, on("2024-04-03")), Options{}), want{det: DeterminationLicenceRequired})
		check(t, Screen(ship("US", "VN", []iorules.Item{gpu}, on("2024-04-04")), Options{}), want{det: DeterminationACA})
	})
}

func TestCountryGroups(t *testing.T) {
	var got []Group
	for _, m := range CountryGroups("CN", testDay) {
		got = append(got, m.Group)
		require.NotEmpty(t, m.Source)
		require.True(t, m.Confidence.IsValid(), m.Confidence)
	}
	require.Empty(t, cmp.Diff([]Group{GroupD1, GroupD3, GroupD4, GroupD5, GroupCHPLDiversion}, got))
	require.Nil(t, CountryGroups("ZZ", testDay))

	kh := CountryGroups("KH", iorules.MustParseDate("2026-01-01"))
	require.Equal(t, GroupD1, kh[0].Group)
	require.Equal(t, GroupD5, kh[1].Group)
	require.Equal(t, "2026-02-02", kh[1].EffectiveTo.String())
	require.Equal(t, iorules.ConfidenceConfirmed, kh[1].Confidence)
}

// TestEveryReasonIsSourced runs a spread of shipments and checks that every
// reason other than the data-window notes cites a source and names a rule
// the data knows.
func TestEveryReasonIsSourced(t *testing.T) {
	d, err := loadEmbedded()
	require.NoError(t, err)
	items := []iorules.Item{
		gpuServer("4A090.a"), workstationGPU("3A090.b"), storage("4A003.b"), storage("EAR99"),
		firewall("5A002.a"), withCrypto(gpuServer("5A002.z"), false), withCrypto(line(1, iorules.CategorySwitch, "8517.62", "5A992.c", "DE"), true),
		line(1, iorules.CategoryRack, "9403.20", "", "TW"), line(1, iorules.CategoryOther, "8542.31", "", "US"),
	}
	for i := range items {
		items[i].Line = i + 1
	}
	list := []ListedParty{{Name: "Local Importer", List: "UVL"}}
	for _, origin := range []iorules.Country{"US", "DE", "GB", "TW"} {
		for _, dest := range []iorules.Country{"BR", "SA", "VN", "CN", "MO", "RU", "IR", "CU", "SY", "UA", "KZ", "AE", "JP", "GE"} {
			res := Screen(ship(origin, dest, items, endUserHQ("CN")), Options{Parties: list})
			require.Len(t, res.Lines, len(items))
			for _, r := range res.Reasons {
				if r.Rule == ruleData {
					continue
				}
				require.NotEmpty(t, r.Source, "%s→%s %s %s", origin, dest, r.Code, r.Rule)
				known := len(d.rules[r.Rule]) > 0 || strings.HasPrefix(r.Rule, "exportctl.embargo.")
				require.True(t, known, "rule %s", r.Rule)
			}
		}
	}
}
