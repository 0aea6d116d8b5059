package policy

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/exact"
	"github.com/shopspring/decimal"
)

// CallerSource prefixes the source of a row the caller supplied.
const CallerSource = "supplied by the caller: "

// CallerRow is a table row the caller supplies (markets.TableRow).
type CallerRow struct {
	Key                        string
	Value                      decimal.Decimal
	Source                     string
	Confidence                 iorules.Confidence
	EffectiveFrom, EffectiveTo iorules.Date
}

// MergeRows merges the caller's rows into table name of p, which must
// exist and not be a tiers table, returning the problems found (named by
// path from at, in file "tables") and writing what was applied into
// digest. A caller row takes precedence over the embedded rows it
// overlaps.
func (p *Policy) MergeRows(name, at string, rows []CallerRow, digest io.Writer) []Issue {
	var issues []Issue
	bad := func(at, format string, args ...any) {
		issues = append(issues, Issue{File: "tables", Line: 1, Col: 1, Rule: at, Msg: fmt.Sprintf(format, args...)})
	}
	t := p.Tables[name]
	added := make([]*Entry, 0, len(rows))
	for i, r := range rows {
		rat := fmt.Sprintf("%s[%d]", at, i)
		before := len(issues)
		switch {
		case t.Match == MatchHSPrefix && !digitsRE.MatchString(r.Key):
			bad(rat+".key", "want 2 to 12 digits of an HS code, got %q", r.Key)
		case r.Key == "":
			bad(rat+".key", "required")
		}
		if r.Value.IsNegative() {
			bad(rat+".value", "must not be negative")
		}
		if strings.TrimSpace(r.Source) == "" {
			bad(rat+".source", "required: cite the ruling, tariff line or confirmation the figure comes from")
		}
		if !r.Confidence.IsValid() {
			bad(rat+".confidence", "want confirmed or unconfirmed, got %q", r.Confidence)
		}
		if (iorules.Window{From: r.EffectiveFrom, To: r.EffectiveTo}).Validate() != nil {
			bad(rat+".effective_to", "%s is before effective_from %s, so the row would never apply", r.EffectiveTo, r.EffectiveFrom)
		}
		if len(issues) > before {
			continue
		}
		e := &Entry{Key: r.Key, Value: exact.FromDecimal(r.Value), Source: CallerSource + r.Source,
			EffectiveFrom: r.EffectiveFrom, EffectiveTo: r.EffectiveTo, Confidence: r.Confidence, Caller: true}
		e.celValue = newDec(e.Value)
		for j, o := range added {
			if o.Key == e.Key && windowsOverlap(o, e) {
				bad(rat, "overlaps in time %s[%d], which has the same key", at, j)
			}
		}
		added = append(added, e)
		fmt.Fprintf(digest, "table %s %s %s %s %s %s %s %q\n", p.Market, name, e.Key, r.Value.String(),
			r.EffectiveFrom, r.EffectiveTo, r.Confidence, r.Source)
	}
	// A caller row takes precedence over the embedded rows it
	// overlaps: those give way.
	kept := t.Entries[:0:0]
	for _, old := range t.Entries {
		if !slices.ContainsFunc(added, func(n *Entry) bool { return n.Key == old.Key && windowsOverlap(n, old) }) {
			kept = append(kept, old)
		}
	}
	merged := &Table{Name: t.Name, Match: t.Match, Entries: append(kept, added...)}
	c := &compiler{file: "tables"}
	c.checkOverlaps(merged, make([]position, len(merged.Entries)), "table "+name)
	for _, en := range merged.Entries {
		merged.scanBound += uint64(len(en.Key)) + 1
	}
	p.Tables[name] = merged
	return issues
}
