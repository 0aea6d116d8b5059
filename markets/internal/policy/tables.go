package policy

import (
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/exact"
)

// How a table matches its keys.
const (
	MatchExact    = "exact"
	MatchHSPrefix = "hs_prefix"
	MatchTiers    = "tiers"
)

// Table is a compiled policy table.
type Table struct {
	// Name is the table's name; Match one of the Match constants.
	Name  string
	Match string
	// Entries are, in exact and hs_prefix tables, by key and then
	// effective_from, so that a lookup is a binary search and the rows
	// under an HS code are contiguous (the rows of one key have disjoint
	// windows, checked at load); in tiers tables, by from.
	Entries []*Entry
	// scanBound bounds the rows that the finer-than-key checks of one
	// evaluation examine, each code checked once (see lookupPrefix): the
	// sum over rows of len(key)+1.
	scanBound uint64
}

// Bounds of table lookups.
const (
	// maxKeyDigits and minKeyDigits bound the length of an hs_prefix key.
	maxKeyDigits = 12
	minKeyDigits = 2
	// maxNamedRows is how many finer rows a failed hs_prefix lookup names;
	// it gives the count of the rest.
	maxNamedRows = 5
	// memoRows is how many rows an hs_prefix lookup may examine below
	// the code before its answer is kept for the rest of the evaluation.
	memoRows = 32
)

// Entry is one effective-dated row of a table.
//
// Key is the row's key (empty in a tiers table, whose rows are From..To,
// To 0 for open); Value its figure; the rest say where the figure comes
// from and when it holds.
type Entry struct {
	Key           string
	From, To      int
	Value         exact.Dec
	celValue      ref.Val // Value as a CEL value, made once at load
	Source        string
	EffectiveFrom iorules.Date
	EffectiveTo   iorules.Date
	Confidence    iorules.Confidence
	// Caller marks a row the caller supplied (WithTables): every figure
	// computed from it cites it.
	Caller bool
	// label is Row.Label, made on first use: the engine's evaluations
	// share the entry, and the label never changes.
	label atomic.Pointer[string]
}

func (e *Entry) inForce(d iorules.Date) bool { return e.window().Covers(d) }

// window is the row's effective-date window.
func (e *Entry) window() iorules.Window {
	return iorules.Window{From: e.EffectiveFrom, To: e.EffectiveTo}
}

// Row is a table row an evaluation read: the table's name and the entry.
type Row struct {
	Table string
	Entry *Entry
}

// Label names the row in messages: "table ii_rate entry 847150 = 0.16",
// a row of a tiers table by its range ("entry 3-5", "entry 51+").
func (r Row) Label() string {
	if l := r.Entry.label.Load(); l != nil {
		return *l
	}
	e := r.Entry
	key := e.Key
	switch {
	case key != "":
	case e.To == 0:
		key = strconv.Itoa(e.From) + "+"
	default:
		key = strconv.Itoa(e.From) + "-" + strconv.Itoa(e.To)
	}
	l := "table " + r.Table + " entry " + key + " = " + e.Value.String()
	e.label.Store(&l)
	return l
}

// recorder collects, for one Prequalify call, the unconfirmed table rows
// used, each once in order of first use, and the facts that were missing
// to evaluate an expression. It also remembers the answers of hs_prefix
// lookups, whose date and table do not change within the call, and what
// the last lookup cost, for the runtime cost limit.
type recorder struct {
	used     []Row
	usedSeen map[*Entry]bool
	gaps     []gap
	// unconfirmedReads counts every read of an unconfirmed row, so that
	// a figure computed from one can be marked unconfirmed too.
	unconfirmedReads int
	// trace, when traceOn, lists every row read, for the explanation.
	trace   []Row
	traceOn bool
	prefix  map[prefixKey]prefixLookup
	cost    uint64
}

type prefixKey struct {
	t    *Table
	key  string
	date iorules.Date
}

// use notes that the evaluation relied on row e of t. Only unconfirmed
// rows and rows the caller supplied are kept: they are the ones the
// decision must flag.
func (r *recorder) use(t *Table, e *Entry) {
	if r.traceOn {
		r.trace = append(r.trace, Row{Table: t.Name, Entry: e})
	}
	if e.Confidence == "unconfirmed" {
		r.unconfirmedReads++
	} else if !e.Caller {
		return
	}
	if r.usedSeen != nil {
		if r.usedSeen[e] {
			return
		}
		r.usedSeen[e] = true
	} else {
		for _, u := range r.used {
			if u.Entry == e {
				return
			}
		}
	}
	r.used = append(r.used, Row{Table: t.Name, Entry: e})
	// Past a few rows, a set keeps this linear in the rows used.
	if r.usedSeen == nil && len(r.used) >= 16 {
		r.usedSeen = make(map[*Entry]bool, 2*len(r.used))
		for _, u := range r.used {
			r.usedSeen[u.Entry] = true
		}
	}
}

