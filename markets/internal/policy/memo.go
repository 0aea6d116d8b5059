package policy

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"

	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/iorules/iorules"
)

// Item-scope rules run once per line, but most read only a few fields of
// the item (its HS code, category, condition, origin), and a shipment has
// far fewer distinct values of those than it has lines. A rule whose
// condition reads nothing of the line but such fields gives the same
// answer for every line with the same values, so the engine evaluates it
// once per distinct combination ("class") and reuses the answer for the
// other lines of the class. Which fields a condition reads is found from
// its checked expression when the policy loads; a condition that reads
// anything else of the line (line values, quantities, amounts, the item as
// a whole) or calls a helper that reads the line without a class key
// (contextFunction.readsItem without lineKey) is evaluated on every line.

// keyFields are the item fields a memoized condition may read, with how
// each is written into a class key. A condition reading hs4 or hs6 is
// keyed on hs_code, which they derive from (see itemKey).
var keyFields = map[string]func([]byte, *iorules.Item) []byte{
	"hs_code":           func(b []byte, it *iorules.Item) []byte { return append(b, it.HSCode...) },
	"category":          func(b []byte, it *iorules.Item) []byte { return append(b, it.Category...) },
	"condition":         func(b []byte, it *iorules.Item) []byte { return append(b, it.Condition...) },
	"country_of_origin": func(b []byte, it *iorules.Item) []byte { return append(b, it.CountryOfOrigin...) },
	"eccn":              func(b []byte, it *iorules.Item) []byte { return append(b, it.ECCN...) },
	"tariff_exemption":  func(b []byte, it *iorules.Item) []byte { return append(b, it.TariffExemption...) },
	"model":             func(b []byte, it *iorules.Item) []byte { return append(b, it.Model...) },
	"sku":               func(b []byte, it *iorules.Item) []byte { return append(b, it.SKU...) },
	"description":       func(b []byte, it *iorules.Item) []byte { return append(b, it.Description...) },
	"has_tpp":           func(b []byte, it *iorules.Item) []byte { return strconv.AppendBool(b, it.TPP != nil) },
	"has_power_rating":  func(b []byte, it *iorules.Item) []byte { return strconv.AppendBool(b, it.PowerRatingKVA != nil) },
	"encryption": func(b []byte, it *iorules.Item) []byte {
		return strconv.AppendBool(strconv.AppendBool(b, it.Encryption.Present), it.Encryption.MassMarket)
	},
	"radio": func(b []byte, it *iorules.Item) []byte {
		for _, r := range it.Radio {
			b = appendKeyString(b, string(r))
		}
		return b
	},
}

// notKeyed are the item fields CEL exposes that are not class-key fields,
// with why: a condition reading one is evaluated on every line (itemKey).
// An item field CEL exposes is either in keyFields, derived from one
// (hs4, hs6), or listed here (TestMemoKeyCoversItem).
var notKeyed = map[string]string{
	"line":             "unique to each line: a class would hold one line",
	"quantity":         "a figure that differs between lines more often than not",
	"unit_value":       "a figure that differs between lines more often than not",
	"net_weight_kg":    "a figure, and a missing fact when not stated",
	"power_rating_kva": "a figure, and a missing fact when not stated",
	"tpp":              "a figure, and a missing fact when not stated",
}

// keyFunc writes into a class key what a condition reads of item it of
// shipment s through one field or helper.
type keyFunc func(b []byte, s *iorules.Shipment, it *iorules.Item) []byte

// appendHeldKey writes into a class key what held() reads of the line: the
// approvals held for it and its model (approvals.LineStatus).
func appendHeldKey(b []byte, it *iorules.Item) []byte {
	b = appendKeyString(b, it.Model)
	b = binary.AppendUvarint(b, uint64(len(it.ApprovalsHeld)))
	for _, h := range it.ApprovalsHeld {
		b = appendKeyString(b, h.ID)
		b = appendKeyString(b, h.ValidUntil.String())
		b = binary.AppendUvarint(b, uint64(len(h.Models)))
		for _, m := range h.Models {
			b = appendKeyString(b, m)
		}
	}
	return b
}

// helperKey is the class-key field of what the helper named name reads of
// the line; no item field has such a name.
func helperKey(name string) string { return name + "()" }

