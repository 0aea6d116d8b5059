package markets

import (
	"errors"
	"fmt"
	"strings"

	"github.com/iorules/iorules"
)

// Issue is one problem found while loading a policy, at a place in its file.
type Issue struct {
	File string
	Line int
	Col  int
	Rule string // the rule, tax or table concerned; "" for the policy itself
	Msg  string
}

// String formats the issue as FILE:LINE:COL: rule ID: message.
func (i Issue) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: ", i.File, max(i.Line, 1), max(i.Col, 1))
	if i.Rule != "" {
		fmt.Fprintf(&b, "rule %s: ", i.Rule)
	}
	b.WriteString(i.Msg)
	return b.String()
}

// LoadError reports every problem found in a set of policies.
type LoadError struct {
	Issues []Issue
}

// Error lists the issues one per line.
func (e *LoadError) Error() string {
	lines := make([]string, len(e.Issues))
	for i, is := range e.Issues {
		lines[i] = is.String()
	}
	return strings.Join(lines, "\n")
}

// UnknownMarketError is returned for a market that has no loaded policy.
type UnknownMarketError struct {
	Market iorules.Country
}

// Error names the market.
func (e *UnknownMarketError) Error() string {
	return fmt.Sprintf("no policy for market %q", string(e.Market))
}

// ErrNoPolicies is returned by New when WithPolicies was given a nil file
// system: there is nothing to load, and falling back to the embedded
// policies would evaluate against policies the caller did not ask for.
var ErrNoPolicies = errors.New("markets: WithPolicies(nil): no file system to load policies from")
