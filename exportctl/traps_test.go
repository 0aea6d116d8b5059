package exportctl

import (
	"errors"
	"testing"

	"github.com/iorules/iorules"
	tppcalc "github.com/iorules/iorules/exportctl/tpp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestTraps has one case per known trap of export-control pre-qualification
// (a place where the CFR text, the enforced law and the facts a shipment
// gives part ways), numbered and named after it.
func TestTraps(t *testing.T) {
	one := func(it iorules.Item) []iorules.Item { return []iorules.Item{it} }

	t.Run("01 CFR text and enforced law differ (AI Diffusion not enforced)", func(t *testing.T) {
		d, err := loadEmbedded()
		require.NoError(t, err)
		r, ok := d.ruleOn(ruleAIDiffusion, iorules.MustParseDate("2025-06-01"))
		require.True(t, ok, "the AI Diffusion rule is kept as data")
		require.Equal(t, statusNotEnforced, r.status)
		_, applies := d.inForce(ruleAIDiffusion, iorules.MustParseDate("2025-06-01"))
		require.False(t, applies)

		s := ship("US", "BR", one(gpuServer("4A090.a")), on("2025-06-01"))
		check(t, Screen(s, Options{}), want{det: DeterminationNLR, verdict: "clear", msg: "not enforced since 2025-05-13"})

		// Were the status in force, the same shipment would need a licence:
		// the status, not the presence of the record, decides.
		enforced := mustLoadEdited(t, "rules.yaml", "status: not_enforced", "status: in_force")
		check(t, enforced.screen(s, Options{}), want{det: DeterminationLicenceRequired, rule: ruleAIDiffusion})
	})

	t.Run("02 headquarters test is separate from the destination test", func(t *testing.T) {
		s := ship("US", "SG", one(gpuServer("4A090.a")), endUser("Lion City AI", "SG", "CN"))
		check(t, Screen(s, Options{}), want{det: DeterminationDenial, verdict: "decline", rule: rule3A090HQ})
		s = ship("US", "AE", one(gpuServer("4A090.a")), importer("Gulf Compute", "AE", "HK"))
		check(t, Screen(s, Options{}), want{det: DeterminationDenial, verdict: "decline", msg: "importer of record is headquartered in HK"})
	})

	t.Run("03 headquarters is not ownership", func(t *testing.T) {
		list := []ListedParty{{Name: "Shenzhen Parent Group", Country: "CN", List: "EL"}}
		s := ship("US", "SG", one(gpuServer("4A090.a")), endUser("Lion City Compute Pte Ltd", "SG", "SG"))
		res := Screen(s, Options{Parties: list})
		check(t, res, want{det: DeterminationNLR, verdict: "clear", msg: "the BIS Affiliates rule is suspended on this date"})
		require.Empty(t, res.Screening)

		// Once the Affiliates rule is back (2026-11-10), a name screen
		// cannot clear the end user: its owners must be established.
		s.Date = iorules.MustParseDate("2026-11-10")
		res = Screen(s, Options{Parties: list})
		check(t, res, want{det: DeterminationNLR, verdict: "conditional", codes: []string{CodeOwnershipUnknown}, msg: "asked for separately"})
	})

	t.Run("04 non-US origin does not put the EAR out of scope", func(t *testing.T) {
		tw := withTPP(line(1, iorules.CategoryGPUServer, "8471.50", "4A090.a", "TW"), "15832")
		check(t, Screen(ship("TW", "CN", one(tw)), Options{}), want{det: DeterminationDenial, verdict: "decline", codes: []string{CodeFDPPresumed}, msg: "734.9(h)"})
		check(t, Screen(ship("TW", "SA", one(tw)), Options{}), want{det: DeterminationNeedsFacts, verdict: "conditional", codes: []string{CodeJurisdiction}, msg: "de minimis level (25 % for SA)"})
		check(t, Screen(ship("TW", "BR", one(tw)), Options{}), want{det: DeterminationNLR, verdict: "clear", rule: ruleDeMinimis})
		check(t, Screen(ship("TW", "MY", one(tw), endUserHQ("CN")), Options{}), want{det: DeterminationDenial, codes: []string{CodeFDPPresumed}})
		res := Screen(ship("TW", "BR", one(tw)), Options{})
		require.Equal(t, "US EAR overlay", res.Regime)
	})

	t.Run("05 each reason for control is overcome separately", func(t *testing.T) {
		res := Screen(ship("US", "SA", one(withCrypto(gpuServer("5A002.z"), false))), Options{})
		require.True(t, hasReason(res, CodeLicenceException, ruleENC), "encryption reason")
		require.True(t, hasReason(res, CodeLicenceRequired, rule3A090), "advanced-computing reason")
	})

	t.Run("06 NAC excludes data-center 3A090.a and needs notification", func(t *testing.T) {
		check(t, Screen(ship("US", "CN", one(gpuServer("4A090.a"))), Options{}), want{det: DeterminationDenial, notCodes: []string{CodeLicenceException}})
		res := Screen(ship("US", "CN", one(workstationGPU("4A090.b"))), Options{})
		check(t, res, want{det: DeterminationNAC})
		for _, r := range res.Reasons {
			if r.Rule == ruleNAC {
				require.Contains(t, r.Unblock, "NAC notification")
			}
		}
		require.True(t, hasReason(res, CodeLicenceException, ruleNAC))
	})

	t.Run("07 case-by-case is not no-licence", func(t *testing.T) {
		h200 := withTPP(gpuServer("4A090.a"), "15000")
		check(t, Screen(ship("US", "CN", one(h200), on("2026-03-01")), Options{}),
			want{det: DeterminationDenial, verdict: "decline", msg: "reviewed case by case", licence: ptr(true)})
		check(t, Screen(ship("SG", "CN", one(h200), on("2026-03-01")), Options{}),
			want{det: DeterminationDenial, verdict: "decline", msg: "covers exports from the US only"})
		res := Screen(ship("US", "CN", one(h200), on("2026-01-14")), Options{})
		check(t, res, want{det: DeterminationDenial})
		require.NotContains(t, res.Lines[0].Message, "case by case", "the rule starts on 2026-01-15")
	})

	t.Run("08 sparsity and precision in TPP", func(t *testing.T) {
		_, err := tppcalc.Max(tppcalc.Throughput{TOPS: decimal.NewFromInt(3958), BitLength: 8, Sparse: true})
		require.ErrorIs(t, err, tppcalc.ErrSparseTOPS)
		got, err := tppcalc.Max(
			tppcalc.Throughput{TOPS: decimal.NewFromInt(989), BitLength: 16},
			tppcalc.Throughput{TOPS: decimal.NewFromInt(1979), BitLength: 8},
			tppcalc.Throughput{TOPS: decimal.RequireFromString("66.9"), BitLength: 64},
		)
		require.NoError(t, err)
		require.Equal(t, "15832", got.String())
		// A TPP that meets 3A090.a under a lower classification is flagged.
		gpu := withTPP(line(1, iorules.CategoryGPUAccelerator, "8473.30", "3A991.p", "US"), "5000")
		check(t, Screen(ship("US", "BR", one(gpu)), Options{}), want{det: DeterminationNeedsFacts, codes: []string{CodeClassificationMismatch}})
	})

	t.Run("09 Macau is treated like D:5 and Hong Kong as China", func(t *testing.T) {
		check(t, Screen(ship("US", "HK", one(gpuServer("4A090.a"))), Options{}), want{det: DeterminationDenial, msg: "HK is in D:5"})
		check(t, Screen(ship("US", "MO", one(gpuServer("4A090.a"))), Options{}), want{det: DeterminationDenial, msg: "MO is in Macau"})
		check(t, Screen(ship("US", "MY", one(gpuServer("4A090.a")), endUserHQ("MO")), Options{}), want{det: DeterminationDenial, rule: rule3A090HQ})
		require.False(t, InGroup("MO", GroupD5, testDay))
		require.True(t, InGroup("MO", GroupMacau, testDay))
	})

	t.Run("10 country groups change (Cambodia left D:5 on 2026-02-03)", func(t *testing.T) {
		check(t, Screen(ship("US", "KH", one(gpuServer("4A090.a")), on("2026-02-02")), Options{}), want{det: DeterminationDenial})
		check(t, Screen(ship("US", "KH", one(gpuServer("4A090.a")), on("2026-02-03")), Options{}), want{det: DeterminationLicenceRequired, msg: "KH is in D:1"})
	})

	t.Run("11 Syria changed in 2025", func(t *testing.T) {
		check(t, Screen(ship("US", "SY", one(storage("EAR99")), on("2025-09-01")), Options{}), want{det: DeterminationEmbargoed, verdict: "decline"})
		check(t, Screen(ship("US", "SY", one(storage("EAR99")), on("2025-09-02")), Options{}), want{det: DeterminationSPP, verdict: "conditional"})
		check(t, Screen(ship("US", "SY", one(withCrypto(storage("5A992.c"), true)), on("2025-09-02")), Options{}), want{det: DeterminationLicenceRequired, verdict: "conditional"})
	})

	t.Run("12 Russia and Belarus reach EAR99", func(t *testing.T) {
		check(t, Screen(ship("US", "RU", one(storage("EAR99"))), Options{}), want{det: DeterminationEmbargoed, verdict: "decline", msg: "746.8"})
		check(t, Screen(ship("US", "KZ", one(storage("EAR99")), endUser("Transit LLP", "KZ", "RU")), Options{}),
			want{det: DeterminationEmbargoed, verdict: "decline", msg: "end user is headquartered in Russia"})
	})

	t.Run("13 the 12g clause is a contract obligation, not a licence", func(t *testing.T) {
		sw := withCrypto(line(1, iorules.CategorySwitch, "8517.62", "5A992.c", "DE"), true)
		check(t, Screen(ship("DE", "AE", one(sw)), Options{}), want{det: DeterminationNLR, verdict: "conditional", codes: []string{CodeEU12g}, licence: ptr(false)})
		check(t, Screen(ship("DE", "NO", one(sw)), Options{}), want{det: DeterminationNLR, verdict: "clear", notCodes: []string{CodeEU12g}})
	})

	t.Run("14 the CHPL is keyed on HS-6, not ECCN", func(t *testing.T) {
		chip := line(1, iorules.CategoryOther, "8542.31", "EAR99", "US")
		check(t, Screen(ship("US", "KZ", one(chip)), Options{}), want{det: DeterminationNLR, verdict: "conditional", codes: []string{CodeCHPL}})
		check(t, Screen(ship("US", "BR", one(chip)), Options{}), want{verdict: "clear", notCodes: []string{CodeCHPL}})
		srv := line(1, iorules.CategoryServer, "8471.50", "5A992.c", "US")
		check(t, Screen(ship("US", "TR", one(srv)), Options{}), want{codes: []string{CodeCHPL}, msg: "Unconfirmed: the subheading's place on the list"})
	})

	t.Run("15 the EU has no 3A090", func(t *testing.T) {
		eu := withTPP(line(1, iorules.CategoryGPUServer, "8471.50", "4A090.a", "DE"), "15832")
		res := Screen(ship("DE", "BR", one(eu)), Options{})
		check(t, res, want{det: DeterminationNeedsFacts, codes: []string{CodeEUClassification}, notCodes: []string{CodeLicenceRequired}})
	})

	t.Run("16 Crimea and the occupied regions are not countries", func(t *testing.T) {
		ear99 := one(storage("EAR99"))
		check(t, Screen(ship("US", "UA", ear99, subdivision("UA-43")), Options{}), want{det: DeterminationEmbargoed, verdict: "decline", rule: "exportctl.embargo.ua_crimea"})
		check(t, Screen(ship("US", "UA", ear99, subdivision("UA-40")), Options{}), want{det: DeterminationEmbargoed, verdict: "decline"})
		check(t, Screen(ship("US", "UA", ear99, subdivision("UA-14")), Options{}), want{det: DeterminationEmbargoed, verdict: "decline", rule: "exportctl.embargo.ua_dnr_lnr"})
		check(t, Screen(ship("US", "UA", ear99, subdivision("UA-09")), Options{}), want{det: DeterminationEmbargoed, verdict: "decline"})
		check(t, Screen(ship("US", "UA", ear99, subdivision("UA-23")), Options{}), want{det: DeterminationNeedsFacts, verdict: "conditional", codes: []string{CodeRegionConfirm}})
		res := Screen(ship("US", "UA", ear99, subdivision("UA-30")), Options{})
		check(t, res, want{det: DeterminationNLR, verdict: "clear", codes: []string{CodeRegionConfirm}})
		check(t, Screen(ship("US", "UA", ear99), Options{}), want{verdict: "clear", codes: []string{CodeRegionConfirm}, msg: "the country code alone cannot show it"})
	})

	t.Run("17 screening lists are data with a date", func(t *testing.T) {
		s := ship("US", "BR", one(storage("EAR99")), endUser("Huawei Technologies Co Ltd", "BR", "CN"))
		res := Screen(s, Options{})
		check(t, res, want{codes: []string{CodeScreeningNotPerformed}, notCodes: []string{CodeRestrictedParty}})
		res = Screen(s, Options{Parties: []ListedParty{{Name: "Huawei Technologies Co., Ltd.", List: "EL", Source: "84 FR 22961 (list of 2026-06-01)"}}})
		check(t, res, want{verdict: "decline", codes: []string{CodeRestrictedParty}, msg: "84 FR 22961"})
	})

	t.Run("18 licence exceptions are subject to 740.2", func(t *testing.T) {
		list := []ListedParty{{Name: "Data Center Operator", List: "EL"}}
		res := Screen(ship("US", "BR", one(firewall("5A002.a"))), Options{Parties: list})
		check(t, res, want{det: DeterminationLicenceRequired, verdict: "decline", msg: "(15 CFR 740.2)"})
		cleared := Options{Parties: list, Dispositions: []Disposition{{PartyName: "Data Center Operator", ListedName: "Data Center Operator", Decision: "cleared", Reference: "KYC-7"}}}
		check(t, Screen(ship("US", "BR", one(firewall("5A002.a"))), cleared), want{det: DeterminationENC, verdict: "conditional"})
	})

	t.Run("19 encryption timing: classification request and 30 days", func(t *testing.T) {
		res := Screen(ship("US", "BR", one(firewall("5A002.a"))), Options{})
		check(t, res, want{det: DeterminationENC})
		var unblock string
		for _, r := range res.Reasons {
			if r.Rule == ruleENC {
				unblock = r.Unblock
			}
		}
		require.Contains(t, unblock, "classification request date at least 30 days before shipping")
	})

	t.Run("20 both regimes must pass for EU or UK origin with US content", func(t *testing.T) {
		res := Screen(ship("DE", "TR", one(firewall("5A002.a"))), Options{})
		require.True(t, hasReason(res, CodeLicenceRequired, ruleEUAnnexI), "EU licence")
		require.True(t, hasReason(res, CodeLicenceException, ruleENC), "EAR ENC for the US-origin item")
		check(t, res, want{det: DeterminationLicenceRequired, rule: ruleEUAnnexI, msg: "US-origin item re-exported from DE"})
	})
}

// TestFailClosed covers the facts the engine refuses to guess.
func TestFailClosed(t *testing.T) {
	one := func(it iorules.Item) []iorules.Item { return []iorules.Item{it} }
	cases := []struct {
		name string
		s    iorules.Shipment
		want want
	}{
		{"accelerator without ECCN or TPP", ship("US", "BR", one(line(1, iorules.CategoryGPUAccelerator, "8473.30", "", "US"))),
			want{det: DeterminationNeedsFacts, codes: []string{CodeECCNMissing}, msg: "ECCN and TPP"}},
		{"GPU server without ECCN, to China", ship("US", "CN", one(withTPP(line(1, iorules.CategoryGPUServer, "8471.50", "", "US"), "15832"))),
			want{det: DeterminationNeedsFacts, verdict: "conditional", codes: []string{CodeECCNMissing}}},
		{"3A090 without TPP", ship("US", "BR", one(line(1, iorules.CategoryGPUAccelerator, "8473.30", "3A090.a", "US"))),
			want{det: DeterminationNeedsFacts, codes: []string{CodeTPPMissing}}},
		{"accelerator with a lower ECCN and no TPP", ship("US", "BR", one(line(1, iorules.CategoryGPUAccelerator, "8473.30", "EAR99", "US"))),
			want{det: DeterminationNeedsFacts, codes: []string{CodeTPPMissing}}},
		{"accelerator in the PD-dependent band", ship("US", "BR", one(withTPP(line(1, iorules.CategoryGPUAccelerator, "8473.30", "EAR99", "US"), "2000"))),
			want{det: DeterminationNeedsFacts, codes: []string{CodeClassificationMismatch}, msg: "performance density"}},
		{"low-end accelerator", ship("US", "BR", one(withTPP(line(1, iorules.CategoryGPUAccelerator, "8473.30", "EAR99", "US"), "900"))),
			want{det: DeterminationNLR, verdict: "clear"}},
		{"3A090.b with an .a TPP", ship("US", "BR", one(withTPP(line(1, iorules.CategoryGPUAccelerator, "8473.30", "3A090.b", "US"), "5000"))),
			want{det: DeterminationNeedsFacts, codes: []string{CodeClassificationMismatch}}},
		{"encryption without ECCN", ship("US", "BR", one(withCrypto(line(1, iorules.CategoryFirewall, "8517.62", "", "US"), false))),
			want{det: DeterminationNeedsFacts, codes: []string{CodeECCNMissing}, msg: "likely 5A002"}},
		{"mass-market encryption without ECCN", ship("US", "BR", one(withCrypto(line(1, iorules.CategoryServer, "8471.50", "", "US"), true))),
			want{det: DeterminationNLR, verdict: "clear", codes: []string{CodeNote}, msg: "5A992.c self-classification"}},
		{"mass-market encryption without ECCN, to Russia", ship("US", "RU", one(withCrypto(line(1, iorules.CategoryServer, "8471.50", "", "US"), true))),
			want{det: DeterminationEmbargoed, verdict: "decline"}},
		{"passive item without ECCN", ship("US", "BR", one(line(1, iorules.CategoryRack, "9403.20", "", "US"))),
			want{det: DeterminationNLR, verdict: "clear", msg: "presumed EAR99"}},
		{"server without ECCN or cryptography", ship("US", "BR", one(line(1, iorules.CategoryServer, "8471.50", "", "US"))),
			want{det: DeterminationNeedsFacts, codes: []string{CodeECCNMissing}}},
		{"malformed ECCN", ship("US", "BR", one(line(1, iorules.CategoryServer, "8471.50", "5A99", "US"))),
			want{det: DeterminationNeedsFacts, codes: []string{CodeECCNInvalid}}},
		{"end user headquarters not stated", ship("US", "BR", one(gpuServer("4A090.a")), endUserHQ("")),
			want{det: DeterminationNeedsFacts, codes: []string{CodeHeadquartersMissing}}},
		{"destination groups unknown", ship("US", "GE", one(gpuServer("4A090.a"))),
			want{det: DeterminationNeedsFacts, codes: []string{CodeGroupUnknown}}},
		{"date before the data", ship("US", "BR", one(storage("EAR99")), on("2023-11-16")),
			want{det: DeterminationNeedsFacts, verdict: "conditional", codes: []string{CodeDataWindow}}},
		{"date missing", ship("US", "BR", one(storage("EAR99")), func(s *iorules.Shipment) { s.Date = iorules.Date{} }),
			want{det: DeterminationNeedsFacts, codes: []string{CodeFactsMissing}}},
		{"destination missing", ship("US", "", one(storage("EAR99"))),
			want{det: DeterminationNeedsFacts, codes: []string{CodeFactsMissing}}},
		{"origin not modelled, foreign item", ship("MX", "BR", one(withCrypto(line(1, iorules.CategoryServer, "8471.50", "5A992.c", "MX"), true))),
			want{det: DeterminationNLR, verdict: "clear", codes: []string{CodeOriginNotModelled}}},
		{"domestic movement", ship("BR", "BR", one(storage("EAR99"))),
			want{det: DeterminationNLR, verdict: "clear"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			check(t, Screen(tc.s, Options{}), tc.want)
		})
	}
}

// TestDataFailureFailsClosed shows a broken data set turns every line into
// a condition rather than a panic or a silent clear.
func TestDataFailureFailsClosed(t *testing.T) {
	res := dataFailure(ship("US", "BR", []iorules.Item{storage("EAR99")}), errors.New("boom"))
	check(t, res, want{det: DeterminationNeedsFacts, verdict: "conditional", codes: []string{CodeDataUnavailable}})
}
