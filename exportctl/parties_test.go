package exportctl

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

func TestNormalizeName(t *testing.T) {
	cases := []struct {
		in      string
		tokens  []string
		dropped []string
	}{
		{"Huawei Technologies Co., Ltd.", []string{"huawei", "technologies"}, []string{"co", "ltd"}},
		{"HUAWEI TECHNOLOGIES LIMITED", []string{"huawei", "technologies"}, []string{"limited"}},
		{"Rostec Électronique S.A.", []string{"electronique", "rostec"}, []string{"sa"}},
		{"OOO «Tekhnologii Rus»", []string{"rus", "tekhnologii"}, []string{"ooo"}},
		{"Public Joint Stock Company Mikron", []string{"mikron"}, []string{"public joint stock company"}},
		{"Müller & Søn GmbH", []string{"muller", "son"}, []string{"and", "gmbh"}},
		{"Łódź Dźwig Sp. z o.o.", []string{"dzwig", "lodz"}, []string{"sp z oo"}},
		{"The O'Brien Group", []string{"group", "obrien"}, []string{"the"}},
		{"Ltd", []string{"ltd"}, nil}, // a name made only of legal forms keeps them
		{"  ", nil, nil},
		{"Beijing-Zhongguancun Tech, Tech", []string{"beijing", "tech", "zhongguancun"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got := normalizeName(tc.in)
			require.Empty(t, cmp.Diff(tc.tokens, got.tokens), "tokens")
			require.Empty(t, cmp.Diff(tc.dropped, got.dropped), "dropped")
		})
	}
}

func TestSimilarity(t *testing.T) {
	require.Equal(t, 100, similarity("huawei", "huawei"))
	require.Equal(t, 83, similarity("huawie", "huawei"), "a transposition is one edit")
	require.Equal(t, 83, similarity("huawai", "huawei"))
	require.Equal(t, 0, similarity("abc", "xyz"))
}

// TestScreening covers exact, near-miss (typo, reordered tokens, legal
// suffix, diacritics), alias, contained-name, below-threshold, threshold and
// dispositioned matches.
func TestScreening(t *testing.T) {
	list := []ListedParty{
		{Name: "Huawei Technologies Co., Ltd.", Aliases: []string{"Huawei Tech"}, Country: "CN", List: "EL", Source: "84 FR 22961"},
		{Name: "Shenzhen Example Semiconductor Co., Ltd.", Aliases: []string{"SZ ExSemi"}, Country: "CN", List: "BIS Entity List"},
		{Name: "Rostec Électronique", Country: "RU", List: "SDN"},
		{Name: "Northwind Trading FZE", Country: "AE", List: "UVL"},
		{Name: "Acme Widgets", List: "Some Private List"},
	}
	cases := []struct {
		name        string
		party       string
		opts        func(*Options)
		wantListed  string
		wantScore   int
		wantAlias   bool
		wantSev     iorules.Severity
		wantExplain string
	}{
		{"exact", "Huawei Technologies Co., Ltd.", nil, "Huawei Technologies Co., Ltd.", 100, false, iorules.SeverityDecline, "same tokens: huawei, technologies"},
		{"typo", "Huawie Technologies Co Ltd", nil, "Huawei Technologies Co., Ltd.", 91, false, iorules.SeverityDecline, "near tokens: huawie~huawei (83)"},
		{"reordered tokens", "Technologies Huawei", nil, "Huawei Technologies Co., Ltd.", 100, false, iorules.SeverityDecline, "same tokens"},
		{"legal suffix", "HUAWEI TECHNOLOGIES LIMITED", nil, "Huawei Technologies Co., Ltd.", 100, false, iorules.SeverityDecline, "ignored: co, limited, ltd"},
		{"diacritics", "ROSTEC ELECTRONIQUE SA", nil, "Rostec Électronique", 100, false, iorules.SeverityDecline, "same tokens: electronique, rostec"},
		{"alias", "SZ Exsemi Limited", nil, "Shenzhen Example Semiconductor Co., Ltd.", 100, true, iorules.SeverityDecline, `via alias "SZ ExSemi"`},
		{"contained name", "Huawei Technologies Brazil Ltda", nil, "Huawei Technologies Co., Ltd.", 95, false, iorules.SeverityDecline, "the whole listed name appears"},
		{"review list", "Northwind Trading", nil, "Northwind Trading FZE", 100, false, iorules.SeverityCondition, "same tokens"},
		{"unknown list declines", "ACME Widgets Inc", nil, "Acme Widgets", 100, false, iorules.SeverityDecline, "same tokens"},
		{"threshold raised", "Huawie Technologies", func(o *Options) { o.Threshold = 95 }, "", 0, false, "", ""},
		{"below threshold", "Huawei Marine Networks", nil, "", 0, false, "", ""},
		{"unrelated", "Data Center Operator", nil, "", 0, false, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Parties: list}
			if tc.opts != nil {
				tc.opts(&opts)
			}
			s := ship("US", "BR", []iorules.Item{storage("EAR99")}, endUser(tc.party, "BR", "BR"))
			res := Screen(s, opts)
			if tc.wantListed == "" {
				require.Empty(t, res.Screening)
				require.False(t, hasReason(res, CodeRestrictedParty, ""))
				return
			}
			require.Len(t, res.Screening, 1, "%+v", res.Screening)
			m := res.Screening[0]
			require.Equal(t, "end_user", m.Role)
			require.Equal(t, tc.wantListed, m.ListedName)
			require.Equal(t, tc.wantScore, m.Score)
			require.Equal(t, tc.wantAlias, m.ViaAlias)
			require.Contains(t, m.Explanation, tc.wantExplain)
			require.False(t, m.Cleared)
			require.True(t, hasReason(res, CodeRestrictedParty, ruleScreening))
			for _, r := range res.Reasons {
				if r.Code == CodeRestrictedParty {
					require.Equal(t, tc.wantSev, r.Severity)
					require.NotEmpty(t, r.Source)
					require.NotEmpty(t, r.Unblock)
				}
			}
		})
	}
}

