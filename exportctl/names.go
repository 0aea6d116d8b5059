package exportctl

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// nameSteps records which normalisations changed a name, so that a match
// can say how the names were brought together.
type nameSteps uint8

const (
	stepCompat     nameSteps = 1 << iota // NFKC: full-width, mathematical and other compatibility forms
	stepFormat                           // invisible format characters (Cf) dropped
	stepMarks                            // diacritics removed
	stepConfusable                       // Cyrillic or Greek look-alikes read as Latin letters
	stepTranslit                         // Cyrillic, Greek or Arabic transliterated
	stepDigits                           // digits or symbols inside a word read as letters
)

var stepLabels = [...]string{
	"compatibility forms (NFKC)",
	"invisible characters dropped",
	"diacritics removed",
	"look-alike letters read as Latin",
	"transliterated to Latin",
	"digits read as letters",
}

// labels lists the steps in a fixed order.
func (s nameSteps) labels() []string {
	var out []string
	for i, l := range stepLabels {
		if s&(1<<i) != 0 {
			out = append(out, l)
		}
	}
	return out
}

// nameTables are the letter tables of data/names.yaml.
type nameTables struct {
	confusables map[rune]string
	translit    map[rune]string
	digits      map[rune]byte
	generic     map[string]bool
}

type yNamesFile struct {
	Source          string            `yaml:"source"`
	Confidence      string            `yaml:"confidence"`
	Confusables     map[string]string `yaml:"confusables"`
	Transliteration map[string]string `yaml:"transliteration"`
	Digits          map[string]string `yaml:"digits"`
	GenericWords    []string          `yaml:"generic_words"`
}

// loadNames reads data/names.yaml once. Screen fails closed when it does
// not load; the normaliser then folds without the tables.
var loadNames = sync.OnceValues(func() (*nameTables, error) {
	var f yNamesFile
	if err := decodeYAML(embedded, "data/names.yaml", &f); err != nil {
		return nil, err
	}
	return parseNames(f)
})

// names returns the tables, or empty ones when they did not load.
func names() *nameTables {
	if t, err := loadNames(); err == nil {
		return t
	}
	return &nameTables{}
}

func parseNames(f yNamesFile) (*nameTables, error) {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(f.Source) == "" {
		bad("source is missing")
	}
	if f.Confidence != confirmed && f.Confidence != unconfirmed {
		bad("confidence must be confirmed or unconfirmed, got %q", f.Confidence)
	}
	latin := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < 'a' || s[i] > 'z' {
				return false
			}
		}
		return true
	}
	letters := func(table string, m map[string]string, script func(rune) bool, empty bool) map[rune]string {
		out := make(map[rune]string, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			r, size := utf8.DecodeRuneInString(k)
			v := m[k]
			switch {
			case size != len(k) || r == utf8.RuneError:
				bad("%s: key %q is not one character", table, k)
			case !script(r):
				bad("%s: %q is not a Cyrillic, Greek or Arabic letter", table, k)
			case !latin(v) || (v == "" && !empty):
				bad("%s: %q reads as %q: want lower-case Latin letters", table, k, v)
			default:
				out[r] = v
			}
		}
		return out
	}
	t := &nameTables{
		confusables: letters("confusables", f.Confusables, func(r rune) bool { return unicode.In(r, unicode.Cyrillic, unicode.Greek) }, false),
		translit: letters("transliteration", f.Transliteration, func(r rune) bool {
			return unicode.In(r, unicode.Cyrillic, unicode.Greek, unicode.Arabic) && !unicode.IsUpper(r)
		}, true),
		digits:  map[rune]byte{},
		generic: map[string]bool{},
	}
	for _, k := range slices.Sorted(maps.Keys(f.Digits)) {
		v := f.Digits[k]
		if len(k) != 1 || !isLeet(rune(k[0])) || len(v) != 1 || !latin(v) {
			bad("digits: %q reads as %q: want a digit, @ or $ read as one lower-case Latin letter", k, v)
			continue
		}
		t.digits[rune(k[0])] = v[0]
	}
	for _, w := range f.GenericWords {
		if w == "" || !latin(w) {
			bad("generic_words: %q: want lower-case Latin letters", w)
		}
		t.generic[w] = true
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("data/names.yaml: %s", strings.Join(errs, "; "))
	}
	return t, nil
}

