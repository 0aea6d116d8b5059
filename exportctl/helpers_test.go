package exportctl

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// loadEdited loads the embedded data with one textual replacement in one
// file (the old text must be there), to show what the loader says of a
// fault or what the engine would do if a fact changed.
func loadEdited(t *testing.T, file, old, new string) (*dataset, error) {
	t.Helper()
	m := fstest.MapFS{}
	entries, err := fs.ReadDir(embedded, "data")
	require.NoError(t, err)
	for _, e := range entries {
		b, err := fs.ReadFile(embedded, "data/"+e.Name())
		require.NoError(t, err)
		if e.Name() == file {
			require.Contains(t, string(b), old)
			b = []byte(strings.Replace(string(b), old, new, 1))
		}
		m[e.Name()] = &fstest.MapFile{Data: b}
	}
	return loadData(m)
}

// mustLoadEdited is loadEdited for an edit that must still load.
func mustLoadEdited(t *testing.T, file, old, new string) *dataset {
	t.Helper()
	d, err := loadEdited(t, file, old, new)
	require.NoError(t, err)
	return d
}

// testDay is after every rule change in the data and before nothing that
// matters: mid-2026.
var testDay = iorules.MustParseDate("2026-07-01")

type shipOpt func(*iorules.Shipment)

func on(date string) shipOpt {
	return func(s *iorules.Shipment) { s.Date = iorules.MustParseDate(date) }
}

func endUserHQ(c iorules.Country) shipOpt {
	return func(s *iorules.Shipment) { s.EndUser.HeadquartersCountry = c }
}

func endUser(name string, country, hq iorules.Country) shipOpt {
	return func(s *iorules.Shipment) {
		s.EndUser = iorules.Party{Name: name, Country: country, HeadquartersCountry: hq}
	}
}

func importer(name string, country, hq iorules.Country) shipOpt {
	return func(s *iorules.Shipment) {
		s.ImporterOfRecord = iorules.Party{Name: name, Country: country, HeadquartersCountry: hq}
	}
}

func subdivision(sub iorules.Subdivision) shipOpt {
	return func(s *iorules.Shipment) { s.DestinationSubdivision = sub }
}

// ship builds a shipment whose parties sit in the destination and are
// headquartered there.
func ship(origin, dest iorules.Country, items []iorules.Item, opts ...shipOpt) iorules.Shipment {
	s := iorules.Shipment{
		ID: "T-1", Date: testDay, Origin: origin, Destination: dest,
		Incoterm: iorules.FOB, TransportMode: iorules.TransportAir, Currency: "USD",
		Exporter:         iorules.Party{Name: "Acme Export", Country: origin},
		ImporterOfRecord: iorules.Party{Name: "Local Importer", Country: dest, HeadquartersCountry: dest},
		EndUser:          iorules.Party{Name: "Data Center Operator", Country: dest, HeadquartersCountry: dest},
		Items:            items,
	}
	for _, o := range opts {
		o(&s)
	}
	return s
}

func tpp(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

// line builds item line n.
func line(n int, cat iorules.Category, hs, eccn string, coo iorules.Country) iorules.Item {
	return iorules.Item{
		Line: n, Description: string(cat), Category: cat, HSCode: iorules.MustParseHSCode(hs),
		Quantity: 1, UnitValue: decimal.NewFromInt(1000), Condition: iorules.ConditionNew,
		CountryOfOrigin: coo, ECCN: eccn,
	}
}

func withTPP(it iorules.Item, v string) iorules.Item { it.TPP = tpp(v); return it }

func withCrypto(it iorules.Item, massMarket bool) iorules.Item {
	it.Encryption = iorules.Encryption{Present: true, MassMarket: massMarket}
	return it
}

// Items used across the tables.
func gpuServer(eccn string) iorules.Item {
	return withTPP(line(1, iorules.CategoryGPUServer, "8471.50", eccn, "US"), "15832")
}
func workstationGPU(eccn string) iorules.Item {
	return withTPP(line(1, iorules.CategoryGPUAccelerator, "8473.30", eccn, "US"), "4000")
}
func storage(eccn string) iorules.Item {
	return line(1, iorules.CategoryStorage, "8471.70", eccn, "US")
}
func firewall(eccn string) iorules.Item {
	return withCrypto(line(1, iorules.CategoryFirewall, "8517.62", eccn, "US"), false)
}

// verdict folds the reasons the way the markets engine does.
func verdict(res Result) string {
	worst := 0
	for _, r := range res.Reasons {
		worst = max(worst, r.Severity.Rank())
	}
	switch worst {
	case 3:
		return "decline"
	case 2:
		return "conditional"
	}
	return "clear"
}

type want struct {
	det      Determination // determination of the first line
	verdict  string        // clear | conditional | decline; "" = not checked
	rule     string        // deciding rule of the first line; "" = not checked
	codes    []string      // reason codes that must be present
	notCodes []string      // reason codes that must be absent
	msg      string        // a substring some reason message or source must contain
	licence  *bool         // Result.LicenceRequired; nil = not checked
}

func codes(res Result) []string {
	var out []string
	for _, r := range res.Reasons {
		out = append(out, r.Code)
	}
	return out
}

func check(t *testing.T, res Result, w want) {
	t.Helper()
	require.NotEmpty(t, res.Lines, "no line results")
	dump := func() string {
		var b strings.Builder
		for _, r := range res.Reasons {
			b.WriteString("\n  " + string(r.Severity) + " " + r.Code + " " + r.Rule + ": " + r.Message + " [" + r.Source + "]")
		}
		return b.String()
	}
	if w.det != "" {
		require.Equal(t, w.det, res.Lines[0].Determination, "determination; reasons:%s", dump())
	}
	if w.verdict != "" {
		require.Equal(t, w.verdict, verdict(res), "verdict; reasons:%s", dump())
	}
	if w.rule != "" {
		require.Equal(t, w.rule, res.Lines[0].Rule, "deciding rule; reasons:%s", dump())
	}
	got := codes(res)
	for _, c := range w.codes {
		require.Contains(t, got, c, "reasons:%s", dump())
	}
	for _, c := range w.notCodes {
		require.NotContains(t, got, c, "reasons:%s", dump())
	}
	if w.msg != "" {
		require.True(t, slices.ContainsFunc(res.Reasons, func(r iorules.Reason) bool {
			return strings.Contains(r.Message, w.msg) || strings.Contains(r.Source, w.msg)
		}), "no reason message or source contains %q; reasons:%s", w.msg, dump())
	}
	if w.licence != nil {
		require.Equal(t, *w.licence, res.LicenceRequired, "licence_required; reasons:%s", dump())
	}
	for _, r := range res.Reasons {
		if r.Severity != iorules.SeverityInfo {
			require.NotEmpty(t, r.Unblock, "reason %s has no unblock", r.Code)
		}
		require.NotEmpty(t, r.Rule, "reason %s has no rule", r.Code)
	}
}

func ptr[T any](v T) *T { return &v }

func hasReason(res Result, code, rule string) bool {
	return slices.ContainsFunc(res.Reasons, func(r iorules.Reason) bool { return r.Code == code && (rule == "" || r.Rule == rule) })
}
