package markets

import (
	"errors"
	"fmt"
	"strings"

	"github.com/iorules/iorules"
)

// Issue is one problem found while loading a policy, at a place in its file.
type Issue struct {
	// File is the policy file's name in the file system loaded
	// ("br.yaml"); "tables" for a problem with the caller's rows
	// (WithTables), "." when no policy file was found.
	File string
	// Line is the line in File, counted from 1; 1 for a problem with the
	// file as a whole, 0 when the place is not known (String prints 1).
	Line int
	// Col is the column in Line, counted from 1; 0 when not known.
	Col int
	// Rule is the rule, tax or table concerned ("table ii_rate" for a
	// table, the row's path for a caller's row); "" for the policy itself.
	Rule string
	// Msg says what is wrong.
	Msg string
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
	// Issues are the problems, file by file in name order (those of the
	// caller's rows last) and, within a file, as found; never empty. A
	// file with more than 100 lists the first 100, then one issue counting
	// the rest.
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
	// Market is the market asked for, as given (possibly empty or not a
	// valid country code).
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
