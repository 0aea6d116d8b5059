package iorules

// FieldError is one problem with one field of an input, named by its JSON
// path ("items[2].unit_value"). DecodeShipment and Shipment.Validate return
// every problem at once as a joined error of *FieldError values; reach them
// with errors.As, or range over them with FieldErrors.
type FieldError struct {
	// Path is the field's JSON path; "" means the document as a whole.
	Path string
	// Msg says what is wrong, in a few words.
	Msg string
}

// Error returns "path: message", or the message alone when Path is empty.
func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}
