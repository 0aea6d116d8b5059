package markets_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/markets/internal/policy"
	"github.com/stretchr/testify/require"
)

// TestPolicyReferenceCoversTheLanguage checks that docs/policy.md mentions,
// in backticks, every name the policy language declares: the CEL
// variables, the fields of every record type, the functions added to CEL,
// the keys of the policy file and the words it takes as values. The names
// come from the environment's own declarations (policy.Vocabulary), so a
// variable, field or function added to the engine fails this test until
// the reference describes it.
func TestPolicyReferenceCoversTheLanguage(t *testing.T) {
	doc, err := os.ReadFile("../docs/policy.md")
	require.NoError(t, err)
	// Code blocks are examples, not mentions; their fences would also pair
	// the backticks of the text wrongly.
	doc = regexp.MustCompile("(?ms)^```.*?^```$").ReplaceAll(doc, nil)
	mentioned := map[string]bool{}
	word := regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	for _, span := range regexp.MustCompile("`([^`]+)`").FindAllSubmatch(doc, -1) {
		for _, w := range word.FindAll(span[1], -1) {
			mentioned[string(w)] = true
		}
	}
	env, err := policy.NewEnvironment(0)
	require.NoError(t, err)
	v, err := env.Vocabulary()
	require.NoError(t, err)
	require.NotEmpty(t, v.Variables)
	require.NotEmpty(t, v.Functions)
	check := func(what string, names []string) {
		t.Helper()
		for _, name := range names {
			if !mentioned[name] {
				t.Errorf("docs/policy.md does not mention the %s `%s`", what, name)
			}
		}
	}
	check("variable", v.Variables)
	check("function", v.Functions)
	for record, fields := range v.Fields {
		check("field of "+record, fields)
	}
	check("policy key", v.Keys)
	check("value", v.Values)
}

// TestEngineConstantsMatchThePolicyPackage checks the exported constants
// that repeat the internal policy package's, written out so that the
// documentation shows their values.
func TestEngineConstantsMatchThePolicyPackage(t *testing.T) {
	require.Equal(t, policy.MaxLines, markets.MaxLines)
	require.Equal(t, policy.CodeFactMissing, markets.CodeFactMissing)
	require.Equal(t, policy.CodeRuleError, markets.CodeRuleError)
}
