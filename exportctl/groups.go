package exportctl

import (
	"slices"

	"github.com/iorules/iorules"
)

// Group is a country group the rules test membership of: an EAR Country
// Group of 15 CFR 740 Supp. 1 ("D:5"), Macau's special advanced-computing
// status, or a list of the EU regime ("EU", "EU001").
type Group string

// The groups in the embedded data.
const (
	GroupA5    Group = "A:5"   // EAR Country Group A:5
	GroupA6    Group = "A:6"   // EAR Country Group A:6
	GroupB     Group = "B"     // EAR Country Group B
	GroupD1    Group = "D:1"   // EAR Country Group D:1 (national security)
	GroupD3    Group = "D:3"   // EAR Country Group D:3 (chemical and biological weapons)
	GroupD4    Group = "D:4"   // EAR Country Group D:4 (missile technology)
	GroupD5    Group = "D:5"   // EAR Country Group D:5 (US arms embargoed countries)
	GroupE1    Group = "E:1"   // EAR Country Group E:1 (terrorist supporting countries)
	GroupE2    Group = "E:2"   // EAR Country Group E:2 (unilateral embargo)
	GroupMacau Group = "Macau" // Macau: not in D:5 but treated like it for advanced computing

	GroupEU            Group = "EU"                  // Member States of the European Union
	GroupEU001         Group = "EU001"               // destinations of Union General Export Authorisation EU001
	GroupEUAnnexVIII   Group = "EU Annex VIII"       // partner countries exempt from the 12g no-Russia clause
	GroupCHPLDiversion Group = "CHPL diversion risk" // Russia-diversion hubs for Common High Priority List items

	// groupReviewed lists destinations reviewed as outside D and E, so that
	// their absence from those groups is a finding rather than a gap.
	groupReviewed Group = "A-only reviewed"
)

// publicGroups is the order CountryGroups reports memberships in.
var publicGroups = []Group{
	GroupA5, GroupA6, GroupB, GroupD1, GroupD3, GroupD4, GroupD5, GroupE1, GroupE2,
	GroupMacau, GroupEU, GroupEU001, GroupEUAnnexVIII, GroupCHPLDiversion,
}

// GroupMembership is a country's membership of a group, with the source it
// rests on and the window it holds for.
type GroupMembership struct {
	// Group is the group.
	Group Group `json:"group"`
	// Country is the member.
	Country iorules.Country `json:"country"`
	// EffectiveFrom is the first day of the membership.
	EffectiveFrom iorules.Date `json:"effective_from"`
	// EffectiveTo is the last day of the membership; zero means open-ended.
	EffectiveTo iorules.Date `json:"effective_to,omitzero"`
	// Source is the legal or documentary source.
	Source string `json:"source"`
	// Confidence says whether the entry was checked against its source.
	Confidence iorules.Confidence `json:"confidence"`
	// Note qualifies the entry where needed.
	Note string `json:"note,omitempty"`
}

// CountryGroups returns the groups country c belongs to on day on, in the
// order of the Group constants. It returns nil when c belongs to none, or
// when the embedded data failed to load (which the package's tests rule
// out).
func CountryGroups(c iorules.Country, on iorules.Date) []GroupMembership {
	d, err := loadEmbedded()
	if err != nil {
		return nil
	}
	return d.countryGroups(c, on)
}

func (d *dataset) countryGroups(c iorules.Country, on iorules.Date) []GroupMembership {
	var out []GroupMembership
	for _, g := range publicGroups {
		if m, ok := d.member(g, c, on); ok {
			out = append(out, GroupMembership{
				Group: g, Country: c, EffectiveFrom: m.From, EffectiveTo: m.To,
				Source: m.source, Confidence: m.confidence, Note: m.note,
			})
		}
	}
	return out
}

// InGroup reports whether country c is a member of group g on day on.
func InGroup(c iorules.Country, g Group, on iorules.Date) bool {
	d, err := loadEmbedded()
	if err != nil {
		return false
	}
	return d.in(g, c, on)
}

// destGroups is what the EAR rules need to know about one country on one day.
type destGroups struct {
	known       bool // some EAR group data covers the country
	a5, a6      bool
	d1, d4, d5  bool
	macau       bool
	e1, e2      bool
	unconfirmed uint16 // bit i: the membership of destGroupsTested[i] rests on an unconfirmed entry
}

// destGroupsTested lists the groups destGroups tests.
var destGroupsTested = [...]Group{
	GroupA5, GroupA6, GroupD1, GroupD4, GroupD5, GroupMacau, GroupE1, GroupE2, GroupB, groupReviewed, GroupD3,
}

func (d *dataset) destGroups(c iorules.Country, on iorules.Date) destGroups {
	var g destGroups
	var b, reviewed, d3 bool
	for i, set := range [...]*bool{&g.a5, &g.a6, &g.d1, &g.d4, &g.d5, &g.macau, &g.e1, &g.e2, &b, &reviewed, &d3} {
		if m, ok := d.member(destGroupsTested[i], c, on); ok {
			*set = true
			if !m.confidence.IsConfirmed() {
				g.unconfirmed |= 1 << i
			}
		}
	}
	g.known = g.a5 || g.a6 || g.d1 || g.d4 || g.d5 || g.macau || g.e1 || g.e2 || b || reviewed || d3
	return g
}

// doubt returns " (membership unconfirmed)" when any of the named groups
// rests on an unconfirmed entry, for messages that rely on it.
func (g destGroups) doubt(names ...string) string {
	for _, n := range names {
		if i := slices.Index(destGroupsTested[:], Group(n)); i >= 0 && g.unconfirmed&(1<<i) != 0 {
			return " (membership unconfirmed)"
		}
	}
	return ""
}

// d5OrMacau reports the advanced-computing "D:5 or Macau" test.
func (g destGroups) d5OrMacau() bool { return g.d5 || g.macau }
