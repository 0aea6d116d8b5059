package classify

import (
	"slices"

	"github.com/iorules/iorules"
)

// NationalFormat is the form of a market's national tariff code: how many
// digits a full tariff line has and which HS edition the tariff follows,
// with the source and how sure we are.
type NationalFormat struct {
	// Market is the market the format applies to.
	Market iorules.Country `json:"market"`
	// Name is what one code of the tariff is called, such as "NCM code".
	Name string `json:"name"`
	// Tariff is the tariff's own name, such as "NCM (Nomenclatura Comum do
	// Mercosul)".
	Tariff string `json:"tariff"`
	// Digits lists the accepted lengths of a full national line, ascending
	// ([8] for Brazil). A six-digit HS code is accepted in every market
	// besides these. Empty for the default format: any 6 to 12 digits.
	Digits []int `json:"digits"`
	// Edition is the HS edition the tariff follows, such as "HS 2022".
	Edition string `json:"edition"`
	// EditionConfidence says whether Edition was checked against the tariff.
	EditionConfidence iorules.Confidence `json:"edition_confidence"`
	// Source cites where the format comes from.
	Source string `json:"source"`
	// Confidence is "confirmed" when Digits follows from the cited national
	// tariff instrument, the nomenclature it is built on or lines of the
	// tariff as published, "unconfirmed" when it rests on a secondary
	// description only.
	Confidence iorules.Confidence `json:"confidence"`
	// Note says what is and is not confirmed, when that needs words.
	Note string `json:"note,omitempty"`
}

// Format returns the national tariff code format of a market. For a market
// with no format on file it returns the default format (any 6 to 12 digits,
// only the HS-6 part checked) with the market filled in, and false.
func Format(market iorules.Country) (NationalFormat, bool) {
	t, err := data()
	if err != nil {
		return NationalFormat{Market: market}, false
	}
	f, ok := t.format(market)
	f.Digits = slices.Clone(f.Digits)
	return f, ok
}
