package exportctl

import (
	"strings"
	"testing"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// ownedBy states a party's ownership, checked on 2026-11-20; each owner is
// "name=share" and established in CN.
func ownedBy(owners ...string) *iorules.Ownership {
	o := &iorules.Ownership{Owners: []iorules.Owner{}, CheckedOn: iorules.MustParseDate("2026-11-20")}
	for _, s := range owners {
		name, share, _ := strings.Cut(s, "=")
		o.Owners = append(o.Owners, iorules.Owner{Name: name, Country: "CN", Share: decimal.RequireFromString(share)})
	}
	return o
}

func endUserOwnership(o *iorules.Ownership) shipOpt {
	return func(s *iorules.Shipment) { s.EndUser.Ownership = o }
}

func importerOwnership(o *iorules.Ownership) shipOpt {
	return func(s *iorules.Shipment) { s.ImporterOfRecord.Ownership = o }
}

// TestAffiliatesStatedOwnership covers each way a party's stated ownership
// answers the Affiliates rule.
func TestAffiliatesStatedOwnership(t *testing.T) {
	one := func(it iorules.Item) []iorules.Item { return []iorules.Item{it} }
	gpuMY := func(opts ...shipOpt) iorules.Shipment {
		return ship("US", "MY", one(gpuServer("4A090.a")), append([]shipOpt{on("2026-12-02")}, opts...)...)
	}
	noOwners := importerOwnership(ownedBy())
	list := []ListedParty{
		{Name: "Shenzhen Red Star Holdings Co., Ltd.", List: "EL", Source: "90 FR 11111"},
		{Name: "Northern Avia Systems JSC", List: "MEU"},
		{Name: "Denied Trading LLC", List: "DPL"},
		{Name: "Odd Listed Co", List: "Some National List"},
		{Name: "Unrelated Marine GmbH", List: "EL"},
	}
	review := func(ds ...Disposition) Options { return Options{Parties: list, Dispositions: ds} }
	ownershipCleared := Disposition{PartyName: "DATA CENTER OPERATOR", Decision: DecisionOwnershipCleared, Reference: "OWN-9"}
	cases := []struct {
		name string
		s    iorules.Shipment
		opts Options
		want want
		// sev is the severity of the Affiliates-rule finding with code
		// CodeRestrictedParty; "" when there must be none.
		sev iorules.Severity
		// in are substrings of the Affiliates-rule reasons' messages.
		in []string
	}{
		{"no owner of 25 % or more, both parties", gpuMY(endUserOwnership(ownedBy()), noOwners), Options{},
			want{det: DeterminationNLR, verdict: "clear", notCodes: []string{CodeOwnershipUnknown, CodeRestrictedParty}}, "",
			[]string{`Ownership established for the end user "Data Center Operator" (no owner of 25 % or more, checked on 2026-11-20) and the importer of record "Local Importer" (no owner`}},
		{"no owner of 25 % or more, the importer only", gpuMY(noOwners), Options{},
			want{verdict: "conditional", codes: []string{CodeOwnershipUnknown}, msg: `Who owns the end user "Data Center Operator" is not stated`}, "",
			[]string{`the importer of record "Local Importer" (no owner of 25 % or more`}},
		{"owners screened, none listed", gpuMY(endUserOwnership(ownedBy("Pacific Cloud Holdings=60", "Lim Family Trust=40")), noOwners), review(),
			want{verdict: "clear", notCodes: []string{CodeOwnershipUnknown, CodeRestrictedParty}}, "",
			[]string{`the end user "Data Center Operator" (owners screened, none listed: "Pacific Cloud Holdings" 60 %, "Lim Family Trust" 40 %; ownership checked on 2026-11-20)`}},
		{"an Entity List owner of 60 %: treated as listed", gpuMY(endUserOwnership(ownedBy("Shenzhen Red Star Holdings=60", "Lim Family Trust=40")), noOwners), review(),
			want{verdict: "decline", codes: []string{CodeRestrictedParty}, notCodes: []string{CodeOwnershipUnknown}}, iorules.SeverityDecline,
			[]string{`Listed owners hold 60 % of the end user "Data Center Operator" (ownership checked on 2026-11-20): "Shenzhen Red Star Holdings" (60 %) matches "Shenzhen Red Star Holdings Co., Ltd." on EL (score 100). It is treated as listed itself`}},
		{"EL 30 % and MEU 20 % together reach 50 %", gpuMY(endUserOwnership(ownedBy("Red Star Holdings Shenzhen=30", "Northern Avia Systems=20", "Lim Family Trust=50")), noOwners), review(),
			want{verdict: "decline", codes: []string{CodeRestrictedParty}}, iorules.SeverityDecline,
			[]string{"Listed owners hold 50 % of", "on EL", "on MEU"}},
		{"an Entity List owner of 30 %: a red flag to review", gpuMY(endUserOwnership(ownedBy("Shenzhen Red Star Holdings=30", "Lim Family Trust=70")), noOwners), review(),
			want{verdict: "conditional", notCodes: []string{CodeOwnershipUnknown}}, iorules.SeverityCondition,
			[]string{"Listed owners hold 30 % together, under 50 %", "Red Flag 29"}},
		{"the minority owner reviewed", gpuMY(endUserOwnership(ownedBy("Shenzhen Red Star Holdings=30", "Lim Family Trust=70")), noOwners), review(ownershipCleared),
			want{verdict: "clear", notCodes: []string{CodeOwnershipUnknown, CodeRestrictedParty}}, "",
			[]string{`the end user "Data Center Operator" (listed owners under 50 %, reviewed: disposition "OWN-9")`}},
		{"a review does not outweigh a listed majority", gpuMY(endUserOwnership(ownedBy("Shenzhen Red Star Holdings=51")), noOwners), review(ownershipCleared),
			want{verdict: "decline"}, iorules.SeverityDecline, []string{"treated as listed itself"}},
		{"a Denied Persons owner of 60 %: the rule does not extend the list", gpuMY(endUserOwnership(ownedBy("Denied Trading=60")), noOwners), review(),
			want{verdict: "conditional"}, iorules.SeverityCondition,
			[]string{`"Denied Trading" (60 %) matches "Denied Trading LLC" on DPL (score 100), a list the rule does not extend`, "Listed owners hold 0 % together"}},
		{"an owner on a list the data does not know counts (fail closed)", gpuMY(endUserOwnership(ownedBy("Odd Listed=60")), noOwners), review(),
			want{verdict: "decline"}, iorules.SeverityDecline, []string{"on Some National List"}},
		{"an owner's match cleared as a different party", gpuMY(endUserOwnership(ownedBy("Shenzhen Red Star Holdings=60")), noOwners),
			review(Disposition{PartyName: "Shenzhen Red Star Holdings", ListedName: "Shenzhen Red Star Holdings Co., Ltd.", Decision: DecisionCleared, Reference: "KYC-3"}),
			want{verdict: "clear", notCodes: []string{CodeRestrictedParty}}, "",
			[]string{`"Shenzhen Red Star Holdings" (60 %): match on EL cleared by "KYC-3"`}},
		{"both parties' owners listed", gpuMY(endUserOwnership(ownedBy("Shenzhen Red Star Holdings=60")), importerOwnership(ownedBy("Northern Avia Systems=100"))), review(),
			want{verdict: "decline"}, iorules.SeverityDecline,
			[]string{`of the end user "Data Center Operator"`, `Listed owners hold 100 % of the importer of record "Local Importer"`}},
		{"owners stated, no list supplied: not screened", gpuMY(endUserOwnership(ownedBy("Pacific Cloud Holdings=60", "Lim Family Trust=40")), noOwners), Options{},
			want{verdict: "conditional", codes: []string{CodeOwnershipUnknown, CodeScreeningNotPerformed}}, "",
			[]string{`The owners of the end user "Data Center Operator" ("Pacific Cloud Holdings" 60 %, "Lim Family Trust" 40 %) are stated but were not screened`}},
		{"owners stated, no list, ownership reviewed", gpuMY(endUserOwnership(ownedBy("Pacific Cloud Holdings=60")), noOwners), Options{Dispositions: []Disposition{ownershipCleared}},
			want{verdict: "clear", notCodes: []string{CodeOwnershipUnknown}}, "", []string{`(disposition "OWN-9")`}},
		{"suspended on 2026-11-09: owners are not weighed", gpuMY(on("2026-11-09"), endUserOwnership(ownedBy("Shenzhen Red Star Holdings=60"))), review(),
			want{verdict: "clear", notCodes: []string{CodeRestrictedParty, CodeOwnershipUnknown}}, "", nil},
		{"the exporter's ownership is not weighed", gpuMY(noOwners, endUserOwnership(ownedBy()), func(s *iorules.Shipment) {
			s.Exporter.Ownership = ownedBy("Shenzhen Red Star Holdings=100")
		}), review(), want{verdict: "clear", notCodes: []string{CodeRestrictedParty}}, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Screen(c.s, c.opts)
			check(t, res, c.want)
			var affiliates []iorules.Reason
			var listed []iorules.Reason
			for _, r := range res.Reasons {
				if r.Rule != ruleAffiliates {
					continue
				}
				affiliates = append(affiliates, r)
				if r.Code == CodeRestrictedParty {
					listed = append(listed, r)
				}
				require.Contains(t, r.Source, "90 FR 47201")
				require.Empty(t, r.Lines, "the Affiliates rule is shipment-wide")
			}
			if c.sev == "" {
				require.Empty(t, listed)
			} else {
				require.NotEmpty(t, listed)
				for _, r := range listed {
					require.Equal(t, c.sev, r.Severity)
				}
			}
			for _, s := range c.in {
				found := false
				for _, r := range affiliates {
					found = found || strings.Contains(r.Message, s)
				}
				require.True(t, found, "no Affiliates-rule reason contains %q; reasons: %v", s, affiliates)
			}
			require.Empty(t, res.Screening, "owners' matches are not party matches")
		})
	}
}

// TestAffiliatesListedOwnersWithdrawExceptions checks that a party treated
// as listed through its owners loses licence exceptions, as a listed party
// does (15 CFR 740.2).
func TestAffiliatesListedOwnersWithdrawExceptions(t *testing.T) {
	fw := []iorules.Item{firewall("5A002.a")}
	list := []ListedParty{{Name: "Shenzhen Red Star Holdings", List: "EL"}}
	base := ship("US", "BR", fw, on("2026-12-02"), endUserOwnership(ownedBy()), importerOwnership(ownedBy()))
	check(t, Screen(base, Options{Parties: list}), want{det: DeterminationENC, verdict: "conditional", notCodes: []string{CodeOwnershipUnknown}})

	owned := ship("US", "BR", fw, on("2026-12-02"), endUserOwnership(ownedBy()), importerOwnership(ownedBy("Shenzhen Red Star Holdings=75")))
	res := Screen(owned, Options{Parties: list})
	check(t, res, want{det: DeterminationLicenceRequired, verdict: "decline", codes: []string{CodeRestrictedParty}, msg: "(15 CFR 740.2)", licence: ptr(true)})
}
