package iorules

import "github.com/shopspring/decimal"

// Shipment is one import consignment, as the importer of record sees it
// before the cargo moves. DecodeShipment builds a validated Shipment from JSON.
type Shipment struct {
	// ID is the caller's reference for the shipment.
	ID string `json:"id"`
	// Date is the planned date of importation; rates, rules and exchange
	// rates are taken as of this date.
	Date Date `json:"date"`
	// Origin is the country the goods are exported from.
	Origin Country `json:"origin"`
	// Destination is the importing country (the market).
	Destination Country `json:"destination"`
	// DestinationSubdivision is the ISO 3166-2 subdivision of the
	// destination where its taxes depend on it (Brazil's state, "BR-SP").
	DestinationSubdivision Subdivision `json:"destination_subdivision,omitempty"`
	// Incoterm is the Incoterms 2020 rule of the sale.
	Incoterm Incoterm `json:"incoterm"`
	// TransportMode is how the goods arrive at the destination border.
	TransportMode TransportMode `json:"transport_mode"`
	// Currency is the currency of the invoice and of Charges.
	Currency Currency `json:"currency"`
	// ExchangeRates gives destination-currency units per one unit of each
	// other currency used, the customs rate in force on Date.
	ExchangeRates map[Currency]decimal.Decimal `json:"exchange_rates"`
	// Charges lists every cost element of the move, whether or not the
	// incoterm puts it in the invoice price.
	Charges Charges `json:"charges"`
	// Exporter is the seller or shipper at origin.
	Exporter Party `json:"exporter"`
	// ImporterOfRecord is the locally registered company that files the
	// entry and owns the compliance outcome.
	ImporterOfRecord Party `json:"importer_of_record"`
	// EndUser is who will use the goods.
	EndUser Party `json:"end_user"`
	// RelatedParty is true when the seller (exporter) and the buyer are
	// related persons, such as a parent and its subsidiary (WTO Customs
	// Valuation Agreement art. 15.4); customs then accepts the price only if
	// the relationship did not influence it (art. 1.2).
	RelatedParty bool `json:"related_party,omitempty"`
	// Items are the invoice lines.
	Items []Item `json:"items"`
	// Documents lists the trade documents in hand (commercial invoice,
	// packing list, declaration of conformity, ...); empty means none.
	Documents []Document `json:"documents,omitempty"`
}

// Charges are the cost elements of moving the goods, in the shipment
// currency. Each is zero or more. The incoterm decides which of them the
// invoice price already includes.
type Charges struct {
	// OriginInland is loading and inland carriage to the port or airport of
	// export, with export clearance.
	OriginInland decimal.Decimal `json:"origin_inland"`
	// Freight is the international carriage to the destination border.
	Freight decimal.Decimal `json:"freight"`
	// Insurance is cargo insurance for the international leg.
	Insurance decimal.Decimal `json:"insurance"`
	// DestinationHandling is unloading and terminal handling at the
	// destination port or airport (Brazil's capatazia).
	DestinationHandling decimal.Decimal `json:"destination_handling"`
	// DestinationInland is carriage from the arrival port to the consignee.
	DestinationInland decimal.Decimal `json:"destination_inland"`
}

// Party is a company in the transaction.
type Party struct {
	// Name is the legal name.
	Name string `json:"name"`
	// Country is where the party is established.
	Country Country `json:"country"`
	// HeadquartersCountry is where the party or its ultimate parent is
	// headquartered; export rules test it, not only the address. Empty
	// means not stated.
	HeadquartersCountry Country `json:"headquarters_country,omitempty"`
	// Registrations are the party's registrations with authorities, such as
	// Brazil's RADAR ("br.radar") or India's IEC ("in.iec").
	Registrations []Registration `json:"registrations,omitempty"`
	// Ownership states who owns the party, for the export rules that treat
	// an entity owned by listed parties as listed itself (the BIS Affiliates
	// rule). Nil means not stated.
	Ownership *Ownership `json:"ownership,omitempty"`
}

// Ownership is who owns a party, as the caller established it.
type Ownership struct {
	// Owners lists the party's direct owners holding 25 % or more of it,
	// and any smaller owner that is itself a restricted party: the
	// Affiliates rule adds the shares of listed owners together. An empty
	// list states that no owner holds 25 % or more. Validate and
	// DecodeShipment require the list to be present, even if empty: nil is
	// not a statement.
	Owners []Owner `json:"owners"`
	// CheckedOn is the day the ownership was established.
	CheckedOn Date `json:"checked_on"`
}

