package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// Problem is one problem with one value of a document, named by its JSON
// path ("parties[2].name", "[0].low"); the path "" is the document.
type Problem struct {
	Path string
	Msg  string
}

// MaxProblems caps how many problems a Decoder records; one more says how
// many were left out.
const MaxProblems = 100

// Decoder walks a JSON document value by value and records every problem
// instead of stopping at the first. The zero Decoder is ready to use.
type Decoder struct {
	Problems []Problem
	dropped  int
}

// Add records a problem at path.
func (d *Decoder) Add(path, msg string) {
	if len(d.Problems) >= MaxProblems {
		d.dropped++
		return
	}
	d.Problems = append(d.Problems, Problem{Path: path, Msg: msg})
}

// Addf records a problem at path, formatted as fmt.Sprintf does.
func (d *Decoder) Addf(path, format string, args ...any) { d.Add(path, fmt.Sprintf(format, args...)) }

// Done returns the problems recorded, with a last one saying how many more
// were left out.
func (d *Decoder) Done() []Problem {
	if d.dropped == 0 {
		return d.Problems
	}
	return append(d.Problems, Problem{Msg: fmt.Sprintf("%d more problems not reported", d.dropped)})
}

// Document checks that data holds exactly one JSON value of the kind open
// ('{' for an object, '[' for an array) and returns it; what names it in
// the messages ("a JSON list of reference prices").
func (d *Decoder) Document(data []byte, open byte, what string) (json.RawMessage, bool) {
	if len(bytes.TrimSpace(data)) == 0 {
		d.Add("", "empty input: want "+what)
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		var syn *json.SyntaxError
		switch {
		case errors.As(err, &syn):
			line, col := Position(data, int(syn.Offset)-1)
			d.Addf("", "want %s: malformed JSON at line %d, column %d: %v", what, line, col, syn)
		case errors.Is(err, io.ErrUnexpectedEOF):
			d.Add("", "want "+what+": malformed JSON: unexpected end of input")
		default:
			d.Add("", "want "+what+": malformed JSON: "+err.Error())
		}
		return nil, false
	}
	if rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		line, col := Position(data, len(data)-len(rest))
		d.Addf("", "unexpected data after the JSON %s at line %d, column %d", kindNoun(open), line, col)
		return nil, false
	}
	raw = bytes.TrimSpace(raw)
	if raw[0] != open {
		d.Addf("", "want %s, not %s", what, Kind(raw))
		return nil, false
	}
	return raw, true
}

func kindNoun(open byte) string {
	if open == '[' {
		return "list"
	}
	return "object"
}

// Position returns the 1-based line and column of byte offset off.
func Position(data []byte, off int) (line, col int) {
	off = max(0, min(off, len(data)))
	before := data[:off]
	return bytes.Count(before, []byte{'\n'}) + 1, off - bytes.LastIndexByte(before, '\n')
}

// Object walks the members of the JSON object raw in document order,
// calling member for each; member returns false for a key it does not
// know. It reports a value that is not an object, keys that are not valid
// Unicode, unknown and duplicate keys, and required keys that are missing
// or null. Null is an absent object.
func (d *Decoder) Object(at string, raw json.RawMessage, required []string,
	member func(key, at string, v json.RawMessage) bool) {
	if IsNull(raw) {
		return
	}
	if raw[0] != '{' {
		d.Addf(at, "must be a JSON object, not %s", Kind(raw))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return
	}
	present := map[string]bool{}
	seen := map[string]bool{}
	for dec.More() {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return
		}
		key, _ := tok.(string)
		lit := raw[before:dec.InputOffset()]
		if q := bytes.IndexByte(lit, '"'); q >= 0 {
			lit = lit[q:]
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return
		}
		if msg := StringProblem(lit); msg != "" {
			d.Add(at, "field name: "+msg)
			continue
		}
		fp := Key(at, key)
		if seen[key] {
			d.Add(fp, "duplicate field")
			continue
		}
		seen[key] = true
		if !member(key, fp, v) {
			d.Add(fp, "unknown field")
			continue
		}
		if !IsNull(v) {
			present[key] = true
		}
	}
	for _, k := range required {
		if !present[k] {
			d.Add(Key(at, k), "required")
		}
	}
}