func TestScreeningDispositions(t *testing.T) {
	list := []ListedParty{{Name: "Huawei Technologies Co., Ltd.", Aliases: []string{"Huawei Tech"}, List: "EL"}}
	s := ship("US", "BR", []iorules.Item{storage("EAR99")}, endUser("HUAWEI TECH LTD", "BR", "BR"))

	t.Run("cleared", func(t *testing.T) {
		res := Screen(s, Options{Parties: list, Dispositions: []Disposition{
			{PartyName: "Huawei Tech Limited", ListedName: "huawei tech", Decision: "Cleared", Reference: "CASE-42"},
		}})
		require.Len(t, res.Screening, 1)
		require.True(t, res.Screening[0].Cleared)
		require.Equal(t, "CASE-42", res.Screening[0].Reference)
		require.True(t, res.Screening[0].ViaAlias)
		check(t, res, want{verdict: "clear", codes: []string{CodeRestrictedPartyCleared}, notCodes: []string{CodeRestrictedParty}, msg: `cleared by disposition "CASE-42"`})
	})
	t.Run("cleared against the primary name", func(t *testing.T) {
		res := Screen(s, Options{Parties: list, Dispositions: []Disposition{
			{PartyName: "HUAWEI TECH LTD", ListedName: "Huawei Technologies Co., Ltd.", Decision: "cleared", Reference: "CASE-43"},
		}})
		check(t, res, want{verdict: "clear", codes: []string{CodeRestrictedPartyCleared}})
	})
	t.Run("other decision keeps the match", func(t *testing.T) {
		res := Screen(s, Options{Parties: list, Dispositions: []Disposition{
			{PartyName: "HUAWEI TECH LTD", ListedName: "Huawei Tech", Decision: "escalated", Reference: "CASE-44"},
		}})
		check(t, res, want{verdict: "decline", codes: []string{CodeRestrictedParty}})
	})
	t.Run("disposition for another party", func(t *testing.T) {
		res := Screen(s, Options{Parties: list, Dispositions: []Disposition{
			{PartyName: "Someone Else", ListedName: "Huawei Tech", Decision: "cleared", Reference: "CASE-45"},
		}})
		check(t, res, want{verdict: "decline", codes: []string{CodeRestrictedParty}})
	})
}

func TestScreeningAllRoles(t *testing.T) {
	list := []ListedParty{{Name: "Blocked Trading", List: "SDN"}}
	s := ship("US", "BR", []iorules.Item{storage("EAR99")},
		endUser("Blocked Trading LLC", "BR", "BR"), importer("Blocked Trading Ltda", "BR", "BR"))
	s.Exporter.Name = "Blocked Trading Inc"
	res := Screen(s, Options{Parties: list})
	var roles []string
	for _, m := range res.Screening {
		roles = append(roles, m.Role)
	}
	require.Equal(t, []string{"exporter", "importer_of_record", "end_user"}, roles)
	// Same message per party: three reasons, deterministic order.
	again := Screen(s, Options{Parties: list})
	require.Empty(t, cmp.Diff(res, again))
}

func TestScreeningThresholdBounds(t *testing.T) {
	list := []ListedParty{{Name: "Huawei Technologies", List: "EL"}}
	s := ship("US", "BR", []iorules.Item{storage("EAR99")}, endUser("Huawie Technologies", "BR", "BR"))
	require.Len(t, Screen(s, Options{Parties: list, Threshold: -5}).Screening, 1, "negative means default")
	require.Empty(t, Screen(s, Options{Parties: list, Threshold: 500}).Screening, "above 100 means 100")
	require.Len(t, Screen(s, Options{Parties: list, Threshold: 91}).Screening, 1, "at the threshold matches")
	require.Empty(t, Screen(s, Options{Parties: list, Threshold: 92}).Screening)
}
