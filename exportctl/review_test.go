package exportctl

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

// reasonsWith returns the reasons with the given code and rule.
func reasonsWith(res Result, code, rule string) []iorules.Reason {
	var out []iorules.Reason
	for _, r := range res.Reasons {
		if r.Code == code && (rule == "" || r.Rule == rule) {
			out = append(out, r)
		}
	}
	return out
}

// TestAffiliatesRule covers the BIS Affiliates rule's windows (in force from
// 2025-09-29, suspended 2025-11-10 to 2026-11-09, back from 2026-11-10) and
// the ownership facts it asks for.
func TestAffiliatesRule(t *testing.T) {
	one := func(it iorules.Item) []iorules.Item { return []iorules.Item{it} }
	gpuMY := func(opts ...shipOpt) iorules.Shipment {
		return ship("US", "MY", one(gpuServer("4A090.a")), opts...)
	}
	owned := func(names ...string) []Disposition {
		var ds []Disposition
		for i, n := range names {
			ds = append(ds, Disposition{PartyName: n, Decision: DecisionOwnershipCleared, Reference: "OWN-" + string(rune('1'+i))})
		}
		return ds
	}
	cases := []struct {
		name string
		s    iorules.Shipment
		opts Options
		want want
		// open lists the parties the ownership condition must name; nil
		// when there must be no condition.
		open []string
		// closed lists parties it must not name.
		closed []string
	}{
		{"IFR in force 2025-10-01", gpuMY(on("2025-10-01")), Options{},
			want{verdict: "conditional", codes: []string{CodeOwnershipUnknown}}, []string{"end user", "importer of record"}, nil},
		{"before the IFR 2025-09-28", gpuMY(on("2025-09-28")), Options{},
			want{verdict: "clear", notCodes: []string{CodeOwnershipUnknown}}, nil, nil},
		{"suspended 2025-11-10", gpuMY(on("2025-11-10")), Options{},
			want{verdict: "clear", notCodes: []string{CodeOwnershipUnknown}}, nil, nil},
		{"suspended, last day 2026-11-09", gpuMY(on("2026-11-09")), Options{},
			want{verdict: "clear", notCodes: []string{CodeOwnershipUnknown}, msg: "suspended on this date"}, nil, nil},
		{"reimposed 2026-11-10", gpuMY(on("2026-11-10")), Options{},
			want{det: DeterminationNLR, verdict: "conditional", codes: []string{CodeOwnershipUnknown}, msg: "unconfirmed, as a later extension of its suspension would not be reflected"},
			[]string{`end user "Data Center Operator"`, `importer of record "Local Importer"`}, nil},
		{"2027-01-15, EAR99 storage to an A-only market", ship("US", "BR", one(storage("EAR99")), on("2027-01-15")), Options{},
			want{verdict: "conditional", codes: []string{CodeOwnershipUnknown}}, []string{"end user", "importer of record"}, nil},
		{"both parties' ownership screened", gpuMY(on("2026-12-02")), Options{Dispositions: owned("Data Center Operator", "LOCAL IMPORTER")},
			want{verdict: "clear", notCodes: []string{CodeOwnershipUnknown}, msg: `disposition "OWN-2"`}, nil, nil},
		{"one party's ownership screened", gpuMY(on("2026-12-02")), Options{Dispositions: owned("Data Center Operator")},
			want{verdict: "conditional", codes: []string{CodeOwnershipUnknown}, msg: `end user "Data Center Operator" (disposition "OWN-1")`},
			[]string{`importer of record "Local Importer"`}, []string{"end user"}},
		{"a name-match clearance is not an ownership review", gpuMY(on("2026-12-02")),
			Options{Dispositions: []Disposition{{PartyName: "Data Center Operator", Decision: DecisionCleared, Reference: "KYC-1"}}},
			want{verdict: "conditional", codes: []string{CodeOwnershipUnknown}}, []string{"end user", "importer of record"}, nil},
		{"the end user is itself listed: declined, not asked", gpuMY(on("2026-12-02")),
			Options{Parties: []ListedParty{{Name: "Data Center Operator", List: "EL"}}},
			want{verdict: "decline", codes: []string{CodeRestrictedParty}, notCodes: []string{CodeOwnershipUnknown}}, nil, nil},
		{"embargoed destination", ship("US", "IR", one(storage("EAR99")), on("2026-12-02")), Options{},
			want{verdict: "decline", notCodes: []string{CodeOwnershipUnknown}}, nil, nil},
		{"EU-made goods from the EU: the EAR does not reach them for certain", ship("DE", "BR", one(line(1, iorules.CategoryCableCopper, "8544.42", "EAR99", "DE")), on("2026-12-02")), Options{},
			want{notCodes: []string{CodeOwnershipUnknown}}, nil, nil},
		{"a US-made line re-exported from the EU", ship("DE", "BR", one(storage("EAR99")), on("2026-12-02")), Options{},
			want{verdict: "conditional", codes: []string{CodeOwnershipUnknown}}, []string{"end user", "importer of record"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Screen(c.s, c.opts)
			check(t, res, c.want)
			got := reasonsWith(res, CodeOwnershipUnknown, ruleAffiliates)
			if c.open == nil {
				require.Empty(t, got)
				return
			}
			require.Len(t, got, 1)
			r := got[0]
			require.Equal(t, iorules.SeverityCondition, r.Severity)
			require.Empty(t, r.Lines, "the ownership condition is shipment-wide")
			require.Contains(t, r.Unblock, "50 % or more")
			require.Contains(t, r.Unblock, DecisionOwnershipCleared)
			require.Contains(t, r.Source, "90 FR 47201")
			for _, p := range c.open {
				require.Contains(t, r.Message, p)
				require.Contains(t, r.Unblock, p)
			}
			for _, p := range c.closed {
				require.NotContains(t, r.Message, p)
				require.NotContains(t, r.Unblock, p)
			}
		})
	}

	t.Run("data windows", func(t *testing.T) {
		d, err := loadEmbedded()
		require.NoError(t, err)
		type win struct {
			Status     string
			Confidence iorules.Confidence
		}
		var got []win
		for _, day := range []string{"2025-09-29", "2025-11-09", "2025-11-10", "2026-11-09", "2026-11-10", "2027-12-31"} {
			r, ok := d.ruleOn(ruleAffiliates, iorules.MustParseDate(day))
			require.True(t, ok, day)
			got = append(got, win{r.status, r.confidence})
		}
		want := []win{
			{statusInForce, iorules.ConfidenceConfirmed}, {statusInForce, iorules.ConfidenceConfirmed},
			{statusSuspended, iorules.ConfidenceConfirmed}, {statusSuspended, iorules.ConfidenceConfirmed},
			{statusInForce, iorules.ConfidenceUnconfirmed}, {statusInForce, iorules.ConfidenceUnconfirmed},
		}
		require.Empty(t, cmp.Diff(want, got))
		require.Equal(t, "2026-12-02", d.reviewedThrough.String(), "the data-review date")
	})
}

