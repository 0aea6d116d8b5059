package markets_test

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/iorules/iorules/markets"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the confidence table in ../README.md")

// confidenceCounts counts, in one policy file, the figures (table rows,
// rules, taxes and sources) marked confirmed and unconfirmed.
func confidenceCounts(t *testing.T, src []byte) (confirmed, unconfirmed int) {
	t.Helper()
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(src, &doc))
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == "confidence" {
					switch n.Content[i+1].Value {
					case "confirmed":
						confirmed++
					case "unconfirmed":
						unconfirmed++
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	return confirmed, unconfirmed
}

var confidenceTableRE = regexp.MustCompile(`(?s)<!-- confidence-counts -->\n.*?<!-- /confidence-counts -->`)

// TestREADMEConfidenceCounts keeps the README's count of confirmed and
// unconfirmed figures per market true to the embedded policies. Run with
// -update-readme after a data change.
func TestREADMEConfidenceCounts(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	var b strings.Builder
	b.WriteString("<!-- confidence-counts -->\n| market | policy | window | confirmed | unconfirmed |\n| --- | --- | --- | ---: | ---: |\n")
	for _, m := range engine.Markets() {
		p, _ := engine.Policy(m)
		src, err := fs.ReadFile(markets.Embedded(), p.File)
		require.NoError(t, err)
		c, u := confidenceCounts(t, src)
		fmt.Fprintf(&b, "| %s | %s | %s to %s | %d | %d |\n", p.Market, p.Version, p.EffectiveFrom, p.EffectiveTo, c, u)
	}
	b.WriteString("<!-- /confidence-counts -->")
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	require.Regexp(t, confidenceTableRE, string(readme), "README.md lacks the confidence-counts markers")
	updated := confidenceTableRE.ReplaceAllLiteralString(string(readme), b.String())
	if *updateREADME {
		require.NoError(t, os.WriteFile("../README.md", []byte(updated), 0o644))
		return
	}
	require.Equal(t, string(readme), updated, "the README's confidence table is out of date: run go test ./markets -run TestREADMEConfidenceCounts -update-readme")
}
