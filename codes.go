package iorules

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Incoterm is an Incoterms 2020 rule, such as FOB or DAP.
type Incoterm string

// The Incoterms 2020 rules.
const (
	EXW Incoterm = "EXW" // Ex Works
	FCA Incoterm = "FCA" // Free Carrier
	CPT Incoterm = "CPT" // Carriage Paid To
	CIP Incoterm = "CIP" // Carriage and Insurance Paid To
	DAP Incoterm = "DAP" // Delivered at Place
	DPU Incoterm = "DPU" // Delivered at Place Unloaded
	DDP Incoterm = "DDP" // Delivered Duty Paid
	FAS Incoterm = "FAS" // Free Alongside Ship
	FOB Incoterm = "FOB" // Free on Board
	CFR Incoterm = "CFR" // Cost and Freight
	CIF Incoterm = "CIF" // Cost, Insurance and Freight
)

// incoterms is every valid Incoterm in the order of the Incoterms 2020 rules.
var incoterms = []Incoterm{EXW, FCA, CPT, CIP, DAP, DPU, DDP, FAS, FOB, CFR, CIF}

// Incoterms returns every valid Incoterm in the order of the Incoterms 2020
// rules, in a new slice the caller may change.
func Incoterms() []Incoterm { return slices.Clone(incoterms) }

// IsValid reports whether t is an Incoterms 2020 rule.
func (t Incoterm) IsValid() bool { return slices.Contains(incoterms, t) }

// TransportMode is how the goods cross into the destination.
type TransportMode string

// The transport modes.
const (
	TransportSea  TransportMode = "sea"
	TransportAir  TransportMode = "air"
	TransportRoad TransportMode = "road"
	TransportRail TransportMode = "rail"
)

// transportModes is every valid TransportMode.
var transportModes = []TransportMode{TransportSea, TransportAir, TransportRoad, TransportRail}

// TransportModes returns every valid TransportMode, in a new slice the
// caller may change.
func TransportModes() []TransportMode { return slices.Clone(transportModes) }

// IsValid reports whether m is a known transport mode.
func (m TransportMode) IsValid() bool { return slices.Contains(transportModes, m) }

// Category is the kind of product a line carries. It drives which approvals
// apply and which HS subheadings the line can lawfully fall in.
type Category string

// The product categories. Each is documented with the goods it names; the
// HS subheadings each can fall in are in the classify package's fit table.
const (
	// CategoryServer is a rack, blade or tower server.
	CategoryServer Category = "server"
	// CategoryStorage is storage equipment: a disk array, storage server,
	// tape unit or drive. CategoryStorageDrive names a drive shipped on its
	// own more precisely.
	CategoryStorage Category = "storage"
	// CategorySwitch is a network switch.
	CategorySwitch Category = "switch"
	// CategoryRouter is a network router.
	CategoryRouter Category = "router"
	// CategoryWirelessAccessPoint is a wireless LAN access point; it is
	// radio equipment.
	CategoryWirelessAccessPoint Category = "wireless_access_point"
	// CategoryFirewall is a firewall or other network security appliance.
	CategoryFirewall Category = "firewall"
	// CategoryGPUAccelerator is a GPU or other accelerator card or module.
	CategoryGPUAccelerator Category = "gpu_accelerator"
	// CategoryGPUServer is a server built around GPUs or other accelerators.
	CategoryGPUServer Category = "gpu_server"
	// CategoryTransceiver is a pluggable optical or copper transceiver.
	CategoryTransceiver Category = "transceiver"
	// CategoryUPS is an uninterruptible power supply.
	CategoryUPS Category = "ups"
	// CategoryPDU is a power distribution unit or power strip.
	CategoryPDU Category = "pdu"
	// CategoryCooling is cooling equipment: precision air conditioners,
	// chillers, heat exchangers, fans.
	CategoryCooling Category = "cooling"
	// CategoryCableCopper is a copper data or power cable.
	CategoryCableCopper Category = "cable_copper"
	// CategoryCableFiber is an optical fibre cable.
	CategoryCableFiber Category = "cable_fiber"
	// CategoryRack is a server rack or cabinet, an open frame, or rack
	// parts such as rails and panels.
	CategoryRack Category = "rack"
	// CategoryLaptop is a portable computer.
	CategoryLaptop Category = "laptop"
	// CategoryMobilePhone is a mobile phone; it is radio equipment.
	CategoryMobilePhone Category = "mobile_phone"
	// CategoryBattery is a battery cabinet, module or pack shipped on its
	// own line, such as the lithium-ion cabinet of a UPS.
	CategoryBattery Category = "battery"
	// CategoryStorageDrive is a single drive shipped on its own: a
	// solid-state drive or a hard disk drive.
	CategoryStorageDrive Category = "storage_drive"
	// CategoryComputerPart is a part of a computer shipped on its own other
	// than an accelerator or a drive: a controller or other expansion card,
	// a memory module, a mainboard, a power supply or fan module.
	CategoryComputerPart Category = "computer_part"
	// CategoryNetworkPart is a part of network equipment shipped on its
	// own: a line card, a supervisor or fabric module, a fan tray, a power
	// supply module, an empty chassis.
	CategoryNetworkPart Category = "network_part"
	// CategoryAntenna is an antenna or antenna reflector for network or
	// radio equipment, shipped on its own.
	CategoryAntenna Category = "antenna"
	// CategoryMonitor is a computer monitor.
	CategoryMonitor Category = "monitor"
	// CategoryKeyboardKVM is a keyboard or mouse, a KVM switch or a
	// rack-mount KVM console.
	CategoryKeyboardKVM Category = "keyboard_kvm"
	// CategoryOther is goods of none of the other categories. It gives no
	// basis to check the HS code, so a line of this category is checked by
	// hand.
	CategoryOther Category = "other"
)