// isLeet reports the ASCII characters that may stand in for a letter
// inside a word.
func isLeet(r rune) bool { return '0' <= r && r <= '9' || r == '@' || r == '$' }

// normName is a name reduced for comparison.
type normName struct {
	tokens  []string  // sorted, unique
	ordered []string  // the kept words in the order written
	dropped []string  // legal forms and stop words removed
	compact string    // every word, legal forms included, in order and without separators
	steps   nameSteps // the normalisations that changed the name
	// alt is the name with its ambiguous words (look-alikes alone) read
	// as the Latin letters they imitate rather than transliterated; nil
	// when no word is ambiguous.
	alt *normName
}

func (n normName) key() string { return strings.Join(n.tokens, " ") }

// foldTable maps Latin letters that Unicode does not decompose into a base
// letter and a diacritic (NFD handles the others) to plain Latin letters.
var foldTable = map[rune]string{
	'æ': "ae", 'đ': "d", 'ð': "d", 'ħ': "h", 'ı': "i", 'ł': "l", 'ø': "o", 'œ': "oe",
	'ß': "ss", 'þ': "th", 'ŀ': "l", 'ŧ': "t", 'ƀ': "b", 'ɨ': "i", 'ʉ': "u",
}

// legalForms are company-form words dropped before comparison; multiWord
// forms are dropped first, as whole phrases.
var (
	legalForms = map[string]bool{
		"llc": true, "ltd": true, "limited": true, "gmbh": true, "co": true, "company": true,
		"inc": true, "incorporated": true, "corp": true, "corporation": true, "jsc": true,
		"ojsc": true, "pjsc": true, "cjsc": true, "ooo": true, "zao": true, "oao": true, "pao": true,
		"ao": true, "sa": true, "sarl": true, "srl": true, "spa": true, "bv": true, "nv": true,
		"ag": true, "plc": true, "pte": true, "pty": true, "kk": true, "kft": true, "ab": true,
		"oy": true, "llp": true, "lp": true, "ltda": true, "sas": true, "sro": true, "fze": true,
		"fzco": true, "fzc": true, "lllp": true, "se": true, "as": true, "doo": true, "tov": true,
		"sdn": true, "bhd": true, "berhad": true, "pt": true, "tbk": true, "ltee": true, "sl": true,
		"aktiengesellschaft": true,
	}
	multiWord = [][]string{
		{"public", "joint", "stock", "company"},
		{"closed", "joint", "stock", "company"},
		{"open", "joint", "stock", "company"},
		{"joint", "stock", "company"},
		{"limited", "liability", "company"},
		{"limited", "liability", "partnership"},
		{"sp", "z", "oo"},
		{"societe", "anonyme"},
		{"sociedad", "anonima"},
		{"gesellschaft", "mit", "beschrankter", "haftung"},
	}
	stopWords = map[string]bool{"the": true, "and": true}

	// droppedWords is legalForms and stopWords together, so that a token
	// is looked up once.
	droppedWords = func() map[string]bool {
		m := maps.Clone(legalForms)
		maps.Copy(m, stopWords)
		return m
	}()
)