// TestCHPLEndUserCertificate: an end_user_certificate listed in the
// documents lifts the CHPL end-user evidence condition for the lines it
// covers (issue 14 item 7). Before the fix switches and servers to TR, KZ,
// RS and UZ could never be clear.
func TestCHPLEndUserCertificate(t *testing.T) {
	sw := func(n int) iorules.Item {
		return withCrypto(line(n, iorules.CategorySwitch, "8517.62", "5A992.c", "US"), true)
	}
	srv := func(n int) iorules.Item {
		return withCrypto(line(n, iorules.CategoryServer, "8471.50", "5A992.c", "US"), true)
	}
	docs := func(ds ...iorules.Document) shipOpt {
		return func(s *iorules.Shipment) { s.Documents = ds }
	}
	euc := func(ref string, lines ...int) iorules.Document {
		return iorules.Document{Type: iorules.DocumentEndUserCertificate, Reference: ref, Lines: lines}
	}
	type tc struct {
		name string
		s    iorules.Shipment
		// open are the lines the CHPL condition must still name; nil for
		// none.
		open    []int
		verdict string
	}
	var cases []tc
	for _, dest := range []iorules.Country{"TR", "KZ", "RS", "UZ"} {
		items := []iorules.Item{sw(1), srv(2)}
		cases = append(cases,
			tc{string(dest) + "/no certificate", ship("US", dest, items), []int{1, 2}, "conditional"},
			tc{string(dest) + "/certificate for the whole shipment", ship("US", dest, items, docs(euc("EUC-1"))), nil, "clear"},
			tc{string(dest) + "/certificate for both lines", ship("US", dest, items, docs(euc("EUC-1", 1, 2))), nil, "clear"},
			tc{string(dest) + "/certificate for line 2 only", ship("US", dest, items, docs(euc("EUC-1", 2))), []int{1}, "conditional"},
		)
	}
	cases = append(cases,
		// Two lines alike but for the certificate's coverage: the
		// evaluation shared by like lines must not carry line 1's
		// certificate to line 2.
		tc{"KZ/like lines, certificate for line 1", ship("US", "KZ", []iorules.Item{sw(1), sw(2)}, docs(euc("EUC-1", 1))), []int{2}, "conditional"},
		tc{"KZ/like lines, certificate for line 2", ship("US", "KZ", []iorules.Item{sw(1), sw(2), sw(3)}, docs(euc("EUC-1", 2))), []int{1, 3}, "conditional"},
		tc{"KZ/another document type does not count", ship("US", "KZ", []iorules.Item{sw(1)},
			docs(iorules.Document{Type: iorules.DocumentCertificate, Reference: "CB-1"}, iorules.Document{Type: iorules.DocumentCommercialInvoice})), []int{1}, "conditional"},
		tc{"KZ/certificate among other documents", ship("US", "KZ", []iorules.Item{sw(1)},
			docs(iorules.Document{Type: iorules.DocumentCommercialInvoice}, euc(""))), nil, "clear"},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Screen(c.s, Options{})
			require.Equal(t, c.verdict, verdict(res))
			// The lines each kind of reason names, over every reason of
			// the kind (items of different subheadings read differently).
			linesOf := func(rs []iorules.Reason) []int {
				var ls []int
				for _, r := range rs {
					ls = append(ls, r.Lines...)
				}
				slices.Sort(ls)
				return ls
			}
			open := reasonsWith(res, CodeCHPL, ruleCHPL)
			for _, r := range open {
				require.Contains(t, r.Unblock, "end_user_certificate")
			}
			require.Empty(t, cmp.Diff(c.open, linesOf(open)), "lines still asking for end-user evidence")
			var covered []int
			for _, it := range c.s.Items {
				if !slices.Contains(c.open, it.Line) {
					covered = append(covered, it.Line)
				}
			}
			notes := reasonsWith(res, CodeNote, ruleCHPL)
			for _, r := range notes {
				require.Contains(t, r.Message, "covers the line")
			}
			require.Empty(t, cmp.Diff(covered, linesOf(notes)), "lines whose certificate is named")
		})
	}
}

