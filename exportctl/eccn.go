package exportctl

import (
	"fmt"
	"strings"
)

// ECCN is an Export Control Classification Number of the US Commerce
// Control List (15 CFR 774 Supp. 1), such as "3A090.a" or "5A992.c", or the
// catch-all designation EAR99. The EU and UK dual-use lists number their
// Wassenaar-based entries the same way and write paragraphs without dots
// ("5A002a1"); ParseECCN accepts both spellings and String prints the dotted
// one.
//
// ECCN is a comparable value type. The zero ECCN is not a valid
// classification; IsValid reports it.
type ECCN struct {
	ear99     bool
	category  byte   // '0'..'9'
	group     byte   // 'A'..'E'
	number    string // three digits, "090"
	paragraph string // dotted, lower case: "a", "z.1.a"; "" for none
}

// eccnEAR99 is the designation of items subject to the EAR but not listed on the
// Commerce Control List (15 CFR 734.3(c)).
var eccnEAR99 = ECCN{ear99: true}

// ParseECCN parses an ECCN such as "4A090.a", "4A003.z.1.a", "5D002",
// "5A002a1" (EU/UK spelling) or "EAR99". Letters may be in either case and
// surrounding spaces are ignored. A paragraph is a sequence of single
// lower-case letters and one- or two-digit numbers that alternate, starting
// with a letter.
func ParseECCN(s string) (ECCN, error) {
	e, _, err := parseECCN(s)
	return e, err
}

// parseECCN is ParseECCN that also reports whether the trimmed input is
// already the canonical form String would print, so that callers can reuse
// it instead of building the same text again. It does not allocate for
// canonical input.
func parseECCN(s string) (e ECCN, canonical bool, err error) {
	in := strings.TrimSpace(s)
	if strings.EqualFold(in, "EAR99") {
		return eccnEAR99, in == "EAR99", nil
	}
	if len(in) < 5 {
		return ECCN{}, false, fmt.Errorf("malformed ECCN %q: want a form such as 5A992.c or EAR99", s)
	}
	cat, grp := in[0], upper(in[1])
	if cat < '0' || cat > '9' {
		return ECCN{}, false, fmt.Errorf("malformed ECCN %q: the category (first character) must be a digit 0-9", s)
	}
	if grp < 'A' || grp > 'E' {
		return ECCN{}, false, fmt.Errorf("malformed ECCN %q: the product group (second character) must be a letter A-E", s)
	}
	for i := 2; i < 5; i++ {
		if in[i] < '0' || in[i] > '9' {
			return ECCN{}, false, fmt.Errorf("malformed ECCN %q: characters 3-5 must be the three-digit number", s)
		}
	}
	para, paraCanonical, err := parseParagraph(in[5:])
	if err != nil {
		return ECCN{}, false, fmt.Errorf("malformed ECCN %q: %v", s, err)
	}
	canonical = in[1] == grp && paraCanonical
	return ECCN{category: cat, group: grp, number: in[2:5], paragraph: para}, canonical, nil
}

// MustParseECCN is ParseECCN for constants in tests and examples; it panics
// on a malformed ECCN.
func MustParseECCN(s string) ECCN {
	e, err := ParseECCN(s)
	if err != nil {
		panic(err)
	}
	return e
}

// parseParagraph turns ".a.1", "a1", ".z.1.a" or ".Z1A" into the dotted
// lower-case form "a.1" / "z.1.a". canonical reports that s was that form
// behind a leading dot (or empty), as String prints it. When s is already
// dotted lower case the result is a substring of s and nothing is
// allocated.
func parseParagraph(s string) (para string, canonical bool, err error) {
	if s == "" {
		return "", true, nil
	}
	leadingDot := s[0] == '.'
	s = strings.TrimPrefix(s, ".")
	if s == "" || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return "", false, fmt.Errorf("misplaced dot in the paragraph")
	}
	dotted := true // every letter is lower case and every part but the last is followed by a dot
	wantLetter := true
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == '.':
			i++
			continue
		case isLetter(ch):
			if !wantLetter {
				return "", false, fmt.Errorf("paragraph letters and numbers must alternate (a.1.a)")
			}
			if i+1 < len(s) && isLetter(s[i+1]) {
				return "", false, fmt.Errorf("a paragraph letter is a single letter")
			}
			dotted = dotted && ch == lower(ch)
			i++
		case isDigit(ch):
			if wantLetter {
				return "", false, fmt.Errorf("paragraph letters and numbers must alternate, starting with a letter")
			}
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			if j-i > 2 || s[i] == '0' {
				return "", false, fmt.Errorf("a paragraph number is 1 to 99 without leading zeros")
			}
			i = j
		default:
			return "", false, fmt.Errorf("unexpected character %q in the paragraph", ch)
		}
		dotted = dotted && (i == len(s) || s[i] == '.')
		wantLetter = !wantLetter
	}
	if dotted {
		return s, leadingDot, nil
	}
	// The parts alternate, so a part starts at every letter and at every
	// digit that does not follow a digit.
	var b strings.Builder
	b.Grow(2 * len(s))
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '.' {
			continue
		}
		if b.Len() > 0 && (isLetter(ch) || !isDigit(s[i-1])) {
			b.WriteByte('.')
		}
		b.WriteByte(lower(ch))
	}
	return b.String(), false, nil
}

