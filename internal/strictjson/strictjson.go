// Package strictjson holds what the iorules decoders share to read JSON
// strictly: the check that a JSON string holds valid Unicode (encoding/json
// silently turns invalid UTF-8 and lone UTF-16 surrogates into U+FFFD, so
// two different inputs would decode alike), the characters an identifier
// or a name must not contain, and a Decoder that walks a JSON document
// member by member, reporting unknown and duplicate keys and every other
// problem with its JSON path.
//
// It is not a general JSON library: it serves the decoders of the shipment
// contract, the rollout and the prequalify command's input files.
package strictjson

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// StringProblem checks raw, a JSON string literal with its quotes as
// encoding/json accepts it, and says what is wrong with it: "invalid UTF-8"
// for bytes that are not UTF-8, or "invalid UTF-16: lone surrogate \ud800"
// for a \u escape of a surrogate that is not half of a pair. It returns ""
// for a clean string, and for raw that is not a string literal at all.
func StringProblem(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return ""
	}
	s := raw[1 : len(raw)-1]
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 < len(s) && s[i+1] == 'u' {
				r, ok := hex4(s, i+2)
				if !ok {
					return "" // not a well-formed literal; encoding/json reports it
				}
				switch {
				case isHighSurrogate(r):
					if low, ok := escapeAt(s, i+6); ok && isLowSurrogate(low) {
						i += 12
						continue
					}
					return fmt.Sprintf(`invalid UTF-16: lone surrogate \u%04x`, r)
				case isLowSurrogate(r):
					return fmt.Sprintf(`invalid UTF-16: lone surrogate \u%04x`, r)
				}
				i += 6
				continue
			}
			i += 2
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size <= 1 {
				return "invalid UTF-8"
			}
			i += size
		}
	}
	return ""
}

func isHighSurrogate(r rune) bool { return 0xD800 <= r && r < 0xDC00 }
func isLowSurrogate(r rune) bool  { return 0xDC00 <= r && r < 0xE000 }

// escapeAt decodes the \uXXXX escape at s[i:], if there is one.
func escapeAt(s []byte, i int) (rune, bool) {
	if i+1 >= len(s) || s[i] != '\\' || s[i+1] != 'u' {
		return 0, false
	}
	return hex4(s, i+2)
}

// hex4 decodes the four hex digits at s[i:].
func hex4(s []byte, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range s[i : i+4] {
		var v byte
		switch {
		case '0' <= c && c <= '9':
			v = c - '0'
		case 'a' <= c && c <= 'f':
			v = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			v = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	return r, true
}

// UnsafeRune returns the first rune of s that has no place in an
// identifier or a name, and what kind of character it is: a control
// character (C0, DEL or C1; ESC among them), a bidirectional formatting
// character (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069),
// which can make text display in another order than it is stored, or a
// line or paragraph separator (U+2028, U+2029). ok is false when s has
// none. Bytes that are not UTF-8 are not its business (see StringProblem).
func UnsafeRune(s string) (r rune, kind string, ok bool) {
	for _, r := range s {
		if k := unsafeKind(r); k != "" {
			return r, k, true
		}
	}
	return 0, "", false
}

func unsafeKind(r rune) string {
	switch {
	case r < 0x20 || 0x7F <= r && r <= 0x9F:
		return "control character"
	case r == 0x061C || r == 0x200E || r == 0x200F || 0x202A <= r && r <= 0x202E || 0x2066 <= r && r <= 0x2069:
		return "bidirectional formatting character"
	case r == 0x2028:
		return "line separator"
	case r == 0x2029:
		return "paragraph separator"
	}
	return ""
}

// UnsafeMessage is the problem UnsafeRune finds in a field, worded for a
// FieldError: "must not contain the control character U+001B".
func UnsafeMessage(s string) (string, bool) {
	r, kind, ok := UnsafeRune(s)
	if !ok {
		return "", false
	}
	return fmt.Sprintf("must not contain the %s U+%04X", kind, r), true
}
