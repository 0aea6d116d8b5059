package iorules

// A Check is a rule a caller adds to those DecodeShipment and
// Shipment.Validate apply, such as what a market's policy needs of a
// shipment to it, so that its problems are reported with the others: at
// once, in document order, each at its field's path. The package knows no
// market; markets.Engine.ShipmentChecks returns the checks of the loaded
// policies. The zero Check checks nothing.
type Check struct {
	subdivision func(destination Country, sub Subdivision) string
}

// SubdivisionCheck returns a Check of the destination subdivision. check is
// called with the destination and the subdivision ("" when the shipment
// names none) when the destination is a valid code and the subdivision is
// empty or a well-formed subdivision of it; it returns what is wrong, which
// is reported at "destination_subdivision", or "".
func SubdivisionCheck(check func(destination Country, sub Subdivision) string) Check {
	return Check{subdivision: check}
}
