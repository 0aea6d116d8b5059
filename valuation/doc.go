// Package valuation turns a shipment into its customs value: invoice value,
// FOB and CIF derived from the incoterm and the charges without counting any
// cost twice, conversion to the destination currency at the caller's rate
// with each line's value rounded once to the currency's minor unit, and
// allocation of freight and insurance to lines so that the lines always sum
// exactly to the totals.
//
// CheckPrices flags the valuation risks customs looks at before accepting
// the price: unit prices below the caller's reference prices (the package
// embeds none) and sales between related parties.
//
// It knows no tax rates; market policies compute taxes on the values it
// returns.
package valuation
