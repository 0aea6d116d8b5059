package iorules

import (
	"errors"
	"fmt"
)

// Window is the span of days a rate, rule or fact is in effect, written
// effective_from and effective_to in the data: from From to To, both days
// included. A zero From means the window has no first day and a zero To that
// it has no last day, so the zero Window covers every day.
//
// A window whose To is before its From covers no day; Validate reports it,
// and loaders reject it, since what it dates would never apply.
type Window struct {
	// From is the first day in effect; zero means no start.
	From Date
	// To is the last day in effect; zero means open-ended.
	To Date
}

// ParseWindow parses the effective_from and effective_to of a record, each
// "2006-01-02" or "" for no bound, and validates the window. Every problem is
// a *FieldError whose Path is "effective_from" or "effective_to", joined.
func ParseWindow(from, to string) (Window, error) {
	var w Window
	var errs []error
	parse := func(field, s string) Date {
		if s == "" {
			return Date{}
		}
		d, err := ParseDate(s)
		if err != nil {
			errs = append(errs, &FieldError{Path: field, Msg: err.Error()})
		}
		return d
	}
	w.From = parse("effective_from", from)
	w.To = parse("effective_to", to)
	if len(errs) > 0 {
		return Window{}, errors.Join(errs...)
	}
	if err := w.Validate(); err != nil {
		return Window{}, err
	}
	return w, nil
}

// Validate returns a *FieldError with the Path "effective_to" when To is
// before From: such a window covers no day.
func (w Window) Validate() error {
	if w.inverted() {
		return &FieldError{Path: "effective_to", Msg: fmt.Sprintf("%s is before effective_from %s", w.To, w.From)}
	}
	return nil
}

// inverted reports whether both bounds are given and To is before From.
func (w Window) inverted() bool {
	return !w.From.IsZero() && !w.To.IsZero() && w.To.Before(w.From)
}

// Covers reports whether day d is in the window. An inverted window covers
// nothing.
func (w Window) Covers(d Date) bool {
	return (w.From.IsZero() || !d.Before(w.From)) && (w.To.IsZero() || !d.After(w.To))
}

// Overlaps reports whether some day is in both w and o. An inverted window
// overlaps nothing.
func (w Window) Overlaps(o Window) bool {
	if w.inverted() || o.inverted() {
		return false
	}
	wEndsFirst := !w.To.IsZero() && !o.From.IsZero() && w.To.Before(o.From)
	oEndsFirst := !o.To.IsZero() && !w.From.IsZero() && o.To.Before(w.From)
	return !wEndsFirst && !oEndsFirst
}