// gap records a missing fact and returns it as a CEL error, so that the
// expression stops and the engine reports a condition instead of a guess.
func (r *recorder) gap(g gap) ref.Val {
	r.gaps = append(r.gaps, g)
	return types.NewErr("%s", g.why)
}

// gap is a fact a lookup could not find: why, and what the caller could
// supply so that it is found ("" when nothing specific can be said); row,
// when a row of the caller's own would fill it.
type gap struct {
	why, supply string
	row         *iorules.MissingRow
}

func (c *evalCtx) lookupTable(name string) (*Table, ref.Val) {
	t, ok := c.tables[name]
	if !ok {
		return nil, types.NewErr("no table %q", name)
	}
	return t, nil
}

// searchCost is the cost of one binary search over n rows.
func searchCost(n int) uint64 { return uint64(bits.Len(uint(n))) + 1 }

// callCost bounds the cost of one lookup in t, apart from the
// finer-than-key scans, which scanBound bounds per evaluation.
func (t *Table) callCost() uint64 {
	switch t.Match {
	case MatchExact:
		return 3 * searchCost(len(t.Entries))
	case MatchHSPrefix:
		return (maxKeyDigits-minKeyDigits+1)*3*searchCost(len(t.Entries)) + memoRows
	}
	return uint64(len(t.Entries))
}

// keyStart returns the index of the first row whose key is not below key.
func (t *Table) keyStart(key string) int {
	return sort.Search(len(t.Entries), func(i int) bool { return t.Entries[i].Key >= key })
}

// row returns the row with key key in force on d, or nil, in three binary
// searches.
func (t *Table) row(key string, d iorules.Date) *Entry {
	lo := t.keyStart(key)
	rows := t.Entries[lo:]
	rows = rows[:sort.Search(len(rows), func(i int) bool { return rows[i].Key != key })]
	// The windows of one key are disjoint and in order of start: the row
	// in force, if any, is the last to start on or before d.
	i := sort.Search(len(rows), func(i int) bool {
		from := rows[i].EffectiveFrom
		return !from.IsZero() && from.After(d)
	})
	if i > 0 && rows[i-1].inForce(d) {
		return rows[i-1]
	}
	return nil
}

// prefixLookup is the answer of an hs_prefix table for one code on one
// date.
type prefixLookup struct {
	best *Entry // the row of the longest key that prefixes the code
	// finer counts the rows in force below the code; named are the first
	// of them, in key order.
	finer int
	named [maxNamedRows]*Entry
	// disagree reports that a row below the code differs from best, or
	// that there is no best.
	disagree bool
	cost     uint64 // rows and search steps examined
	scanned  int    // rows examined below the code
}

// fails reports whether table() has no answer for the code.
func (r *prefixLookup) fails() bool { return r.best == nil || r.disagree }

// why explains a failed lookup of key in t on d.
func (r *prefixLookup) why(t *Table, key string, d iorules.Date) string {
	if !r.disagree {
		return fmt.Sprintf("table %s has no entry covering HS code %s in force on %s",
			t.Name, iorules.HSCode(key).String(), d)
	}
	var rows strings.Builder
	for i, e := range r.named[:min(r.finer, maxNamedRows)] {
		if i > 0 {
			rows.WriteString(", ")
		}
		rows.WriteString(iorules.HSCode(e.Key).String() + " (" + e.Value.String() + ")")
	}
	if r.finer > maxNamedRows {
		fmt.Fprintf(&rows, " and %d more rows", r.finer-maxNamedRows)
	}
	return fmt.Sprintf("HS code %s is not precise enough: table %s distinguishes %s; declare the full national tariff line",
		iorules.HSCode(key).String(), t.Name, rows.String())
}

// lookupPrefix answers for key on d: the row of the longest key that
// prefixes it, and whether rows in force below key disagree with it. The
// rows below key are contiguous; each is examined once per key, and the
// keys of one length have disjoint sets of rows below them, so the lookups
// of one evaluation examine at most t.scanBound of them.
func (t *Table) lookupPrefix(key string, d iorules.Date) prefixLookup {
	var r prefixLookup
	for l := min(len(key), maxKeyDigits); l >= minKeyDigits && r.best == nil; l-- {
		r.best = t.row(key[:l], d)
		r.cost += 3 * searchCost(len(t.Entries))
	}
	// The table splits below the declared code: the missing digits decide
	// the value unless every finer row agrees with it.
	for i := t.keyStart(key); i < len(t.Entries) && strings.HasPrefix(t.Entries[i].Key, key); i++ {
		e := t.Entries[i]
		r.cost++
		r.scanned++
		if len(e.Key) == len(key) || !e.inForce(d) {
			continue
		}
		if r.finer < maxNamedRows {
			r.named[r.finer] = e
		}
		r.finer++
		if r.best == nil || !e.Value.Equal(r.best.Value) {
			r.disagree = true
		}
	}
	return r
}

