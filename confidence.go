package iorules

import "fmt"

// Confidence says how sure the data behind a rate, rule or fact is: whether
// its source has been checked against the text in force. Every effective-dated
// record of the data and the policies carries one.
//
// The zero Confidence is not valid: data that leaves it out must say so. Only
// "confirmed" and "unconfirmed" decode, from JSON and YAML alike (through
// UnmarshalText); anything else is a *FieldError.
type Confidence string

// The confidences.
const (
	// ConfidenceConfirmed: the figure was checked against its source.
	ConfidenceConfirmed Confidence = "confirmed"
	// ConfidenceUnconfirmed: the figure is believed right but its source
	// has not been checked; decisions that rest on it say so.
	ConfidenceUnconfirmed Confidence = "unconfirmed"
)

// ParseConfidence returns the Confidence s names. Anything but "confirmed"
// and "unconfirmed", the empty string included, is a *FieldError whose Path
// is "confidence".
func ParseConfidence(s string) (Confidence, error) {
	c := Confidence(s)
	if !c.IsValid() {
		return "", &FieldError{Path: "confidence", Msg: fmt.Sprintf("want confirmed or unconfirmed, not %q", s)}
	}
	return c, nil
}

// IsValid reports whether c is ConfidenceConfirmed or ConfidenceUnconfirmed.
func (c Confidence) IsValid() bool {
	return c == ConfidenceConfirmed || c == ConfidenceUnconfirmed
}

// IsConfirmed reports whether c is ConfidenceConfirmed.
func (c Confidence) IsConfirmed() bool { return c == ConfidenceConfirmed }

// String returns the confidence as written in the data.
func (c Confidence) String() string { return string(c) }

// MarshalText writes the confidence as String does.
func (c Confidence) MarshalText() ([]byte, error) { return []byte(c), nil }

// UnmarshalText parses the confidence as ParseConfidence does, so JSON and
// YAML decoding reject any other value.
func (c *Confidence) UnmarshalText(b []byte) error {
	parsed, err := ParseConfidence(string(b))
	if err != nil {
		return err
	}
	*c = parsed
	return nil
}
