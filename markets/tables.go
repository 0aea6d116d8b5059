package markets

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets/internal/exact"
)

// How a table matches its keys.
const (
	matchExact    = "exact"
	matchHSPrefix = "hs_prefix"
	matchTiers    = "tiers"
)

// table is a compiled policy table.
type table struct {
	name    string
	match   string
	entries []*tableEntry // hs_prefix: longest key first; tiers: by from
}

// tableEntry is one effective-dated row of a table.
type tableEntry struct {
	Key           string
	From, To      int
	Value         exact.Dec
	celValue      ref.Val // Value as a CEL value, made once at load
	Source        string
	EffectiveFrom iorules.Date
	EffectiveTo   iorules.Date
	Confidence    string
}

func (e *tableEntry) inForce(d iorules.Date) bool {
	return inWindow(d, e.EffectiveFrom, e.EffectiveTo)
}

// usedEntry records an unconfirmed table row an evaluation relied on.
type usedEntry struct {
	table string
	entry *tableEntry
}

// recorder collects, for one Prequalify call, the unconfirmed table rows
// used, each once in order of first use, and the facts that were missing
// to evaluate an expression.
type recorder struct {
	used []usedEntry
	gaps []string
	// unconfirmedReads counts every read of an unconfirmed row, so that
	// a figure computed from one can be marked unconfirmed too.
	unconfirmedReads int
}

// use notes that the evaluation relied on row e of t. Only unconfirmed
// rows are kept: they are the ones the decision must flag.
func (r *recorder) use(t *table, e *tableEntry) {
	if e.Confidence != "unconfirmed" {
		return
	}
	r.unconfirmedReads++
	for _, u := range r.used {
		if u.entry == e {
			return
		}
	}
	r.used = append(r.used, usedEntry{table: t.name, entry: e})
}

// gap records a missing fact and returns it as a CEL error, so that the
// expression stops and the engine reports a condition instead of a guess.
func (r *recorder) gap(format string, args ...any) ref.Val {
	msg := fmt.Sprintf(format, args...)
	r.gaps = append(r.gaps, msg)
	return types.NewErr("%s", msg)
}

func (c *evalCtx) lookupTable(name string) (*table, ref.Val) {
	t, ok := c.tables[name]
	if !ok {
		return nil, types.NewErr("no table %q", name)
	}
	return t, nil
}

// find returns the row of t that applies to key on the evaluation date, or
// an explanation of why none can be chosen.
func (c *evalCtx) find(t *table, key string) (*tableEntry, string) {
	switch t.match {
	case matchExact:
		for _, e := range t.entries {
			if e.Key == key && e.inForce(c.date) {
				return e, ""
			}
		}
		return nil, fmt.Sprintf("table %s has no entry for %q in force on %s", t.name, key, c.date)
	case matchHSPrefix:
		var best *tableEntry
		var finer []*tableEntry
		for _, e := range t.entries {
			if !e.inForce(c.date) {
				continue
			}
			switch {
			case strings.HasPrefix(key, e.Key):
				if best == nil || len(e.Key) > len(best.Key) {
					best = e
				}
			case strings.HasPrefix(e.Key, key):
				finer = append(finer, e)
			}
		}
		// The table splits below the declared code: the missing digits
		// decide the value unless every finer row agrees with it.
		for _, e := range finer {
			if best == nil || !e.Value.Equal(best.Value) {
				keys := make([]string, 0, len(finer))
				for _, f := range finer {
					keys = append(keys, iorules.HSCode(f.Key).String()+" ("+f.Value.String()+")")
				}
				sort.Strings(keys)
				return nil, fmt.Sprintf("HS code %s is not precise enough: table %s distinguishes %s; declare the full national tariff line",
					iorules.HSCode(key).String(), t.name, strings.Join(keys, ", "))
			}
		}
		if best == nil {
			return nil, fmt.Sprintf("table %s has no entry covering HS code %s in force on %s",
				t.name, iorules.HSCode(key).String(), c.date)
		}
		return best, ""
	}
	return nil, fmt.Sprintf("table %s cannot be looked up by key", t.name)
}

func (c *evalCtx) table(name, key string) ref.Val {
	t, errVal := c.lookupTable(name)
	if errVal != nil {
		return errVal
	}
	e, why := c.find(t, key)
	if e == nil {
		return c.rec.gap("%s", why)
	}
	c.rec.use(t, e)
	return e.celValue
}

func (c *evalCtx) hasEntry(name, key string) ref.Val {
	t, errVal := c.lookupTable(name)
	if errVal != nil {
		return errVal
	}
	switch t.match {
	case matchExact:
		e, _ := c.find(t, key)
		return types.Bool(e != nil)
	case matchHSPrefix:
		// An entry exists when a row covers the code; a finer split below
		// the code also counts, so that the following table() call reports
		// the missing digits instead of the rule silently skipping.
		for _, e := range t.entries {
			if e.inForce(c.date) && (strings.HasPrefix(key, e.Key) || strings.HasPrefix(e.Key, key)) {
				return types.True
			}
		}
		return types.False
	}
	return types.NewErr("table %s cannot be looked up by key", t.name)
}

// maxTierUnits bounds tiered() so a policy cannot loop without end.
const maxTierUnits = 1_000_000

func (c *evalCtx) tiered(name string, n int64) ref.Val {
	t, errVal := c.lookupTable(name)
	if errVal != nil {
		return errVal
	}
	if t.match != matchTiers {
		return types.NewErr("table %s is not a tiers table", name)
	}
	if n < 0 || n > maxTierUnits {
		return types.NewErr("tiered(%q, %d): count out of range", name, n)
	}
	var total exact.Dec
	for _, e := range t.entries {
		if !e.inForce(c.date) {
			continue
		}
		hi := int64(e.To)
		if hi == 0 || hi > n {
			hi = n
		}
		if units := hi - int64(e.From) + 1; units > 0 {
			total = total.Add(e.Value.Mul(exact.New(units, 0)))
			c.rec.use(t, e)
		}
	}
	return newDec(total)
}
