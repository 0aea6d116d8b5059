package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// interpretedOnPurpose are the expressions of the embedded policies that
// the lowering does not cover, with the construct that keeps each with
// the interpreter. Any other expression must be lowered: an expression
// that falls back to the interpreter unnoticed costs the speed the
// lowering is for (BENCHMARKS.md).
var interpretedOnPurpose = map[string]string{
	"br.radar_limit_converted when":     "function _[_]",
	"kz.duty_specific rate":             "function _[_]",
	"kz.duty_specific_eaeu_saving rate": "function _[_]",
	"br.redata when":                    "comprehension",
	"ph.ntc_dealer when":                "comprehension",
	"tr.communiques_2027 when":          "comprehension",
	"tr.ior_tareks when":                "comprehension",
	"tr.ior_tareks_ce when":             "comprehension",
	"vn.civil_crypto_licence when":      "comprehension",
}

// TestEmbeddedExpressionsAreLowered checks which expressions of the
// embedded policies are evaluated as Go closures: all but those listed in
// interpretedOnPurpose.
func TestEmbeddedExpressionsAreLowered(t *testing.T) {
	env, err := NewEnvironment(0)
	require.NoError(t, err)
	files, err := filepath.Glob("../../policies/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	interpreted := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.yaml") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		p, issues := Compile(env, filepath.Base(f), src)
		require.Empty(t, issues)
		note := func(id, what string, prg *program) {
			if prg != nil && prg.native == nil {
				interpreted[id+" "+what] = prg.interpreted
			}
		}
		for _, r := range p.Rules {
			note(r.ID, "when", r.when)
		}
		for _, tx := range p.Taxes {
			note(tx.ID, "when", tx.when)
			note(tx.ID, "rate", tx.rate)
			note(tx.ID, "base", tx.base)
			note(tx.ID, "amount", tx.amount)
		}
	}
	for expr, why := range interpreted {
		want, listed := interpretedOnPurpose[expr]
		require.True(t, listed, "%s is interpreted (%s): lower it, or list it in interpretedOnPurpose", expr, why)
		require.True(t, strings.HasPrefix(why, want), "%s: interpreted because %s, want %s", expr, why, want)
	}
	for expr := range interpretedOnPurpose {
		require.Contains(t, interpreted, expr, "%s is lowered now: remove it from interpretedOnPurpose", expr)
	}
}