// normalizeName reduces a name for comparison:
//   - Unicode NFKC (full-width and mathematical letters become plain ones),
//     then NFD so that diacritics fall away as combining marks;
//   - format characters (zero-width space and joiner, word joiner, soft
//     hyphen, ...) are dropped without splitting the word; dots and
//     apostrophes join, other punctuation and spaces separate, & is "and";
//   - each word is lowered and read in Latin letters: Cyrillic and Greek
//     look-alikes in a word with Latin letters (or made only of look-alikes)
//     as the letters they imitate, other Cyrillic, Greek and Arabic words
//     transliterated, digits and @ $ in a word with letters as the letters
//     they stand for (data/names.yaml);
//   - legal forms and stop words are dropped (a name made only of them
//     keeps them) and the unique words sorted.
func normalizeName(s string) normName {
	var z nameNormalizer
	n := z.normalize(s)
	if len(n.dropped) == 0 {
		n.dropped = nil
	}
	return n
}

// nameNormalizer normalises names as normalizeName does, reusing its
// scratch buffer from one name to the next. The names it returns do not
// share it.
type nameNormalizer struct {
	word []byte // the word being folded
}

// reset is kept for callers that screen many names: the results never
// share the buffer, so there is nothing to invalidate.
func (z *nameNormalizer) reset() {}

// normalize is normalizeName, except that an empty dropped list may be
// non-nil.
func (z *nameNormalizer) normalize(s string) normName {
	t := names()
	var steps nameSteps
	if !isASCII(s) {
		s = strings.ToValidUTF8(s, " ") // callers reject invalid UTF-8; here a stray byte only separates
		kc := norm.NFKC.String(s)
		if kc != norm.NFC.String(s) {
			steps |= stepCompat
		}
		s = t.decompose(kc)
	}
	var words []string // as written, without format characters and marks
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			words = append(words, word.String())
			word.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			switch {
			case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', isLeet(r):
				word.WriteByte(byte(r))
			case r == '.' || r == '\'': // joins: "S.A.", "O'Brien"
			case r == '&':
				flush()
				words = append(words, "and")
			default:
				flush()
			}
		case unicode.Is(unicode.Cf, r):
			steps |= stepFormat // invisible: dropped, the word goes on
		case unicode.In(r, unicode.Mn, unicode.Me):
			steps |= stepMarks
		case r == '’' || r == 'ʼ':
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mc, r):
			word.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	n, ambiguous := z.build(t, words, steps, false)
	if ambiguous {
		alt, _ := z.build(t, words, steps, true)
		n.alt = &alt
	}
	return n
}

// build folds the words and reduces them to a normName. A word of
// Cyrillic or Greek look-alikes alone ("РОСТЕХ", "Μικρον") is ambiguous:
// it is transliterated, or with visual set read as the Latin letters it
// imitates. build reports whether some word was ambiguous.
func (z *nameNormalizer) build(t *nameTables, words []string, steps nameSteps, visual bool) (normName, bool) {
	raw := make([]string, 0, len(words))
	ambiguous := false
	for _, w := range words {
		f, amb := z.fold(t, w, &steps, visual)
		ambiguous = ambiguous || amb
		if f != "" {
			raw = append(raw, f)
		}
	}
	if len(raw) == 0 {
		return normName{steps: steps}, ambiguous
	}
	compact := strings.Join(raw, "")
	kept := make([]string, 0, len(raw))
	var dropped []string
	for i := 0; i < len(raw); {
		if n := phraseAt(raw, i); n > 0 {
			dropped = append(dropped, strings.Join(raw[i:i+n], " "))
			i += n
			continue
		}
		if droppedWords[raw[i]] {
			dropped = append(dropped, raw[i])
		} else {
			kept = append(kept, raw[i])
		}
		i++
	}
	if len(kept) == 0 {
		// A name made only of legal forms and stop words keeps them, less
		// the words that are dropped on their own, so that its key reads
		// the same when normalised again.
		for _, w := range raw {
			if !droppedWords[w] {
				kept = append(kept, w)
			}
		}
		if len(kept) == 0 {
			kept = raw
		}
		dropped = nil
	}
	tokens := slices.Compact(slices.Sorted(slices.Values(kept)))
	return normName{tokens: tokens, ordered: kept, dropped: dropped, compact: compact, steps: steps}, ambiguous
}

