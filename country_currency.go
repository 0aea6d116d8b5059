package iorules

import (
	"regexp"
	"strings"
)

// localCurrency maps every ISO 3166-1 alpha-2 country to the ISO 4217
// currency its customs administration declares values in, as "CC:CUR".
// Source: ISO 4217 list one (SIX Group, maintenance agency), 2025 edition.
// Where ISO lists two legal tenders the one in customs use is taken (El
// Salvador USD, not SVC). Countries absent here (AQ Antarctica, PS: ISO
// lists "no universal currency") have none.
//
// Dated changes to re-check:
//   - BG: EUR from 2026-01-01 (Bulgaria joined the euro area; BGN before).
//   - HR: EUR from 2023-01-01.
//   - CW, SX: ISO 4217 replaced ANG by XCG (Caribbean guilder) on
//     2025-03-31; XCG is not yet in this package's currency list, so ANG is
//     kept until it is. Confidence: unconfirmed for 2026 dates.
const localCurrency = "AD:EUR AE:AED AF:AFN AG:XCD AI:XCD AL:ALL AM:AMD AO:AOA AR:ARS AS:USD AT:EUR " +
	"AU:AUD AW:AWG AX:EUR AZ:AZN " +
	"BA:BAM BB:BBD BD:BDT BE:EUR BF:XOF BG:EUR BH:BHD BI:BIF BJ:XOF BL:EUR BM:BMD BN:BND BO:BOB " +
	"BQ:USD BR:BRL BS:BSD BT:BTN BV:NOK BW:BWP BY:BYN BZ:BZD " +
	"CA:CAD CC:AUD CD:CDF CF:XAF CG:XAF CH:CHF CI:XOF CK:NZD CL:CLP CM:XAF CN:CNY CO:COP CR:CRC " +
	"CU:CUP CV:CVE CW:ANG CX:AUD CY:EUR CZ:CZK " +
	"DE:EUR DJ:DJF DK:DKK DM:XCD DO:DOP DZ:DZD EC:USD EE:EUR EG:EGP EH:MAD ER:ERN ES:EUR ET:ETB " +
	"FI:EUR FJ:FJD FK:FKP FM:USD FO:DKK FR:EUR " +
	"GA:XAF GB:GBP GD:XCD GE:GEL GF:EUR GG:GBP GH:GHS GI:GIP GL:DKK GM:GMD GN:GNF GP:EUR GQ:XAF " +
	"GR:EUR GS:GBP GT:GTQ GU:USD GW:XOF GY:GYD " +
	"HK:HKD HM:AUD HN:HNL HR:EUR HT:HTG HU:HUF " +
	"ID:IDR IE:EUR IL:ILS IM:GBP IN:INR IO:USD IQ:IQD IR:IRR IS:ISK IT:EUR " +
	"JE:GBP JM:JMD JO:JOD JP:JPY " +
	"KE:KES KG:KGS KH:KHR KI:AUD KM:KMF KN:XCD KP:KPW KR:KRW KW:KWD KY:KYD KZ:KZT " +
	"LA:LAK LB:LBP LC:XCD LI:CHF LK:LKR LR:LRD LS:LSL LT:EUR LU:EUR LV:EUR LY:LYD " +
	"MA:MAD MC:EUR MD:MDL ME:EUR MF:EUR MG:MGA MH:USD MK:MKD ML:XOF MM:MMK MN:MNT MO:MOP MP:USD " +
	"MQ:EUR MR:MRU MS:XCD MT:EUR MU:MUR MV:MVR MW:MWK MX:MXN MY:MYR MZ:MZN " +
	"NA:NAD NC:XPF NE:XOF NF:AUD NG:NGN NI:NIO NL:EUR NO:NOK NP:NPR NR:AUD NU:NZD NZ:NZD " +
	"OM:OMR " +
	"PA:PAB PE:PEN PF:XPF PG:PGK PH:PHP PK:PKR PL:PLN PM:EUR PN:NZD PR:USD PT:EUR PW:USD PY:PYG " +
	"QA:QAR " +
	"RE:EUR RO:RON RS:RSD RU:RUB RW:RWF " +
	"SA:SAR SB:SBD SC:SCR SD:SDG SE:SEK SG:SGD SH:SHP SI:EUR SJ:NOK SK:EUR SL:SLE SM:EUR SN:XOF " +
	"SO:SOS SR:SRD SS:SSP ST:STN SV:USD SX:ANG SY:SYP SZ:SZL " +
	"TC:USD TD:XAF TF:EUR TG:XOF TH:THB TJ:TJS TK:NZD TL:USD TM:TMT TN:TND TO:TOP TR:TRY TT:TTD " +
	"TV:AUD TW:TWD TZ:TZS " +
	"UA:UAH UG:UGX UM:USD US:USD UY:UYU UZ:UZS " +
	"VA:EUR VC:XCD VE:VES VG:USD VI:USD VN:VND VU:VUV WF:XPF WS:WST YE:YER YT:EUR " +
	"ZA:ZAR ZM:ZMW ZW:ZWG"

var countryCurrency = func() map[Country]Currency {
	m := make(map[Country]Currency, 250)
	for _, f := range strings.Fields(localCurrency) {
		country, currency, _ := strings.Cut(f, ":")
		m[Country(country)] = Currency(currency)
	}
	return m
}()

// Currency returns the local currency of the country, the one its customs
// administration declares values in ("BRL" for "BR", "EUR" for "DE"), or ""
// for an invalid code or a territory without one.
func (c Country) Currency() Currency { return countryCurrency[c] }

// subdivisionForm is the shape of an ISO 3166-2 code: the country, a hyphen
// and one to three upper-case letters or digits.
var subdivisionForm = regexp.MustCompile(`^[A-Z]{2}-[A-Z0-9]{1,3}$`)

// IsValid reports whether s has the form of an ISO 3166-2 code: a country,
// a hyphen and one to three upper-case letters or digits ("BR-SP"). Which
// codes a market knows, and whether its taxes need one, its policy says.
func (s Subdivision) IsValid() bool {
	return subdivisionForm.MatchString(string(s)) && s.Country().IsValid()
}