// categories is every valid Category.
var categories = []Category{
	CategoryServer, CategoryStorage, CategorySwitch, CategoryRouter,
	CategoryWirelessAccessPoint, CategoryFirewall, CategoryGPUAccelerator,
	CategoryGPUServer, CategoryTransceiver, CategoryUPS, CategoryPDU,
	CategoryCooling, CategoryCableCopper, CategoryCableFiber, CategoryRack,
	CategoryLaptop, CategoryMobilePhone, CategoryBattery, CategoryStorageDrive,
	CategoryComputerPart, CategoryNetworkPart, CategoryAntenna, CategoryMonitor,
	CategoryKeyboardKVM, CategoryOther,
}

// Categories returns every valid Category, in a new slice the caller may
// change.
func Categories() []Category { return slices.Clone(categories) }

// IsValid reports whether c is a known category.
func (c Category) IsValid() bool { return slices.Contains(categories, c) }

// Condition is whether goods are new, refurbished or used.
type Condition string

// The conditions.
const (
	ConditionNew         Condition = "new"
	ConditionRefurbished Condition = "refurbished"
	ConditionUsed        Condition = "used"
)

// conditions is every valid Condition.
var conditions = []Condition{ConditionNew, ConditionRefurbished, ConditionUsed}

// Conditions returns every valid Condition, in a new slice the caller may
// change.
func Conditions() []Condition { return slices.Clone(conditions) }

// IsValid reports whether c is a known condition.
func (c Condition) IsValid() bool { return slices.Contains(conditions, c) }

// Radio is a radio technology an item contains.
type Radio string

// The radio technologies.
const (
	RadioWiFi      Radio = "wifi"
	RadioBluetooth Radio = "bluetooth"
	RadioCellular  Radio = "cellular"
	RadioLoRa      Radio = "lora"
	RadioZigbee    Radio = "zigbee"
	RadioNFC       Radio = "nfc"
	RadioOther     Radio = "other"
)

// radios is every valid Radio.
var radios = []Radio{RadioWiFi, RadioBluetooth, RadioCellular, RadioLoRa, RadioZigbee, RadioNFC, RadioOther}

// Radios returns every valid Radio, in a new slice the caller may change.
func Radios() []Radio { return slices.Clone(radios) }

// IsValid reports whether r is a known radio technology.
func (r Radio) IsValid() bool { return slices.Contains(radios, r) }

// HSCode is a Harmonized System code held as its digits only: an HS-6
// subheading ("847150") or a national tariff line of up to 12 digits
// ("84715010"). The zero HSCode is not valid.
type HSCode string