func isLetter(b byte) bool { return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') }

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func upper(b byte) byte {
	if b >= 'a' && b <= 'z' {
		return b - 'a' + 'A'
	}
	return b
}

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b - 'A' + 'a'
	}
	return b
}

// IsValid reports whether e is a classification, EAR99 included; the zero
// ECCN is not.
func (e ECCN) IsValid() bool { return e.ear99 || e.category != 0 }

// IsEAR99 reports whether e is EAR99.
func (e ECCN) IsEAR99() bool { return e.ear99 }

// Category returns the CCL category, 0 to 9 (3 Electronics, 4 Computers,
// 5 Telecommunications and information security), or -1 for EAR99 and the
// zero ECCN.
func (e ECCN) Category() int {
	if e.category == 0 {
		return -1
	}
	return int(e.category - '0')
}

// Group returns the product group letter: A systems and equipment, B test
// equipment, C materials, D software, E technology. It returns 0 for EAR99
// and the zero ECCN.
func (e ECCN) Group() byte { return e.group }

// Number returns the three-digit number ("090"), or "" for EAR99.
func (e ECCN) Number() string { return e.number }

// Heading returns the entry without its paragraph ("4A090"), "EAR99", or ""
// for the zero ECCN.
func (e ECCN) Heading() string {
	switch {
	case e.ear99:
		return "EAR99"
	case e.category == 0:
		return ""
	}
	return string(e.appendHeading(make([]byte, 0, 5)))
}

// appendHeading appends the heading of a listed ECCN ("4A090") to b.
func (e ECCN) appendHeading(b []byte) []byte {
	return append(append(b, e.category, e.group), e.number...)
}

// hasHeading reports whether e.Heading() == h, without building the heading.
func (e ECCN) hasHeading(h string) bool {
	switch {
	case e.ear99:
		return h == "EAR99"
	case e.category == 0:
		return h == ""
	}
	return len(h) == 5 && h[0] == e.category && h[1] == e.group && h[2:] == e.number
}

// Paragraph returns the paragraph in dotted lower-case form ("a", "z.1.a"),
// or "" when the ECCN names the whole entry.
func (e ECCN) Paragraph() string { return e.paragraph }

// IsZ reports whether e is a ".z" paragraph: an item listed elsewhere that
// also meets the 3A090 or 4A090 parameters and takes on their licence
// requirements (88 FR 73458).
func (e ECCN) IsZ() bool { return e.paragraph == "z" || strings.HasPrefix(e.paragraph, "z.") }

// IsAdvancedComputing reports whether e is controlled as an advanced
// computing item under 15 CFR 742.6(a)(6): ECCN 3A090 or 4A090 (any
// paragraph) or any ".z" paragraph.
func (e ECCN) IsAdvancedComputing() bool {
	if e.ear99 || e.category == 0 {
		return false
	}
	return e.hasHeading("3A090") || e.hasHeading("4A090") || e.IsZ()
}

// String returns the ECCN in its dotted form ("5A002.a.1"), "EAR99", or ""
// for the zero ECCN.
func (e ECCN) String() string {
	if e.ear99 || e.category == 0 {
		return e.Heading()
	}
	b := e.appendHeading(make([]byte, 0, 6+len(e.paragraph)))
	if e.paragraph != "" {
		b = append(append(b, '.'), e.paragraph...)
	}
	return string(b)
}

// MarshalText formats the ECCN as String does.
func (e ECCN) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText parses the ECCN as ParseECCN does.
func (e *ECCN) UnmarshalText(b []byte) error {
	parsed, err := ParseECCN(string(b))
	if err != nil {
		return err
	}
	*e = parsed
	return nil
}
