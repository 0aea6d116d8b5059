package classify

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/iorules/iorules"
	"go.yaml.in/yaml/v3"
)

//go:embed data/nomenclature.yaml
var nomenclatureYAML []byte

//go:embed data/formats.yaml
var formatsYAML []byte

//go:embed data/hs2022_codes.txt
var codeList []byte

// nomenclatureFile is the shape of data/nomenclature.yaml.
type nomenclatureFile struct {
	Edition               string        `yaml:"edition"`
	Source                string        `yaml:"source"`
	EffectiveFrom         string        `yaml:"effective_from"`
	EffectiveTo           string        `yaml:"effective_to"`
	EffectiveToConfidence string        `yaml:"effective_to_confidence"`
	CodeListChapters      []string      `yaml:"code_list_chapters"`
	Headings              []headingRow  `yaml:"headings"`
	Subheadings           []subRow      `yaml:"subheadings"`
	Categories            []categoryRow `yaml:"categories"`
}

type headingRow struct {
	Heading     string `yaml:"heading"`
	Chapter     string `yaml:"chapter"`
	Description string `yaml:"description"`
}

type subRow struct {
	HS6         string    `yaml:"hs6"`
	Heading     string    `yaml:"heading"`
	Description string    `yaml:"description"`
	Radio       radioRule `yaml:"radio"`
}

type categoryRow struct {
	Category    iorules.Category `yaml:"category"`
	Any         bool             `yaml:"any"`
	Reason      string           `yaml:"reason"`
	Radio       radioRule        `yaml:"radio"`
	RadioReason string           `yaml:"radio_reason"`
	Fits        []fitRow         `yaml:"fits"`
}

// radioRule says whether goods of a subheading or category contain a radio.
type radioRule string

const (
	radioAny      radioRule = ""         // they may or may not
	radioRequired radioRule = "required" // they transmit by radio
	radioNone     radioRule = "none"     // they carry no radio
)

func (r radioRule) valid() bool { return r == radioAny || r == radioRequired || r == radioNone }

// fitRow is one place a category can fall: an HS-6 subheading (six digits)
// or a whole heading (four digits).
type fitRow struct {
	Code       string `yaml:"code"`
	Reason     string `yaml:"reason"`
	Source     string `yaml:"source"`
	Confidence string `yaml:"confidence"`

	dotted     string             // Code in dotted form, set by load
	confidence iorules.Confidence // Confidence, parsed by load
}

// formatsFile is the shape of data/formats.yaml.
type formatsFile struct {
	Default formatRow   `yaml:"default"`
	Markets []formatRow `yaml:"markets"`
}

type formatRow struct {
	Market            iorules.Country `yaml:"market"`
	Name              string          `yaml:"name"`
	Tariff            string          `yaml:"tariff"`
	Digits            []int           `yaml:"digits"`
	Edition           string          `yaml:"edition"`
	EditionConfidence string          `yaml:"edition_confidence"`
	Source            string          `yaml:"source"`
	Confidence        string          `yaml:"confidence"`
	Note              string          `yaml:"note"`
}

// categoryFit is where one category can fall, and whether its goods
// contain a radio.
type categoryFit struct {
	any         bool
	reason      string
	radio       radioRule
	radioReason string
	fits        []fitRow
}

// table holds the parsed embedded data. It is built once and only read
// afterwards, so it is safe for concurrent use.
type table struct {
	edition       string
	editionSource string
	window        iorules.Window // the dates the edition is kept for
	toConfidence  iorules.Confidence
	headings      map[string]headingRow // by four digits
	subs          map[string]subRow     // by six digits
	exists        map[string]bool       // every HS 2022 subheading of the listed chapters
	listed        map[string]bool       // chapters whose full list is in exists
	categories    map[iorules.Category]categoryFit
	specific      string // the categories tied to codes, "server, storage, ... or keyboard_kvm"
	formats       map[iorules.Country]NationalFormat
	fallback      NationalFormat
}

var loaded = sync.OnceValues(func() (*table, error) {
	return load(nomenclatureYAML, formatsYAML, codeList)
})

// data returns the embedded table, or an error when the embedded files are
// unusable (which the package tests rule out).
func data() (*table, error) { return loaded() }

