package exportctl

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/iorules/iorules"
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
	if _, err := iorules.ParseConfidence(f.Confidence); err != nil {
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
	all     []string  // every word, legal forms included, in order: the name without separators is their concatenation
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
// buffers from one name to the next: the slices of the normNames it returns
// share them and stay valid only until reset. Screening uses one per call
// for the listed names, which are needed only while their entry is
// compared, so that an ASCII name costs about one allocation (its folded
// text).
type nameNormalizer struct {
	word  []byte   // the word being folded
	pool  []string // the words, kept words and tokens of the names since reset, each in its own window
	drops []string // likewise, the words dropped from them
}

// reset makes the buffers available again, invalidating earlier results.
func (z *nameNormalizer) reset() {
	clear(z.pool)
	clear(z.drops)
	z.pool, z.drops = z.pool[:0], z.drops[:0]
}

// poolWindow returns what was appended to pool from start on, capped so that
// later appends cannot overwrite it.
func poolWindow(pool []string, start int) []string { return pool[start:len(pool):len(pool)] }

// normalize is normalizeName, except that an empty dropped list may be
// non-nil.
func (z *nameNormalizer) normalize(s string) normName {
	t := names()
	var steps nameSteps
	if isASCII(s) {
		words, steps := z.asciiWords(t, s)
		n, _ := z.build(t, words, steps, false, true)
		return n
	}
	{
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
	n, ambiguous := z.build(t, words, steps, false, false)
	if ambiguous {
		alt, _ := z.build(t, words, steps, true, false)
		n.alt = &alt
	}
	return n
}

// asciiWords reads an ASCII name into folded words (see fold) with one
// allocation for their text.
func (z *nameNormalizer) asciiWords(t *nameTables, s string) ([]string, nameSteps) {
	var steps nameSteps
	b := z.word[:0]
	start, letters, leet := 0, false, false
	end := func() {
		w := b[start:]
		switch {
		case leet && letters:
			for i, c := range w {
				if v, ok := t.digits[rune(c)]; ok {
					w[i] = v
					steps |= stepDigits
				}
			}
		case leet: // digits alone stay; @ and $ alone are punctuation
			b = b[:start+len(slices.DeleteFunc(w, func(c byte) bool { return c == '@' || c == '$' }))]
		}
		if len(b) > start {
			b = append(b, ' ')
		}
		start, letters, leet = len(b), false, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
			b, letters = append(b, c), true
		case 'A' <= c && c <= 'Z':
			b, letters = append(b, c+'a'-'A'), true
		case isLeet(rune(c)):
			b, leet = append(b, c), true
		case c == '.' || c == '\'': // joins: "S.A.", "O'Brien"
		case c == '&':
			end()
			b = append(b, "and "...)
			start = len(b)
		default:
			end()
		}
	}
	end()
	z.word = b
	text := string(b)
	first := len(z.pool)
	for w := range strings.SplitSeq(text, " ") {
		if w != "" {
			z.pool = append(z.pool, w)
		}
	}
	return poolWindow(z.pool, first), steps
}

// build folds the words and reduces them to a normName. A word of
// Cyrillic or Greek look-alikes alone ("РОСТЕХ", "Μικρον") is ambiguous:
// it is transliterated, or with visual set read as the Latin letters it
// imitates. build reports whether some word was ambiguous.
func (z *nameNormalizer) build(t *nameTables, words []string, steps nameSteps, visual, folded bool) (normName, bool) {
	raw := words
	ambiguous := false
	if !folded {
		start := len(z.pool)
		for _, w := range words {
			f, amb := z.fold(t, w, &steps, visual)
			ambiguous = ambiguous || amb
			if f != "" {
				z.pool = append(z.pool, f)
			}
		}
		raw = poolWindow(z.pool, start)
	}
	if len(raw) == 0 {
		return normName{steps: steps}, ambiguous
	}
	start, dropStart := len(z.pool), len(z.drops)
	for i := 0; i < len(raw); {
		if n := phraseAt(raw, i); n > 0 {
			z.drops = append(z.drops, strings.Join(raw[i:i+n], " "))
			i += n
			continue
		}
		if droppedWords[raw[i]] {
			z.drops = append(z.drops, raw[i])
		} else {
			z.pool = append(z.pool, raw[i])
		}
		i++
	}
	kept, dropped := poolWindow(z.pool, start), poolWindow(z.drops, dropStart)
	if len(kept) == 0 {
		// A name made only of legal forms and stop words keeps them, less
		// the words that are dropped on their own, so that its key reads
		// the same when normalised again.
		for _, w := range raw {
			if !droppedWords[w] {
				z.pool = append(z.pool, w)
			}
		}
		if kept = poolWindow(z.pool, start); len(kept) == 0 {
			kept = raw
		}
		dropped = nil
	}
	start = len(z.pool)
	z.pool = append(z.pool, kept...)
	tokens := poolWindow(z.pool, start)
	slices.Sort(tokens)
	tokens = slices.Compact(tokens)
	return normName{tokens: tokens, ordered: kept, dropped: dropped, all: raw, steps: steps}, ambiguous
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