// appendKeyString appends s after its length.
func appendKeyString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// itemKey returns the item fields the checked expression reads, sorted,
// and whether its value depends on the line through those fields alone.
func itemKey(nav ast.NavigableExpr, functions map[string]*contextFunction) ([]string, bool) {
	var fields []string
	for _, n := range ast.MatchDescendants(nav, ast.KindMatcher(ast.IdentKind)) {
		if boundLocally(n, n.AsIdent()) {
			continue
		}
		switch n.AsIdent() {
		case varLine, varTax, varRate:
			return nil, false
		case varItem:
			parent, ok := n.Parent()
			if !ok || parent.Kind() != ast.SelectKind || parent.AsSelect().Operand().ID() != n.ID() {
				return nil, false // the item as a whole
			}
			name := parent.AsSelect().FieldName()
			if name == "hs4" || name == "hs6" {
				name = "hs_code" // the same key: both derive from it
			}
			if _, ok := keyFields[name]; !ok {
				return nil, false
			}
			if parent.Type().Kind() == types.StructKind {
				// A record (item.encryption) compares as a whole by
				// identity, which tells lines apart; only its fields are
				// values.
				grand, ok := parent.Parent()
				if !ok || grand.Kind() != ast.SelectKind {
					return nil, false
				}
			}
			fields = append(fields, name)
		}
	}
	for _, n := range ast.MatchDescendants(nav, ast.KindMatcher(ast.CallKind)) {
		f := helperCalled(n, functions)
		switch {
		case f == nil || !f.readsItem:
		case f.lineKey != nil:
			fields = append(fields, helperKey(f.name))
		default:
			return nil, false // reads the line in a way no key captures
		}
	}
	slices.Sort(fields)
	return slices.Compact(fields), true
}

// lineClasses assigns every item a class: items with equal values of the
// given fields share one. It returns the class of each item, by index, and
// the number of classes.
func lineClasses(s *iorules.Shipment, fields []keyFunc, scratch *classScratch) ([]int32, int) {
	value := scratch.value
	defer func() { scratch.value = value }()
	return internClasses(len(s.Items), scratch, func(key []byte, i int) []byte {
		// Each value is written after its length, so no two different
		// combinations can give the same key.
		for _, appendValue := range fields {
			value = appendValue(value[:0], s, &s.Items[i])
			key = binary.AppendUvarint(key, uint64(len(value)))
			key = append(key, value...)
		}
		return key
	})
}

// classScratch holds the buffers classing lines needs, reused from one
// class set to the next: only the classes are kept.
type classScratch struct {
	// keyBuf holds the keys of the classes found so far, one after
	// another, keyEnds[c] the end of class c's; key and value are the
	// key being written and a value of it.
	keyBuf, key, value []byte
	keyEnds            []int
}

// internClasses classes n items by the keys appendKey writes: items with
// equal keys share a class, numbered in order of first item. It returns
// the class of each item and the number of classes.
func internClasses(n int, scratch *classScratch, appendKey func(b []byte, i int) []byte) ([]int32, int) {
	classes := make([]int32, n)
	// Shipments have few classes: a scan of the keys finds them until
	// there are more than linearClasses.
	keyBuf, keyEnds, key := scratch.keyBuf[:0], scratch.keyEnds[:0], scratch.key
	defer func() { scratch.keyBuf, scratch.keyEnds, scratch.key = keyBuf, keyEnds, key }()
	var index map[string]int32
	for i := range n {
		key = appendKey(key[:0], i)
		c, ok := int32(0), false
		if index != nil {
			c, ok = index[string(key)]
		} else {
			start := 0
			for j, end := range keyEnds {
				if bytes.Equal(keyBuf[start:end], key) {
					c, ok = int32(j), true
					break
				}
				start = end
			}
		}
		if !ok {
			c = int32(len(keyEnds))
			keyBuf = append(keyBuf, key...)
			keyEnds = append(keyEnds, len(keyBuf))
			switch {
			case index != nil:
				index[string(key)] = c
			case len(keyEnds) > linearClasses:
				index = make(map[string]int32, 2*len(keyEnds))
				start := 0
				for j, end := range keyEnds {
					index[string(keyBuf[start:end])] = int32(j)
					start = end
				}
			}
		}
		classes[i] = c
	}
	return classes, len(keyEnds)
}

// linearClasses is how many classes lineClasses finds by comparing keys
// before it indexes them in a map.
const linearClasses = 16

// helperCalled returns the helper n calls, nil when n calls none.
func helperCalled(n ast.NavigableExpr, functions map[string]*contextFunction) *contextFunction {
	call := n.AsCall()
	f := functions[call.FunctionName()]
	if f == nil || !call.IsMemberFunction() {
		return nil
	}
	if target := call.Target(); target.Kind() != ast.IdentKind || target.AsIdent() != ctxVar {
		return nil
	}
	return f
}

// classSetIndex returns the index of the class set of fields (sorted) in
// p.classSetFields, adding it; each field of a new set is added to
// p.classFields unless there.
func classSetIndex(p *Policy, fields []string, functions map[string]*contextFunction) int {
	indexes := make([]int, len(fields))
	for i, f := range fields {
		j := slices.Index(p.classFields, f)
		if j < 0 {
			j = len(p.classFields)
			p.classFields = append(p.classFields, f)
			if name, ok := strings.CutSuffix(f, "()"); ok {
				p.classKeys = append(p.classKeys, functions[name].lineKey)
			} else {
				field := keyFields[f]
				p.classKeys = append(p.classKeys, func(b []byte, _ *iorules.Shipment, it *iorules.Item) []byte { return field(b, it) })
			}
		}
		indexes[i] = j
	}
	if i := slices.IndexFunc(p.classSetFields, func(set []int) bool { return slices.Equal(set, indexes) }); i >= 0 {
		return i
	}
	p.classSetFields = append(p.classSetFields, indexes)
	return len(p.classSetFields) - 1
}