// ParseHSCode accepts "8471.50.10", "84715010" or "8471 50 10" and keeps the
// digits. A code has 6 to 12 digits; dots and spaces may separate groups.
func ParseHSCode(s string) (HSCode, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9':
			b.WriteByte(ch)
		case ch == '.' || ch == ' ':
			if i == 0 || i == len(s)-1 || s[i-1] == '.' || s[i-1] == ' ' {
				return "", fmt.Errorf("malformed HS code %q: misplaced separator", s)
			}
		default:
			return "", fmt.Errorf("malformed HS code %q: only digits, dots and spaces are allowed", s)
		}
	}
	digits := b.String()
	if len(digits) < 6 || len(digits) > 12 {
		return "", fmt.Errorf("malformed HS code %q: want 6 to 12 digits, got %d", s, len(digits))
	}
	return HSCode(digits), nil
}

// MustParseHSCode is ParseHSCode for constants in tests and examples; it
// panics on a malformed code.
func MustParseHSCode(s string) HSCode {
	c, err := ParseHSCode(s)
	if err != nil {
		panic(err)
	}
	return c
}

// IsValid reports whether c holds 6 to 12 digits.
func (c HSCode) IsValid() bool {
	if len(c) < 6 || len(c) > 12 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] < '0' || c[i] > '9' {
			return false
		}
	}
	return true
}

// Digits returns the code's digits, such as "84715010".
func (c HSCode) Digits() string { return string(c) }

// HS6 returns the six-digit subheading ("847150"), or "" for an invalid code.
func (c HSCode) HS6() string {
	if len(c) < 6 {
		return ""
	}
	return string(c[:6])
}

// HS4 returns the four-digit heading ("8471"), or "" for an invalid code.
func (c HSCode) HS4() string {
	if len(c) < 6 {
		return ""
	}
	return string(c[:4])
}

// String formats the code with dots after the heading and then every two
// digits: "8471.50.10". An odd trailing digit stays on its own ("8471.50.10.1").
func (c HSCode) String() string {
	if len(c) <= 4 {
		return string(c)
	}
	var buf [24]byte // a national line of up to 16 digits, with its dots
	b, _ := c.AppendText(buf[:0])
	return string(b)
}

// AppendText appends the code as String formats it to b
// (encoding.TextAppender).
func (c HSCode) AppendText(b []byte) ([]byte, error) {
	s := string(c)
	if len(s) <= 4 {
		return append(b, s...), nil
	}
	b = append(b, s[:4]...)
	for i := 4; i < len(s); i += 2 {
		b = append(b, '.')
		b = append(b, s[i:min(i+2, len(s))]...)
	}
	return b, nil
}

// MarshalText formats the code as String does.
func (c HSCode) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText parses the code as ParseHSCode does.
func (c *HSCode) UnmarshalText(b []byte) error {
	parsed, err := ParseHSCode(string(b))
	if err != nil {
		return err
	}
	*c = parsed
	return nil
}

// Date is a calendar date without a time of day or zone, written
// "2006-01-02" in JSON. The zero Date is a date not given: IsZero reports it,
// String and MarshalText write it as "". Every date built by NewDate or
// ParseDate is given, year 1 included: "0001-01-01" is a real date, long past,
// not the absence of one.
type Date struct {
	t     time.Time // midnight UTC
	given bool
}

// NewDate returns the date y-m-d. It normalises out-of-range values as
// time.Date does; use ParseDate to reject them.
func NewDate(y int, m time.Month, d int) Date {
	return Date{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), given: true}
}

// ParseDate parses "2006-01-02" and rejects dates that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	return Date{t: t, given: true}, nil
}

// MustParseDate is ParseDate for constants in tests; it panics on error.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is the zero Date, a date not given. A given
// date is never zero, not even 0001-01-01.
func (d Date) IsZero() bool { return !d.given }

// String formats the date as "2006-01-02", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// Equal reports whether d and e are the same day, or both not given.
func (d Date) Equal(e Date) bool { return d.given == e.given && d.t.Equal(e.t) }

// AddDays returns the date n days after d (before it when n < 0). The zero
// Date stays zero.
func (d Date) AddDays(n int) Date {
	if d.IsZero() {
		return Date{}
	}
	return Date{t: d.t.AddDate(0, 0, n), given: true}
}

// DaysUntil returns the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.t.Sub(d.t).Hours() / 24) }

// Time returns the date as midnight UTC; the zero Date gives the zero
// time.Time, as does 0001-01-01 (tell them apart with IsZero).
func (d Date) Time() time.Time { return d.t }

// MarshalText formats the date as String does.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses the date as ParseDate does.
func (d *Date) UnmarshalText(b []byte) error {
	parsed, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}
