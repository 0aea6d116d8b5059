package documents

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/iorules/iorules"
	"go.yaml.in/yaml/v3"
)

//go:embed data/review.yaml
var reviewYAML []byte

// reviewFile is the shape of data/review.yaml.
type reviewFile struct {
	Description struct {
		Source      string   `yaml:"source"`
		Confidence  string   `yaml:"confidence"`
		MinWords    int      `yaml:"min_words"`
		VagueTerms  []string `yaml:"vague_terms"`
		FillerWords []string `yaml:"filler_words"`
	} `yaml:"description"`
	Accessories struct {
		Source     string             `yaml:"source"`
		Confidence string             `yaml:"confidence"`
		Hosts      []iorules.Category `yaml:"hosts"`
		Categories []iorules.Category `yaml:"categories"`
	} `yaml:"accessories"`
	Conformity struct {
		Source     string `yaml:"source"`
		Confidence string `yaml:"confidence"`
	} `yaml:"conformity"`
}

// rules is the parsed data.
type rules struct {
	descriptionSource string
	minWords          int
	vagueTerms        map[string]bool
	fillerWords       map[string]bool
	accessorySource   string
	hosts             map[iorules.Category]bool
	accessories       []iorules.Category // in the data's order
	conformitySource  string
}

var loaded = sync.OnceValues(func() (*rules, error) { return parse(reviewYAML) })

// parse reads and checks the data file.
func parse(src []byte) (*rules, error) {
	var f reviewFile
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("documents: data/review.yaml: %w", err)
	}
	var errs []error
	check := func(section, source, confidence string) {
		if strings.TrimSpace(source) == "" {
			errs = append(errs, fmt.Errorf("%s.source: required", section))
		}
		if _, err := iorules.ParseConfidence(confidence); err != nil {
			errs = append(errs, fmt.Errorf("%s.%w", section, err)) // "description.confidence: ..."
		}
	}
	check("description", f.Description.Source, f.Description.Confidence)
	check("accessories", f.Accessories.Source, f.Accessories.Confidence)
	check("conformity", f.Conformity.Source, f.Conformity.Confidence)
	if f.Description.MinWords < 1 {
		errs = append(errs, errors.New("description.min_words: must be at least 1"))
	}
	r := &rules{
		descriptionSource: f.Description.Source,
		minWords:          f.Description.MinWords,
		vagueTerms:        wordSet(f.Description.VagueTerms),
		fillerWords:       wordSet(f.Description.FillerWords),
		accessorySource:   f.Accessories.Source,
		hosts:             map[iorules.Category]bool{},
		conformitySource:  f.Conformity.Source,
	}
	for _, c := range append(f.Accessories.Hosts, f.Accessories.Categories...) {
		if !c.IsValid() {
			errs = append(errs, fmt.Errorf("accessories: unknown category %q", c))
		}
	}
	for _, c := range f.Accessories.Hosts {
		r.hosts[c] = true
	}
	r.accessories = f.Accessories.Categories
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("documents: data/review.yaml: %w", err)
	}
	return r, nil
}

func wordSet(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[strings.ToLower(w)] = true
	}
	return m
}
