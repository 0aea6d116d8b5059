package policy

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
	"github.com/stretchr/testify/require"
)

// inlineCode matches a name written in backticks.
var inlineCode = regexp.MustCompile("`([^`]+)`")

// calledName matches the function of a call inside a backtick span.
var calledName = regexp.MustCompile(`([a-z_][a-z0-9_]*)\(`)

// TestPolicyReferenceCoversEnvironment fails when the CEL environment
// declares a variable, a field of the shipment model or a function that
// the policy-language reference (docs/policy.md) does not name in
// backticks. It reads the declarations from the environment itself, so a
// new helper or field cannot be added without documenting it.
func TestPolicyReferenceCoversEnvironment(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "policy.md"))
	require.NoError(t, err)
	named := map[string]bool{}
	inFence := false
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		for _, m := range inlineCode.FindAllStringSubmatch(line, -1) {
			named[m[1]] = true
			// A call written out, `table("name", key)` or `a.div(b, 2)`,
			// names its function.
			for _, call := range calledName.FindAllStringSubmatch(m[1], -1) {
				named[call[1]] = true
			}
		}
	}
	env, err := NewEnvironment(0)
	require.NoError(t, err)
	base, err := cel.NewEnv(ext.Strings())
	require.NoError(t, err)

	var missing []string
	need := func(what, name string) {
		if !named[name] {
			missing = append(missing, what+" "+name)
		}
	}
	for _, v := range env.env.Variables() {
		if v.Name() != ctxVar {
			need("variable", v.Name())
		}
	}
	for name := range env.env.Functions() {
		if !base.HasFunction(name) {
			need("function", name)
		}
	}
	for _, ot := range env.provider.byName {
		for _, f := range ot.names {
			need("field of "+ot.name, f)
		}
	}
	for _, v := range append(append([]string{KindApproval, KindDecline, KindCondition, KindInfo, KindImporter,
		ScopeItem, ScopeShipment, ScopeGroup, ScopeDeclaration, MatchExact, MatchHSPrefix, MatchTiers,
		"half_up", "half_even"}, groupFields...), policyKeys(t)...) {
		need("keyword", v)
	}
	require.Empty(t, missing, "docs/policy.md does not mention these; document them")
}

// policyKeys returns every YAML key of the policy file format, read from the
// yaml tags of its Go schema.
func policyKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || seen[rt] {
			return
		}
		seen[rt] = true
		for i := range rt.NumField() {
			f := rt.Field(i)
			if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag != "" && tag != "-" {
				keys = append(keys, tag)
				walk(f.Type)
			}
		}
	}
	walk(reflect.TypeFor[policyFile]())
	require.NotEmpty(t, keys)
	return keys
}
