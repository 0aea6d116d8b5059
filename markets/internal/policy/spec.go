package policy

import (
	"fmt"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/exact"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// The YAML schema of a market policy. Scalars that need positions (CEL
// expressions, dates, decimals) capture their node so that load errors can
// name FILE:LINE:COL.

type policyFile struct {
	Market        string                `yaml:"market"`
	Name          string                `yaml:"name"`
	Currency      string                `yaml:"currency"`
	Version       string                `yaml:"version"`
	EffectiveFrom yamlDate              `yaml:"effective_from"`
	EffectiveTo   yamlDate              `yaml:"effective_to"`
	Valuation     valuationSpec         `yaml:"valuation"`
	Declaration   declarationSpec       `yaml:"declaration"`
	Subdivision   *subdivisionSpec      `yaml:"destination_subdivision"`
	Sources       map[string]string     `yaml:"sources"`
	NotEvaluated  []string              `yaml:"not_evaluated"`
	Tables        map[string]*tableSpec `yaml:"tables"`
	Rules         []*ruleSpec           `yaml:"rules"`
	Taxes         []*taxSpec            `yaml:"taxes"`
}

type valuationSpec struct {
	Basis  string    `yaml:"basis"`
	Source posString `yaml:"source"`
}

// subdivisionSpec declares the destination subdivisions a market's taxes
// depend on (Brazil's states for ICMS): a shipment must name one of codes
// when required is true.
type subdivisionSpec struct {
	Required bool        `yaml:"required"`
	Example  posString   `yaml:"example"`
	Codes    []posString `yaml:"codes"`
}

type declarationSpec struct {
	GroupBy  []string `yaml:"group_by"`
	Rounding string   `yaml:"rounding"`
}

type tableSpec struct {
	Match   posString    `yaml:"match"`
	Entries []*entrySpec `yaml:"entries"`
}

type entrySpec struct {
	Key           posString   `yaml:"key"`
	From          int         `yaml:"from"`
	To            int         `yaml:"to"`
	Value         yamlDecimal `yaml:"value"`
	Source        string      `yaml:"source"`
	EffectiveFrom yamlDate    `yaml:"effective_from"`
	EffectiveTo   yamlDate    `yaml:"effective_to"`
	Confidence    string      `yaml:"confidence"`
	Note          string      `yaml:"note"`
}

type ruleSpec struct {
	ID            posString     `yaml:"id"`
	Kind          string        `yaml:"kind"`
	Scope         string        `yaml:"scope"`
	When          expr          `yaml:"when"`
	Approval      *approvalSpec `yaml:"approval"`
	Code          string        `yaml:"code"`
	Message       string        `yaml:"message"`
	MessageExpr   expr          `yaml:"message_expr"`
	Unblock       string        `yaml:"unblock"`
	Source        string        `yaml:"source"`
	EffectiveFrom yamlDate      `yaml:"effective_from"`
	EffectiveTo   yamlDate      `yaml:"effective_to"`
	Confidence    string        `yaml:"confidence"`
}

type approvalSpec struct {
	Authority    string `yaml:"authority"`
	Title        string `yaml:"title"`
	Stage        string `yaml:"stage"`
	LeadTimeDays *int   `yaml:"lead_time_days"`
}

type taxSpec struct {
	ID            posString `yaml:"id"`
	Name          string    `yaml:"name"`
	Scope         string    `yaml:"scope"`
	When          expr      `yaml:"when"`
	Rate          expr      `yaml:"rate"`
	Base          expr      `yaml:"base"`
	Amount        expr      `yaml:"amount"`
	Rounding      string    `yaml:"rounding"`
	Informational bool      `yaml:"informational"`
	Source        string    `yaml:"source"`
	EffectiveFrom yamlDate  `yaml:"effective_from"`
	EffectiveTo   yamlDate  `yaml:"effective_to"`
	Confidence    string    `yaml:"confidence"`
}

// posString is a YAML string that remembers where it was written.
type posString struct {
	value string
	pos   position
}

func (s *posString) UnmarshalYAML(n *yaml.Node) error {
	s.pos = position{n.Line, n.Column}
	if n.Kind != yaml.ScalarNode {
		return &yamlPosError{s.pos, "expected a string"}
	}
	s.value = n.Value
	return nil
}

type yamlPosError struct {
	pos position
	msg string
}

func (e *yamlPosError) Error() string { return e.msg }

// position is a 1-based line and column in a policy file.
type position struct{ line, col int }

// expr is a CEL expression as written in YAML, with where it starts.
type expr struct {
	text   string
	line   int // line of the first character of the expression
	col    int // column of the first character of the expression
	block  bool
	indent int      // for block scalars: the content indentation (0-based)
	lines  []string // for block scalars: the content lines as written
	set    bool
}

func (e *expr) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yamlPosError{position{n.Line, n.Column}, "expected a CEL expression (a string)"}
	}
	*e = expr{text: n.Value, line: n.Line, col: n.Column, set: true}
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		e.col++
	case yaml.LiteralStyle, yaml.FoldedStyle:
		e.block = true
	}
	return nil
}