// decompose applies canonical decomposition (NFD) to every character but
// those the tables read whole ("й" is "y", not "и" and a breve), so that
// diacritics fall away as combining marks.
func (t *nameTables) decompose(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		lr := unicode.ToLower(r)
		_, conf := t.confusables[r]
		_, tr := t.translit[lr]
		_, fold := foldTable[lr]
		if conf || tr || fold {
			b.WriteRune(r)
			continue
		}
		var buf [utf8.UTFMax]byte
		b.Write(norm.NFD.Bytes(buf[:utf8.EncodeRune(buf[:], r)]))
	}
	return b.String()
}

// fold reads one word, as written, in lower-case Latin letters where the
// tables allow (see normalizeName); visual says how to read a word of
// look-alikes alone (see build), which fold reports. It returns "" for a
// word that reads as nothing.
func (z *nameNormalizer) fold(t *nameTables, w string, steps *nameSteps, visual bool) (string, bool) {
	latin, other, allLookalike := false, false, true
	for _, r := range w {
		switch {
		case r < utf8.RuneSelf:
			latin = latin || !isLeet(r)
		case unicode.Is(unicode.Latin, r):
			latin = true
		case unicode.In(r, unicode.Cyrillic, unicode.Greek):
			other = true
			if _, ok := t.confusables[r]; !ok {
				allLookalike = false
			}
		}
	}
	ambiguous := other && !latin && allLookalike
	visual = other && (latin || (ambiguous && visual))
	b := z.word[:0]
	letters, leet := false, false
	for _, r := range w {
		switch {
		case r < utf8.RuneSelf:
			c := byte(r)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if isLeet(r) {
				leet = true
			} else {
				letters = true
			}
			b = append(b, c)
			continue
		case '٠' <= r && r <= '٩':
			b, leet = append(b, byte('0'+r-'٠')), true
			continue
		case '۰' <= r && r <= '۹':
			b, leet = append(b, byte('0'+r-'۰')), true
			continue
		case unicode.In(r, unicode.Cyrillic, unicode.Greek, unicode.Arabic):
			if v, ok := t.confusables[r]; ok && visual {
				*steps |= stepConfusable
				b, letters = append(b, v...), true
				continue
			}
			*steps |= stepTranslit // a letter the table lacks is dropped
			if v := t.translit[unicode.ToLower(r)]; v != "" {
				b, letters = append(b, v...), true
			}
			continue
		}
		lr := unicode.ToLower(r)
		if f, ok := foldTable[lr]; ok {
			*steps |= stepMarks
			b, letters = append(b, f...), true
			continue
		}
		b = utf8.AppendRune(b, lr)
		letters = letters || unicode.Is(unicode.Latin, lr)
	}
	z.word = b
	switch {
	case leet && letters:
		for i, c := range b {
			if v, ok := t.digits[rune(c)]; ok {
				b[i] = v
				*steps |= stepDigits
			}
		}
	case leet: // digits alone stay; @ and $ alone are punctuation
		b = slices.DeleteFunc(b, func(c byte) bool { return c == '@' || c == '$' })
	}
	return string(b), ambiguous
}

// foldJoined reads a word made by joining pieces ("sug", "0", "n"): digits
// inside it read as letters when it has letters.
func foldJoined(t *nameTables, w string) string {
	letters, leet := false, false
	for i := 0; i < len(w); i++ {
		if isLeet(rune(w[i])) {
			leet = true
		} else {
			letters = true
		}
	}
	if !leet || !letters {
		return w
	}
	b := []byte(w)
	for i, c := range b {
		if v, ok := t.digits[rune(c)]; ok {
			b[i] = v
		}
	}
	return string(b)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func phraseAt(tokens []string, i int) int {
	for _, p := range multiWord {
		if i+len(p) <= len(tokens) && slices.Equal(tokens[i:i+len(p)], p) {
			return len(p)
		}
	}
	return 0
}
