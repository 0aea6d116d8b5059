package exportctl

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/strictjson"
)

// Limits of a screening list, far above a real one.
const (
	maxListedParties = 200_000
	maxAliases       = 500
	maxDispositions  = 100_000
	maxListName      = 500 // a name, alias or list name
	maxListText      = 2000
)

// DecodeList decodes a restricted-party list in JSON: the caller's
// restricted-party list (for example rows of the Consolidated Screening
// List), the match threshold and the matches already reviewed:
//
//	{"parties": [{"name": "...", "aliases": ["..."], "country": "CN",
//	              "list": "EL", "source": "..."}],
//	 "threshold": 85,
//	 "dispositions": [{"party_name": "...", "listed_name": "...",
//	                   "decision": "cleared", "reference": "..."}]}
//
// It is as strict as iorules.DecodeShipment: unknown and duplicate fields,
// data after the object, strings that are not valid Unicode, a threshold
// that is not a JSON integer from 0 to 100, and names that hold control or
// bidirectional formatting characters are errors. Every problem is
// returned, as a joined error of *iorules.FieldError named by JSON path
// ("parties[2].name").
func DecodeList(data []byte) (Options, error) {
	var d strictjson.Decoder
	raw, ok := d.Document(data, '{', "a JSON object holding a screening list")
	if !ok {
		return Options{}, listErrors(d.Done())
	}
	var opts Options
	d.Object("", raw, []string{"parties"}, func(key, at string, v json.RawMessage) bool {
		switch key {
		case "parties":
			d.Array(at, v, maxListedParties, "parties", func(_ int, at string, v json.RawMessage) {
				opts.Parties = append(opts.Parties, listedParty(&d, at, v))
			})
			if v[0] == '[' && len(opts.Parties) == 0 {
				d.Add(at, "required: at least one listed party (an empty list screens nothing)")
			}
		case "threshold":
			d.Int(at, v, 0, 100, &opts.Threshold)
		case "dispositions":
			d.Array(at, v, maxDispositions, "dispositions", func(_ int, at string, v json.RawMessage) {
				opts.Dispositions = append(opts.Dispositions, disposition(&d, at, v))
			})
		default:
			return false
		}
		return true
	})
	if err := listErrors(d.Done()); err != nil {
		return Options{}, err
	}
	return opts, nil
}

func listedParty(d *strictjson.Decoder, at string, raw json.RawMessage) ListedParty {
	var p ListedParty
	if strictjson.IsNull(raw) {
		d.Add(at, "must be a JSON object, not null")
		return p
	}
	d.Object(at, raw, []string{"name"}, func(key, at string, v json.RawMessage) bool {
		switch key {
		case "name":
			nonBlankName(d, at, v, &p.Name)
		case "aliases":
			d.Array(at, v, maxAliases, "aliases", func(_ int, at string, v json.RawMessage) {
				var alias string
				if nonBlankName(d, at, v, &alias) {
					p.Aliases = append(p.Aliases, alias)
				}
			})
		case "country":
			var c string
			if d.String(at, v, &c) {
				if p.Country = iorules.Country(c); !p.Country.IsValid() {
					d.Addf(at, "unknown country code %q (want ISO 3166-1 alpha-2 in upper case, such as \"CN\")", strictjson.Truncate(c, 40))
				}
			}
		case "list":
			d.Name(at, v, maxListName, &p.List)
		case "source":
			d.Text(at, v, maxListText, &p.Source)
		default:
			return false
		}
		return true
	})
	return p
}

func disposition(d *strictjson.Decoder, at string, raw json.RawMessage) Disposition {
	var x Disposition
	if strictjson.IsNull(raw) {
		d.Add(at, "must be a JSON object, not null")
		return x
	}
	d.Object(at, raw, []string{"party_name", "listed_name", "decision"}, func(key, at string, v json.RawMessage) bool {
		switch key {
		case "party_name":
			nonBlankName(d, at, v, &x.PartyName)
		case "listed_name":
			nonBlankName(d, at, v, &x.ListedName)
		case "decision":
			d.Name(at, v, maxListName, &x.Decision)
		case "reference":
			d.Name(at, v, maxListName, &x.Reference)
		default:
			return false
		}
		return true
	})
	return x
}

// nonBlankName decodes a name that must not be blank.
func nonBlankName(d *strictjson.Decoder, at string, raw json.RawMessage, dst *string) bool {
	var s string
	if !d.Name(at, raw, maxListName, &s) {
		return false
	}
	if strings.TrimSpace(s) == "" {
		d.Add(at, "required")
		return false
	}
	*dst = s
	return true
}

// listErrors turns the problems of a strictjson.Decoder into a joined
// error of *iorules.FieldError, or nil.
func listErrors(ps []strictjson.Problem) error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = &iorules.FieldError{Path: p.Path, Msg: p.Msg}
	}
	return errors.Join(errs...)
}