// ruleAnswer is the answer of a memoized condition for one class of
// lines.
type ruleAnswer struct {
	done    bool
	fires   bool
	failure *iorules.Reason // the condition could not be evaluated
}

// classesOf returns the class of every item for the class set, computing
// it on first use in the evaluation. The lines are first classed by each
// field alone, once per field however many sets hold it; a set of several
// fields then classes the lines by their classes of its fields.
func (r *Run) classesOf(set int) ([]int32, int) {
	if r.classes == nil {
		r.classes = make([][]int32, len(r.pol.classSetFields))
		r.classCount = make([]int, len(r.pol.classSetFields))
		r.fieldClasses = make([][]int32, len(r.pol.classFields))
		r.fieldCount = make([]int, len(r.pol.classFields))
	}
	if r.classes[set] == nil {
		fields := r.pol.classSetFields[set]
		for _, f := range fields {
			if r.fieldClasses[f] == nil {
				r.fieldClasses[f], r.fieldCount[f] = lineClasses(r.s, r.pol.classKeys[f:f+1], &r.classScratch)
			}
		}
		if len(fields) == 1 {
			r.classes[set], r.classCount[set] = r.fieldClasses[fields[0]], r.fieldCount[fields[0]]
		} else {
			r.classes[set], r.classCount[set] = internClasses(len(r.s.Items), &r.classScratch, func(b []byte, i int) []byte {
				for _, f := range fields {
					b = binary.LittleEndian.AppendUint32(b, uint32(r.fieldClasses[f][i]))
				}
				return b
			})
		}
	}
	return r.classes[set], r.classCount[set]
}

// itemRuleFires evaluates an item-scope condition on item i, binding
// it, reusing the answer for an earlier line of the same class when
// the condition allows it. A condition that cannot be evaluated is
// reported and counts as not fired.
func (r *Run) itemRuleFires(rl *Rule, i int, answers []ruleAnswer, classes []int32) bool {
	if answers == nil {
		r.bindItem(i)
		return r.check(rl, r.lineOf(i))
	}
	a := &answers[classes[i]]
	if !a.done {
		a.done = true
		r.bindItem(i) // only to evaluate: a reused answer reads nothing
		val, reason := r.run(rl.when, rl.ID, "the condition", r.lineOf(i))
		a.fires, a.failure = reason == nil && val == types.True, reason
	}
	if a.failure != nil {
		failure := *infoOnly(rl, a.failure)
		failure.Lines = r.lineOf(i)
		r.ruleFailed(rl.ID, &failure)
	}
	return a.fires
}

// itemRead is a read of the current item found in a checked expression.
type itemRead struct {
	id    int64  // the expression node
	what  string // as written: item.condition, item, held()
	field string // the group_by field that would make it safe
}

// groupVariantReads returns the reads of the current item (its fields, the
// item as a whole, held()) whose value may differ between lines that share
// the group_by fields. hs4 and hs6 are fixed by hs_code, hs4 by hs6; every
// field is fixed when lines are grouped one per line.
func groupVariantReads(nav ast.NavigableExpr, groupBy []string, functions map[string]*contextFunction) []itemRead {
	if slices.Contains(groupBy, "line") {
		return nil
	}
	fixed := func(field string) bool {
		switch field {
		case "hs4":
			return slices.Contains(groupBy, "hs_code") || slices.Contains(groupBy, "hs6")
		case "hs6":
			return slices.Contains(groupBy, "hs_code") || slices.Contains(groupBy, "hs6")
		}
		return slices.Contains(groupBy, field)
	}
	var out []itemRead
	for _, n := range ast.MatchDescendants(nav, ast.KindMatcher(ast.IdentKind)) {
		if n.AsIdent() != varItem || boundLocally(n, n.AsIdent()) {
			continue
		}
		parent, ok := n.Parent()
		if !ok || parent.Kind() != ast.SelectKind || parent.AsSelect().Operand().ID() != n.ID() {
			out = append(out, itemRead{id: n.ID(), what: "the item as a whole", field: "line"})
			continue
		}
		if name := parent.AsSelect().FieldName(); !fixed(name) {
			out = append(out, itemRead{id: parent.ID(), what: "item." + name, field: name})
		}
	}
	for _, n := range ast.MatchDescendants(nav, ast.KindMatcher(ast.CallKind)) {
		if f := helperCalled(n, functions); f != nil && f.readsItem && !f.perGroup {
			out = append(out, itemRead{id: n.ID(), what: f.name + "(), which reads " + f.reads + ",", field: "line"})
		}
	}
	return out
}