// prefix returns the answer of hs_prefix table t for key. An answer that
// examined more than memoRows rows below the code is kept for the rest of
// the evaluation, so that each row is scanned at most once per code.
func (c *evalCtx) prefix(t *Table, key string) prefixLookup {
	k := prefixKey{t, key, c.date}
	if r, ok := c.rec.prefix[k]; ok {
		c.rec.cost = 1
		return r
	}
	r := t.lookupPrefix(key, c.date)
	c.rec.cost = r.cost
	if r.scanned > memoRows {
		if c.rec.prefix == nil {
			c.rec.prefix = map[prefixKey]prefixLookup{}
		}
		c.rec.prefix[k] = r
	}
	return r
}

// find returns the row of t that applies to key on the evaluation date, or
// a gap saying why none can be chosen and what would let one be.
func (c *evalCtx) find(t *Table, key string) (*Entry, gap) {
	ownRow := func(shown string) string {
		return fmt.Sprintf("the rate from the official tariff or a broker's confirmation, as a cited row of your own "+
			"for table %s, key %s, in force on %s (prequalify -tables FILE, markets.WithTables)", t.Name, shown, c.date)
	}
	switch t.Match {
	case MatchExact:
		c.rec.cost = t.callCost()
		if e := t.row(key, c.date); e != nil {
			return e, gap{}
		}
		return nil, gap{why: fmt.Sprintf("table %s has no entry for %q in force on %s", t.Name, key, c.date),
			supply: ownRow(strconv.Quote(key)), row: &iorules.MissingRow{Table: t.Name, Key: key, Date: c.date}}
	case MatchHSPrefix:
		r := c.prefix(t, key)
		if r.fails() {
			g := gap{why: r.why(t, key, c.date), supply: ownRow(key)}
			if r.disagree {
				g.supply = "the full national tariff line in items[].hs_code, or " + g.supply
			} else {
				g.row = &iorules.MissingRow{Table: t.Name, Key: key, Date: c.date}
			}
			return nil, g
		}
		return r.best, gap{}
	}
	return nil, gap{why: fmt.Sprintf("table %s cannot be looked up by key", t.Name)}
}

func (c *evalCtx) table(name, key string) ref.Val {
	t, errVal := c.lookupTable(name)
	if errVal != nil {
		return errVal
	}
	e, g := c.find(t, key)
	if e == nil {
		return c.rec.gap(g)
	}
	c.rec.use(t, e)
	return e.celValue
}

func (c *evalCtx) hasEntry(name, key string) ref.Val {
	t, errVal := c.lookupTable(name)
	if errVal != nil {
		return errVal
	}
	switch t.Match {
	case MatchExact:
		e, _ := c.find(t, key)
		return types.Bool(e != nil)
	case MatchHSPrefix:
		// An entry exists when a row covers the code; a finer split below
		// the code also counts, so that the following table() call reports
		// the missing digits instead of the rule silently skipping.
		r := c.prefix(t, key)
		return types.Bool(r.best != nil || r.finer > 0)
	}
	return types.NewErr("table %s cannot be looked up by key", t.Name)
}

// lastLookupCost is the runtime cost of a table lookup: what it examined.
func lastLookupCost(args []ref.Val, _ ref.Val) *uint64 {
	if len(args) == 0 {
		return nil
	}
	c, ok := args[0].(ctxVal)
	if !ok || c.c == nil || c.c.rec == nil {
		return nil
	}
	cost := c.c.rec.cost
	return &cost
}

// maxTierUnits bounds tiered() so a policy cannot loop without end.
const maxTierUnits = 1_000_000

func (c *evalCtx) tiered(name string, n int64) ref.Val {
	t, errVal := c.lookupTable(name)
	if errVal != nil {
		return errVal
	}
	if t.Match != MatchTiers {
		return types.NewErr("table %s is not a tiers table", name)
	}
	if n < 0 || n > maxTierUnits {
		return types.NewErr("tiered(%q, %d): count out of range", name, n)
	}
	var total exact.Dec
	c.rec.cost = t.callCost()
	for _, e := range t.Entries {
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