func decodeStrict(b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// load parses and cross-checks the three data files.
func load(nomenclature, formats, codes []byte) (*table, error) {
	var nf nomenclatureFile
	if err := decodeStrict(nomenclature, &nf); err != nil {
		return nil, fmt.Errorf("nomenclature: %w", err)
	}
	var ff formatsFile
	if err := decodeStrict(formats, &ff); err != nil {
		return nil, fmt.Errorf("formats: %w", err)
	}
	t := &table{
		edition:       nf.Edition,
		editionSource: nf.Source,
		headings:      map[string]headingRow{},
		subs:          map[string]subRow{},
		exists:        map[string]bool{},
		listed:        map[string]bool{},
		categories:    map[iorules.Category]categoryFit{},
		formats:       map[iorules.Country]NationalFormat{},
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if nf.Edition == "" || nf.Source == "" {
		bad("nomenclature: edition and source are required")
	}
	if nf.EffectiveFrom == "" {
		bad("nomenclature: effective_from: required")
	}
	var err error
	t.window, err = iorules.ParseWindow(nf.EffectiveFrom, nf.EffectiveTo)
	for _, fe := range iorules.FieldErrors(err) {
		bad("nomenclature: %v", fe)
	}
	if nf.EffectiveTo != "" {
		if t.toConfidence, err = iorules.ParseConfidence(nf.EffectiveToConfidence); err != nil {
			bad("nomenclature: effective_to_confidence %q: want confirmed or unconfirmed", nf.EffectiveToConfidence)
		}
	}

	for _, ch := range nf.CodeListChapters {
		if !isDigits(ch, 2) {
			bad("nomenclature: code_list_chapters: %q is not a two-digit chapter", ch)
		}
		t.listed[ch] = true
	}
	perChapter := map[string]int{}
	for i, line := range strings.Split(string(codes), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		switch {
		case !isDigits(line, 6):
			bad("code list line %d: %q is not six digits", i+1, line)
		case !t.listed[line[:2]]:
			bad("code list line %d: %s is outside code_list_chapters", i+1, line)
		case t.exists[line]:
			bad("code list line %d: %s repeated", i+1, line)
		}
		t.exists[line] = true
		if len(line) >= 2 {
			perChapter[line[:2]]++
		}
	}
	for _, ch := range nf.CodeListChapters {
		if perChapter[ch] == 0 {
			bad("code list: no code for listed chapter %s", ch)
		}
	}

	for _, h := range nf.Headings {
		switch {
		case !isDigits(h.Heading, 4):
			bad("heading %q: want four digits", h.Heading)
		case h.Chapter != h.Heading[:2]:
			bad("heading %s: chapter %q does not match", h.Heading, h.Chapter)
		case h.Description == "":
			bad("heading %s: description is required", h.Heading)
		case t.headings[h.Heading].Heading != "":
			bad("heading %s: repeated", h.Heading)
		}
		t.headings[h.Heading] = h
	}
	for _, s := range nf.Subheadings {
		switch {
		case !isDigits(s.HS6, 6):
			bad("subheading %q: want six digits", s.HS6)
		case s.Heading != s.HS6[:4]:
			bad("subheading %s: heading %q does not match", s.HS6, s.Heading)
		case t.headings[s.Heading].Heading == "":
			bad("subheading %s: heading %s is not in headings", s.HS6, s.Heading)
		case s.Description == "":
			bad("subheading %s: description is required", s.HS6)
		case t.subs[s.HS6].HS6 != "":
			bad("subheading %s: repeated", s.HS6)
		case t.listed[s.HS6[:2]] && !t.exists[s.HS6]:
			bad("subheading %s: not in the HS 2022 code list", s.HS6)
		case !s.Radio.valid():
			bad("subheading %s: radio %q: want required or none", s.HS6, s.Radio)
		}
		t.subs[s.HS6] = s
	}

	for _, c := range nf.Categories {
		if !c.Category.IsValid() {
			bad("category %q: unknown", c.Category)
			continue
		}
		if _, dup := t.categories[c.Category]; dup {
			bad("category %s: repeated", c.Category)
			continue
		}
		switch {
		case c.Any && (len(c.Fits) > 0 || c.Reason == ""):
			bad("category %s: any needs a reason and no fits", c.Category)
		case !c.Any && len(c.Fits) == 0:
			bad("category %s: no fits", c.Category)
		case !c.Radio.valid():
			bad("category %s: radio %q: want required or none", c.Category, c.Radio)
		case (c.Radio == radioAny) != (c.RadioReason == ""):
			bad("category %s: radio and radio_reason go together", c.Category)
		}
		seen := map[string]bool{}
		for i, f := range c.Fits {
			c.Fits[i].dotted = dotted(f.Code)
			confidence, confErr := iorules.ParseConfidence(f.Confidence)
			c.Fits[i].confidence = confidence
			switch {
			case len(f.Code) == 4 && t.headings[f.Code].Heading == "",
				len(f.Code) == 6 && t.subs[f.Code].HS6 == "",
				len(f.Code) != 4 && len(f.Code) != 6:
				bad("category %s: fit %q is not a heading or subheading of the table", c.Category, f.Code)
			case f.Reason == "" || f.Source == "":
				bad("category %s: fit %s needs a reason and a source", c.Category, f.Code)
			case confErr != nil:
				bad("category %s: fit %s: confidence %q", c.Category, f.Code, f.Confidence)
			case seen[f.Code]:
				bad("category %s: fit %s repeated", c.Category, f.Code)
			}
			if sub, ok := t.subs[f.Code]; ok && sub.Radio != radioAny && c.Radio != radioAny && sub.Radio != c.Radio {
				bad("category %s: fit %s: the subheading's radio %s contradicts the category's radio %s", c.Category, f.Code, sub.Radio, c.Radio)
			}
			seen[f.Code] = true
		}
		t.categories[c.Category] = categoryFit{any: c.Any, reason: c.Reason, radio: c.Radio, radioReason: c.RadioReason, fits: c.Fits}
	}
	var specific []string
	for _, c := range iorules.Categories() {
		fit, ok := t.categories[c]
		if !ok {
			bad("category %s: missing from the fit table", c)
		}
		if ok && !fit.any {
			specific = append(specific, string(c))
		}
	}
	t.specific = orList(specific)

	var fallbackErr error
	if t.fallback, fallbackErr = ff.Default.toFormat(""); fallbackErr != nil {
		bad("formats: default: %v", fallbackErr)
	}
	for _, row := range ff.Markets {
		if !row.Market.IsValid() {
			bad("formats: market %q: not an ISO 3166-1 code", row.Market)
			continue
		}
		if _, dup := t.formats[row.Market]; dup {
			bad("formats: market %s: repeated", row.Market)
			continue
		}
		f, err := row.toFormat(row.Market)
		if err != nil {
			bad("formats: market %s: %v", row.Market, err)
		}
		if len(f.Digits) == 0 {
			bad("formats: market %s: digits are required", row.Market)
		}
		t.formats[row.Market] = f
	}

	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return t, nil
}

func (r formatRow) toFormat(market iorules.Country) (NationalFormat, error) {
	f := NationalFormat{
		Market:            market,
		Name:              r.Name,
		Tariff:            r.Tariff,
		Digits:            slices.Clone(r.Digits),
		Edition:           r.Edition,
		EditionConfidence: iorules.Confidence(r.EditionConfidence),
		Source:            r.Source,
		Confidence:        iorules.Confidence(r.Confidence),
		Note:              r.Note,
	}
	switch {
	case f.Name == "" || f.Tariff == "" || f.Edition == "" || f.Source == "":
		return f, errors.New("name, tariff, edition and source are required")
	case !f.Confidence.IsValid() || !f.EditionConfidence.IsValid():
		return f, fmt.Errorf("confidence %q / edition_confidence %q: want confirmed or unconfirmed", f.Confidence, f.EditionConfidence)
	case !slices.IsSorted(f.Digits) || len(slices.Compact(slices.Clone(f.Digits))) != len(f.Digits):
		return f, errors.New("digits must be ascending without repeats")
	}
	for _, d := range f.Digits {
		if d < 7 || d > 12 {
			return f, fmt.Errorf("digits %d: a national line has 7 to 12 digits (HS-6 is always accepted)", d)
		}
	}
	return f, nil
}

// isDigits reports whether s is exactly n ASCII digits.
func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