// TestACANeverOfferedForDataCenterItems: 15 CFR 740.8(a) excludes items
// designed or marketed for use in a data center that meet 3A090.a from NAC
// and ACA alike, so no 3A090.a-band line may be offered either; the 3A090.b
// band keeps ACA.
func TestACANeverOfferedForDataCenterItems(t *testing.T) {
	one := func(it iorules.Item) []iorules.Item { return []iorules.Item{it} }
	for _, dest := range []iorules.Country{"VN", "KZ", "UZ", "SA", "AE", "EG"} {
		for _, eccn := range []string{"4A090.a", "3A090.a", "5A992.z", "4A003.z"} {
			t.Run(string(dest)+"/"+eccn, func(t *testing.T) {
				it := gpuServer(eccn)
				if eccn == "5A992.z" {
					it = withCrypto(it, true)
				}
				for _, s := range []iorules.Shipment{
					ship("US", dest, one(it)),
					ship("US", dest, one(it), on("2027-01-15")),
					ship("DE", dest, one(it)), // a US-made line re-exported
				} {
					res := Screen(s, Options{})
					require.Equal(t, DeterminationLicenceRequired, res.Lines[0].Determination)
					for _, r := range res.Reasons {
						require.NotContains(t, r.Message, "ACA may be available")
						require.NotContains(t, r.Unblock, "ACA")
						require.NotEqual(t, ruleACA, r.Rule)
					}
					lic := reasonsWith(res, CodeLicenceRequired, rule3A090)
					require.Len(t, lic, 1)
					require.Contains(t, lic[0].Message, "15 CFR 740.8(a) excludes items designed or marketed for use in a data center")
					require.Contains(t, lic[0].Unblock, "15 CFR 748.15")
				}
			})
		}
	}
	t.Run("3A090.b band keeps ACA", func(t *testing.T) {
		check(t, Screen(ship("US", "VN", one(workstationGPU("4A090.b"))), Options{}),
			want{det: DeterminationACA, rule: ruleACA})
	})
}

