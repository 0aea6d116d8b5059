package iorules

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Country is an ISO 3166-1 alpha-2 country code in upper case, such as "BR".
// The zero Country is not a valid country; IsValid reports it.
type Country string

// iso3166 holds every officially assigned ISO 3166-1 alpha-2 code.
const iso3166 = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
	"QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"

var countries = func() map[Country]bool {
	m := make(map[Country]bool, 250)
	for _, c := range strings.Fields(iso3166) {
		m[Country(c)] = true
	}
	return m
}()

// ParseCountry returns the Country for an ISO 3166-1 alpha-2 code. It accepts
// upper case only, so that a code is written one way everywhere.
func ParseCountry(s string) (Country, error) {
	c := Country(s)
	if !c.IsValid() {
		return "", fmt.Errorf("unknown country %q (want an ISO 3166-1 alpha-2 code such as \"BR\")", s)
	}
	return c, nil
}

// IsValid reports whether c is an assigned ISO 3166-1 alpha-2 code.
func (c Country) IsValid() bool { return countries[c] }

// String returns the code.
func (c Country) String() string { return string(c) }

// UnmarshalJSON accepts a JSON string holding a valid code.
func (c *Country) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("must be a string")
	}
	parsed, err := ParseCountry(s)
	if err != nil {
		return err
	}
	*c = parsed
	return nil
}

// Subdivision is an ISO 3166-2 subdivision code such as "BR-SP". Its first
// two letters are the country.
type Subdivision string

// Country returns the country part of the code, or "" when s is too short.
func (s Subdivision) Country() Country {
	if len(s) < 4 || s[2] != '-' {
		return ""
	}
	return Country(s[:2])
}

// String returns the code.
func (s Subdivision) String() string { return string(s) }
