package main

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/markets"
	"github.com/stretchr/testify/require"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"Acme Inc":                  "Acme Inc",
		"Müller 北京 شركة ≈ €":        "Müller 北京 شركة ≈ €",
		"evil\u202egpj.exe":         `evil\u202egpj.exe`,
		"\u2066x\u2069\u200e\u200f": `\u2066x\u2069\u200e\u200f`,
		"red \x1b[31mX\x1b[0m":      `red \u001b[31mX\u001b[0m`,
		"a\tb\nc\rd\x00":            `a\u0009b\u000ac\u000dd\u0000`,
		"c1 \u0085 \u009b":          `c1 \u0085 \u009b`,
		"zero\u200bwidth\ufeff":     `zero\u200bwidth\ufeff`,
		"tag \U000e0041":            `tag \U000e0041`,
		"ls\u2028ps\u2029":          `ls\u2028ps\u2029`,
		"bad \xff\xfe byte":         `bad \xff\xfe byte`,
		"replacement \ufffd ok":     "replacement \ufffd ok",
	} {
		got := escape(in)
		require.Equal(t, want, got, "%q", in)
		require.Equal(t, got, escape(got), "escaping twice changes nothing")
	}
}

// TestTextReportEscapes checks that the text report never prints control,
// escape or bidirectional formatting characters raw, wherever they come
// from (issue 16, B14): a policy's messages, a screening list's names, a
// shipment id built in Go.
func TestTextReportEscapes(t *testing.T) {
	d := markets.Decision{
		ShipmentID: "SHP-\u202e1", Market: "TR", Currency: "TRY", AsOf: iorules.NewDate(2026, 12, 2),
		Verdict: markets.Conditional,
		Reasons: []iorules.Reason{{Code: "x\u2066", Severity: iorules.SeverityCondition, Rule: "tr.\x1b[2Jrule",
			Message: "The end user \x1b[31mDC\x1b[0m Co\u202e is listed\u2028twice", Unblock: "Fix \u200fit", Source: "law\x07"}},
		ExportControl: exportctl.Result{Regime: "US EAR\u202d",
			Lines:     []exportctl.LineResult{{Line: 1, ECCN: "5A992\u202e.c", Determination: "NLR\x1b"}},
			Screening: []exportctl.Match{{Role: "end_user", PartyName: "DC\u202e Co", MatchedName: "D\x1bC", List: "EL\u2067"}}},
	}
	var b bytes.Buffer
	require.NoError(t, writeText(&b, []markets.Decision{d, d}))
	out := b.String()
	require.True(t, utf8.ValidString(out))
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		for _, r := range line {
			require.False(t, unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp), "raw %U in %q", r, line)
		}
	}
	for _, want := range []string{`shipment SHP-\u202e1`, `DC\u001b[0m Co\u202e is listed\u2028twice`, `tr.\u001b[2Jrule`,
		`5A992\u202e.c`, `NLR\u001b`, `US EAR\u202d`, `law\u0007`} {
		require.Contains(t, out, want)
	}
}