// TestA5A6CarveOut: 88 FR 73458 excludes from the D:1/D:4/D:5 requirement
// destinations also in A:5 or A:6. It relaxes a requirement, so it applies
// only where the destination's A:5/A:6 membership is confirmed.
func TestA5A6CarveOut(t *testing.T) {
	s := ship("US", "IL", []iorules.Item{gpuServer("4A090.a")})
	// Israel: D:4, and A:6 on an unconfirmed entry: not applied, said so.
	res := Screen(s, Options{})
	check(t, res, want{det: DeterminationLicenceRequired, rule: rule3A090})
	notes := reasonsWith(res, CodeNote, ruleCarveOut)
	require.Len(t, notes, 1)
	require.Contains(t, notes[0].Message, "its membership of A:6 is unconfirmed")

	// Were Israel's A:6 membership confirmed, the line would need no
	// licence for the advanced-computing reason.
	confirmedA6 := mustLoadEdited(t, "groups.yaml",
		"source: \"15 CFR 740 Supp. 1 (the eCFR reproduction's A:6 table was lossy)\"\n        confidence: unconfirmed",
		"source: \"15 CFR 740 Supp. 1\"\n        confidence: confirmed")
	check(t, confirmedA6.screen(s, Options{}), want{det: DeterminationNLR, rule: ruleCarveOut, msg: "which 15 CFR 742.6(a)(6) excludes", licence: ptr(false)})

	// And were the exclusion itself unconfirmed, it would not apply.
	both := mustLoadEdited(t, "rules.yaml", "status: in_force\n    effective_from: 2023-11-17\n    confidence: confirmed\n    note: relaxes a requirement",
		"status: in_force\n    effective_from: 2023-11-17\n    confidence: unconfirmed\n    note: relaxes a requirement")
	res = both.screen(s, Options{})
	check(t, res, want{det: DeterminationLicenceRequired, msg: "the exclusion is unconfirmed"})
}

// TestNoCitationOutsideTheRepository: no source, message, note or comment in
// the package cites working notes outside the repository; a user of the
// library cannot follow them (issue 15 part 3).
func TestNoCitationOutsideTheRepository(t *testing.T) {
	banned := []string{
		"shared/" + "research", "/" + "work/", "research" + " section", "research" + " table",
		"research" + " trap", "markets" + ".md", "exportctl" + ".md", "implementation" + " brief",
	}
	err := filepath.WalkDir(".", func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := strings.ToLower(string(b))
		for _, p := range banned {
			require.NotContains(t, text, strings.ToLower(p), "%s cites notes outside the repository", path)
		}
		return nil
	})
	require.NoError(t, err)
}