// yamlDate is an optional calendar date in a policy.
type yamlDate struct {
	date iorules.Date
	pos  position
	err  string
}

func (d *yamlDate) UnmarshalYAML(n *yaml.Node) error {
	d.pos = position{n.Line, n.Column}
	if n.Kind != yaml.ScalarNode {
		d.err = "expected a date YYYY-MM-DD"
		return nil
	}
	parsed, err := iorules.ParseDate(n.Value)
	if err != nil {
		d.err = err.Error()
		return nil
	}
	d.date = parsed
	return nil
}

// yamlDecimal is a decimal written in YAML, read from its text so that no
// float ever touches it.
type yamlDecimal struct {
	value exact.Dec
	pos   position
	err   string
	set   bool
}

func (d *yamlDecimal) UnmarshalYAML(n *yaml.Node) error {
	d.pos = position{n.Line, n.Column}
	d.set = true
	if n.Kind != yaml.ScalarNode || len(n.Value) > 40 {
		d.err = "expected a decimal such as \"0.16\""
		return nil
	}
	v, err := parsePlainDecimal(n.Value)
	if err != nil {
		d.err = err.Error()
		return nil
	}
	d.value = v
	return nil
}

// parsePlainDecimal accepts plain decimal notation only ("-12.50"), so no
// exponent can force a huge expansion. The result keeps the digits as
// written: "1.50" has coefficient 150 and exponent -2, as
// decimal.NewFromString reads it.
func parsePlainDecimal(s string) (exact.Dec, error) {
	digits, fraction, dot, neg := 0, 0, false, false
	var coef int64
	for i, ch := range s {
		switch {
		case ch >= '0' && ch <= '9':
			digits++
			if dot {
				fraction++
			}
			if digits <= maxWordDigits {
				coef = coef*10 + int64(ch-'0')
			}
		case ch == '.' && !dot && digits > 0:
			dot = true
		case ch == '-' && i == 0:
			neg = true
		default:
			return exact.Dec{}, fmt.Errorf("malformed decimal %q: want plain notation such as \"0.16\"", s)
		}
	}
	if digits == 0 || digits > 30 || strings.HasSuffix(s, ".") {
		return exact.Dec{}, fmt.Errorf("malformed decimal %q: want plain notation such as \"0.16\"", s)
	}
	if digits <= maxWordDigits {
		if neg {
			coef = -coef
		}
		return exact.New(coef, int32(-fraction)), nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return exact.Dec{}, err
	}
	return exact.FromDecimal(d), nil
}

// maxWordDigits is how many digits parsePlainDecimal accumulates in an
// int64 before handing the text to decimal.NewFromString.
const maxWordDigits = 18