// Owner is one owner of a party and its share.
type Owner struct {
	// Name is the owner's legal name, as it is screened.
	Name string `json:"name"`
	// Country is where the owner is established (a person: where they
	// live).
	Country Country `json:"country"`
	// Share is the owner's share of the party, a percentage greater than 0
	// and at most 100 ("60", "50.5").
	Share decimal.Decimal `json:"share"`
}

// Registration is one registration a party holds with an authority.
type Registration struct {
	// Scheme identifies the register, "<market>.<scheme>" in lower case.
	Scheme string `json:"scheme"`
	// ID is the registration number.
	ID string `json:"id"`
	// Level is the scheme's tier where it has one (RADAR "unlimited").
	Level string `json:"level,omitempty"`
	// ValidUntil is the last day the registration is valid; zero means it
	// does not expire.
	ValidUntil Date `json:"valid_until,omitzero"`
}

// Item is one invoice line.
type Item struct {
	// Line is the line number, unique within the shipment.
	Line int `json:"line"`
	// SKU is the seller's part number.
	SKU string `json:"sku,omitempty"`
	// Model is the manufacturer's model designation, which certificates name.
	Model string `json:"model,omitempty"`
	// Description says what the goods are, in words a customs officer can
	// classify from.
	Description string `json:"description"`
	// Category is the kind of product.
	Category Category `json:"category"`
	// HSCode is the declared HS-6 subheading or national tariff line.
	HSCode HSCode `json:"hs_code"`
	// Quantity is the number of units, at least 1.
	Quantity int `json:"quantity"`
	// UnitValue is the invoice price of one unit in the shipment currency.
	UnitValue decimal.Decimal `json:"unit_value"`
	// NetWeightKg is the net weight of one unit in kilograms; nil when not
	// stated (a rule or fee that needs it then reports the gap, never 0).
	NetWeightKg *decimal.Decimal `json:"net_weight_kg,omitempty"`
	// Condition is new, refurbished or used.
	Condition Condition `json:"condition"`
	// CountryOfOrigin is where the goods were made.
	CountryOfOrigin Country `json:"country_of_origin"`
	// Radio lists the radio technologies the item contains; empty means none.
	Radio []Radio `json:"radio"`
	// Encryption says whether the item implements cryptography.
	Encryption Encryption `json:"encryption"`
	// ECCN is the export control classification at origin ("5A992.c",
	// "EAR99"); empty means not stated.
	ECCN string `json:"eccn,omitempty"`
	// TPP is the total processing performance of an accelerator, when known.
	TPP *decimal.Decimal `json:"tpp,omitempty"`
	// PowerRatingKVA is the rated output of a power unit (a UPS, an
	// inverter) in kilovolt-amperes, when stated; rules can turn on it
	// (India's BIS registration covers UPS up to 5 kVA).
	PowerRatingKVA *decimal.Decimal `json:"power_rating_kva,omitempty"`
	// TariffExemption is a claimed national tariff exemption for the line,
	// such as a Brazil Ex-tarifário number ("001"); empty means none.
	TariffExemption string `json:"tariff_exemption,omitempty"`
	// ApprovalsHeld lists regulatory approvals already held for the item.
	ApprovalsHeld []HeldApproval `json:"approvals_held,omitempty"`
}

// Value returns the line's invoice value, Quantity × UnitValue, unrounded.
func (it Item) Value() decimal.Decimal {
	return it.UnitValue.Mul(decimal.NewFromInt(int64(it.Quantity)))
}

// Encryption describes the cryptography in an item.
type Encryption struct {
	// Present is true when the item implements or contains cryptography.
	Present bool `json:"present"`
	// MassMarket is true when the item meets the mass-market criteria of
	// the origin's export rules (EAR 740.17(b)(1), Wassenaar note 3).
	MassMarket bool `json:"mass_market"`
}

// HeldApproval is a regulatory approval already obtained for an item.
type HeldApproval struct {
	// ID is the approval id, "<market>.<scheme>" ("br.anatel").
	ID string `json:"id"`
	// Reference is the certificate or registration number.
	Reference string `json:"reference"`
	// ValidUntil is the last day the approval is valid; zero means it does
	// not expire.
	ValidUntil Date `json:"valid_until,omitzero"`
	// Models lists the model designations the approval covers; empty means
	// not stated.
	Models []string `json:"models,omitempty"`
}

// InvoiceValue returns the sum of every line's value, unrounded, in the
// shipment currency.
func (s Shipment) InvoiceValue() decimal.Decimal {
	total := decimal.Zero
	for _, it := range s.Items {
		total = total.Add(it.Value())
	}
	return total
}