// Array walks the elements of the JSON array raw, calling elem for each,
// and reports a value that is not an array or has more than limit
// elements (noun names them). Null is an empty array.
func (d *Decoder) Array(at string, raw json.RawMessage, limit int, noun string,
	elem func(i int, at string, v json.RawMessage)) {
	if IsNull(raw) {
		return
	}
	if raw[0] != '[' {
		d.Addf(at, "must be a JSON array, not %s", Kind(raw))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return
	}
	for i := 0; dec.More(); i++ {
		if i >= limit {
			d.Addf(at, "must list at most %d %s", limit, noun)
			return
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return
		}
		elem(i, Index(at, i), v)
	}
}

// String decodes a JSON string into dst and reports whether it did. It
// reports another kind of value and a string that is not valid Unicode;
// null leaves dst unchanged.
func (d *Decoder) String(at string, raw json.RawMessage, dst *string) bool {
	if IsNull(raw) {
		return false
	}
	if raw[0] != '"' {
		d.Addf(at, "must be a string, not %s", Kind(raw))
		return false
	}
	if msg := StringProblem(raw); msg != "" {
		d.Add(at, msg)
		return false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		d.Add(at, "malformed string")
		return false
	}
	*dst = s
	return true
}

// Name decodes a string as String does and also reports the characters
// UnsafeRune finds: for identifiers and names. A string at most limit
// characters long is accepted.
func (d *Decoder) Name(at string, raw json.RawMessage, limit int, dst *string) bool {
	var s string
	if !d.String(at, raw, &s) {
		return false
	}
	if msg, bad := UnsafeMessage(s); bad {
		d.Add(at, msg)
		return false
	}
	if utf8.RuneCountInString(s) > limit {
		d.Addf(at, "must be at most %d characters", limit)
		return false
	}
	*dst = s
	return true
}

// Int decodes a JSON integer from lo to hi: not a string, not a fraction
// or an exponent. Null leaves dst unchanged.
func (d *Decoder) Int(at string, raw json.RawMessage, lo, hi int, dst *int) bool {
	if IsNull(raw) {
		return false
	}
	if Kind(raw) != "a number" {
		d.Addf(at, "must be a JSON integer from %d to %d, not %s", lo, hi, Kind(raw))
		return false
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil || n < lo || n > hi {
		d.Addf(at, "must be a JSON integer from %d to %d, not %s", lo, hi, Truncate(string(raw), 40))
		return false
	}
	*dst = n
	return true
}

// Key names member key of the object at: "parties[2]" and "name" give
// "parties[2].name"; a key that is not a plain word is quoted.
func Key(at, key string) string {
	if !plainKey.MatchString(key) {
		return at + "[" + strconv.Quote(Truncate(key, 60)) + "]"
	}
	if at == "" {
		return key
	}
	return at + "." + key
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// Index names element i of the array at: "parties[2]", or "[2]" for the
// document itself.
func Index(at string, i int) string { return at + "[" + strconv.Itoa(i) + "]" }

// IsNull reports whether raw is the JSON null.
func IsNull(raw json.RawMessage) bool { return string(raw) == "null" }

// Kind names the JSON type of a valid JSON value: "an object", "a number".
func Kind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// Truncate shortens s to at most n bytes, cut at a rune boundary, followed
// by "..." when anything was cut, for quoting input in a message.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// Text decodes free text of at most limit characters into dst and reports
// whether it did.
func (d *Decoder) Text(at string, raw json.RawMessage, limit int, dst *string) bool {
	var s string
	if !d.String(at, raw, &s) {
		return false
	}
	if utf8.RuneCountInString(s) > limit {
		d.Addf(at, "must be at most %d characters", limit)
		return false
	}
	*dst = s
	return true
}
