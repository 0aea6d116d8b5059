package strictjson

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestStringProblem(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		{`""`, ""},
		{`"plain"`, ""},
		{`"Müller 北京 😀"`, ""},
		{`"\ud83d\ude00"`, ""}, // a surrogate pair is one rune
		{`"\u00e9\n\t\"\\"`, ""},
		{`"\ufffd"`, ""}, // U+FFFD written as such is a character like any other
		{"\"\xef\xbf\xbd\"", ""},
		{`"\ud800"`, `invalid UTF-16: lone surrogate \ud800`},
		{`"a\udfffb"`, `invalid UTF-16: lone surrogate \udfff`},
		{`"\ude00\ud83d"`, `invalid UTF-16: lone surrogate \ude00`},
		{`"\ud83d\u0041"`, `invalid UTF-16: lone surrogate \ud83d`},
		{`"\uD83D"`, `invalid UTF-16: lone surrogate \ud83d`},
		{`"\\ud800"`, ""}, // an escaped backslash, then text
		{"\"a\xffb\"", "invalid UTF-8"},
		{"\"\xc3\"", "invalid UTF-8"},
		{"\"\xed\xa0\x80\"", "invalid UTF-8"}, // a surrogate encoded as UTF-8
		{"\"\xc0\xaf\"", "invalid UTF-8"},     // an overlong encoding
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, StringProblem([]byte(tt.raw)), "%q", tt.raw)
	}
}

func TestUnsafeRune(t *testing.T) {
	for _, s := range []string{"Acme Inc", "Müller GmbH", "北京数据", "شركة", "R1U-G5/2", "A\u200bB" /* zero-width space: screening's business */} {
		_, _, bad := UnsafeRune(s)
		require.False(t, bad, "%q", s)
	}
	for s, want := range map[string]string{
		"a\x1b[31mred":   "must not contain the control character U+001B",
		"tab\there":      "must not contain the control character U+0009",
		"nl\n":           "must not contain the control character U+000A",
		"del\x7f":        "must not contain the control character U+007F",
		"c1\u0085":       "must not contain the control character U+0085",
		"evil\u202egpj":  "must not contain the bidirectional formatting character U+202E",
		"\u202a":         "must not contain the bidirectional formatting character U+202A",
		"x\u2066y\u2069": "must not contain the bidirectional formatting character U+2066",
		"\u200eLRM":      "must not contain the bidirectional formatting character U+200E",
		"RLM\u200f":      "must not contain the bidirectional formatting character U+200F",
		"ALM\u061c":      "must not contain the bidirectional formatting character U+061C",
		"a\u2028b":       "must not contain the line separator U+2028",
	} {
		msg, bad := UnsafeMessage(s)
		require.True(t, bad, "%q", s)
		require.Equal(t, want, msg, "%q", s)
	}
}

func TestDecoderObject(t *testing.T) {
	var d Decoder
	raw := json.RawMessage(`{"name": "a", "name": "b", "colour": 1, "list": "\udc00", "ali\ud800s": [], "n": null}`)
	var name string
	d.Object("parties[0]", raw, []string{"name", "n", "list"}, func(key, at string, v json.RawMessage) bool {
		switch key {
		case "name":
			d.Name(at, v, 10, &name)
		case "list", "n":
			var s string
			d.String(at, v, &s)
		default:
			return false
		}
		return true
	})
	require.Equal(t, "a", name)
	require.Equal(t, []Problem{
		{"parties[0].name", "duplicate field"},
		{"parties[0].colour", "unknown field"},
		{"parties[0].list", `invalid UTF-16: lone surrogate \udc00`},
		{"parties[0]", `field name: invalid UTF-16: lone surrogate \ud800`},
		{"parties[0].n", "required"},
	}, d.Done())
}

func TestDecoderDocument(t *testing.T) {
	for in, want := range map[string]string{
		"":          "empty input: want a list",
		"[] []":     "unexpected data after the JSON list at line 1, column 4",
		"{}":        "want a list, not an object",
		"[":         "want a list: malformed JSON: unexpected end of input",
		"[1,]":      "want a list: malformed JSON at line 1, column 4: invalid character ']' looking for beginning of value",
		"\n [] \n ": "",
	} {
		var d Decoder
		_, ok := d.Document([]byte(in), '[', "a list")
		if want == "" {
			require.True(t, ok, "%q", in)
			continue
		}
		require.False(t, ok)
		require.Equal(t, []Problem{{"", want}}, d.Done(), "%q", in)
	}
}

func TestDecoderCapsProblems(t *testing.T) {
	var d Decoder
	for range MaxProblems + 5 {
		d.Add("x", "bad")
	}
	got := d.Done()
	require.Len(t, got, MaxProblems+1)
	require.Equal(t, Problem{Msg: "5 more problems not reported"}, got[MaxProblems])
}

// FuzzStringProblem checks StringProblem against encoding/json, which
// replaces each invalid byte and each lone surrogate with U+FFFD: a string
// is clean exactly when decoding it yields no U+FFFD beyond those written
// in the input, literally or as \ufffd.
func FuzzStringProblem(f *testing.F) {
	for _, s := range []string{`"a"`, `"\ud800"`, `"\ud83d\ude00"`, "\"\xff\"", `"\ufffd"`, "\"\xef\xbf\xbd\"",
		`"\\ud800"`, `"\ud800\\"`, `"\ud800\u"`, "\"\xed\xa0\x80\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var s string
		if json.Unmarshal(raw, &s) != nil || raw[0] != '"' {
			return // not a JSON string: outside StringProblem's contract
		}
		written := bytes.Count(raw, []byte("\uFFFD")) + countEscapedFFFD(raw)
		decoded := strings.Count(s, "\uFFFD")
		problem := StringProblem(raw)
		switch {
		case problem == "" && decoded != written:
			t.Fatalf("%q decodes with %d U+FFFD, %d written, yet no problem", raw, decoded, written)
		case problem != "" && decoded == written:
			t.Fatalf("%q: %s, yet it decodes cleanly", raw, problem)
		case problem == "" && !utf8.ValidString(s):
			t.Fatalf("%q: no problem but decodes to invalid UTF-8", raw)
		}
	})
}

// countEscapedFFFD counts \ufffd escapes (any case) that are escapes, not
// text after an escaped backslash.
func countEscapedFFFD(raw []byte) int {
	n := 0
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			continue
		}
		if raw[i+1] == 'u' && i+6 <= len(raw) && strings.EqualFold(string(raw[i+2:i+6]), "fffd") {
			n++
		}
		i++ // skip the escaped character
	}
	return n
}
