package documents

import (
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iorules/iorules"
)

// Reason codes and rules of Review.
const (
	codeConformityLate   = "conformity_declaration_after_shipment"
	codeDateMissing      = "document_date_missing"
	codeModelMismatch    = "document_model_mismatch"
	codeVague            = "description_too_vague"
	codeAccessoryReview  = "accessory_review"
	codeDataUnavailable  = "documents_data_unavailable"
	ruleConformityDate   = "documents.conformity_date"
	ruleModels           = "documents.models"
	ruleDescription      = "documents.description"
	ruleAccessories      = "documents.accessories"
	ruleDocumentsDataset = "documents.data"
)

// Review returns the findings about the documents in hand and the line
// descriptions of s, in a fixed order: declarations of conformity (each one
// dated after s.Date is a condition, one without a date an info), documents
// whose named models do not match the lines they cover (condition), each
// line whose description is too vague to classify (condition), and the
// accessory lines (PDUs, UPSs, cables, transceivers, racks) of a shipment
// that carries servers or storage (one info reason).
//
// A description is too vague when it is only the line's SKU or model, has
// fewer than two words, is made only of generic words such as "parts",
// "equipment" or "goods" (with filler words, numbers, the SKU or the model),
// or has fewer than three words one of which is generic ("server parts").
//
// Review expects a shipment that passed Validate. It never fails: should
// its embedded data be unusable, it returns one condition reason saying
// that the review was not done.
func Review(s iorules.Shipment) []iorules.Reason {
	r, err := loaded()
	if err != nil {
		return []iorules.Reason{{
			Code: codeDataUnavailable, Severity: iorules.SeverityCondition, Rule: ruleDocumentsDataset,
			Message: "The document review data could not be loaded, so documents and descriptions were not reviewed: " + err.Error(),
			Unblock: "Review the documents and line descriptions by hand.",
		}}
	}
	var out []iorules.Reason
	out = append(out, r.conformity(s)...)
	out = append(out, r.documentModels(s)...)
	// Lines often repeat a description: judge each distinct one once.
	type described struct{ description, sku, model string }
	judged := make(map[described]string, len(s.Items))
	for _, it := range s.Items {
		key := described{it.Description, it.SKU, it.Model}
		why, seen := judged[key]
		if !seen {
			why = r.vague(it)
			judged[key] = why
		}
		if why != "" {
			out = append(out, iorules.Reason{
				Code: codeVague, Severity: iorules.SeverityCondition, Lines: []int{it.Line},
				Rule: ruleDescription, Source: r.descriptionSource,
				Message: fmt.Sprintf("Line %d: the description %q %s. Customs and the importer of record classify the goods "+
					"from the description, so it must say what they are and what they do.", it.Line, shorten(it.Description, 80), why),
				Unblock: "Describe the goods in words customs can classify from: what the product is, its function and main " +
					"specifications (for example \"1U rack server, 2 CPUs, 512 GB RAM\"), not a part number or a generic term.",
			})
		}
	}
	if reason, ok := r.accessoryReview(s); ok {
		out = append(out, reason)
	}
	return out
}

// conformity checks the dates of the declarations of conformity.
func (r *rules) conformity(s iorules.Shipment) []iorules.Reason {
	var out []iorules.Reason
	for _, doc := range s.Documents {
		if doc.Type != iorules.DocumentDeclarationOfConformity {
			continue
		}
		name := documentName(doc)
		switch {
		case doc.Date.IsZero():
			out = append(out, iorules.Reason{
				Code: codeDateMissing, Severity: iorules.SeverityInfo, Lines: slices.Clone(doc.Lines),
				Rule: ruleConformityDate, Source: r.conformitySource,
				Message: fmt.Sprintf("The %s states no date, so it cannot be shown to predate the shipment.", name),
			})
		case doc.Date.After(s.Date):
			out = append(out, iorules.Reason{
				Code: codeConformityLate, Severity: iorules.SeverityCondition, Lines: slices.Clone(doc.Lines),
				Rule: ruleConformityDate, Source: r.conformitySource,
				Message: fmt.Sprintf("The %s is dated %s, after the shipment date %s: a declaration issued after the goods "+
					"left may not evidence their conformity at import.", name, doc.Date, s.Date),
				Unblock: fmt.Sprintf("Provide the declaration of conformity in force before shipment (dated on or before %s), "+
					"or correct the date if it was mistyped.", s.Date),
			})
		}
	}
	return out
}

// documentModels checks documents that name both models and the lines they
// cover: every covered line whose model is stated must be among the models.
func (r *rules) documentModels(s iorules.Shipment) []iorules.Reason {
	models := make(map[int]string, len(s.Items))
	for _, it := range s.Items {
		models[it.Line] = strings.TrimSpace(it.Model)
	}
	var out []iorules.Reason
	for _, doc := range s.Documents {
		if len(doc.Models) == 0 || len(doc.Lines) == 0 {
			continue
		}
		var lines []int
		var shipped []string
		for _, line := range doc.Lines {
			m := models[line]
			if m == "" || slices.ContainsFunc(doc.Models, func(dm string) bool { return strings.EqualFold(strings.TrimSpace(dm), m) }) {
				continue
			}
			lines = append(lines, line)
			if !slices.Contains(shipped, m) {
				shipped = append(shipped, m)
			}
		}
		if len(lines) == 0 {
			continue
		}
		slices.Sort(lines)
		name := documentName(doc)
		out = append(out, iorules.Reason{
			Code: codeModelMismatch, Severity: iorules.SeverityCondition, Lines: lines,
			Rule: ruleModels, Source: r.conformitySource,
			Message: fmt.Sprintf("The %s names %s, but %s it covers %s%s: a document evidences only the models it names.",
				name, plural(len(doc.Models), "model ", "models ")+strings.Join(doc.Models, ", "),
				linesText(lines), plural(len(shipped), "is model ", "are models "), strings.Join(shipped, ", ")),
			Unblock: fmt.Sprintf("Provide a %s that names the models shipped, or correct the lines' models or the lines the document lists.",
				typeName(doc.Type)),
		})
	}
	return out
}

// vague returns why the item's description is too vague to classify, or "".
func (r *rules) vague(it iorules.Item) string {
	sku, model := normalize(it.SKU), normalize(it.Model)
	switch {
	case sku != "" && normalizedEquals(it.Description, sku):
		return "is only the SKU"
	case model != "" && normalizedEquals(it.Description, model):
		return "is only the model designation"
	}
	count, substantive, generic := 0, 0, false
	for w := range words(strings.ToLower(it.Description)) {
		count++
		switch {
		case r.vagueTerms[w]:
			generic = true
		case r.fillerWords[w], isNumber(w), sku != "" && normalizedEquals(w, sku), model != "" && normalizedEquals(w, model):
		default:
			substantive++
		}
	}
	if count < r.minWords {
		return "is a single word"
	}
	switch {
	case substantive == 0:
		return "names no product, only generic words"
	case generic && count < 3:
		return "is a generic term with too little detail"
	}
	return ""
}

// accessoryReview flags the accessory lines of a shipment that carries
// servers or storage.
func (r *rules) accessoryReview(s iorules.Shipment) (iorules.Reason, bool) {
	if !slices.ContainsFunc(s.Items, func(it iorules.Item) bool { return r.hosts[it.Category] }) {
		return iorules.Reason{}, false
	}
	var lines []int
	var kinds []string
	for _, c := range r.accessories {
		for _, it := range s.Items {
			if it.Category != c {
				continue
			}
			lines = append(lines, it.Line)
			if name := categoryName(c); !slices.Contains(kinds, name) {
				kinds = append(kinds, name)
			}
		}
	}
	if len(lines) == 0 {
		return iorules.Reason{}, false
	}
	slices.Sort(lines)
	return iorules.Reason{
		Code: codeAccessoryReview, Severity: iorules.SeverityInfo, Lines: lines,
		Rule: ruleAccessories, Source: r.accessorySource,
		Message: fmt.Sprintf("The %s on %s travel with servers and need their own review: they have their own HS codes, "+
			"approvals and power or safety requirements, which the servers' certificates and classification do not cover.",
			strings.Join(kinds, ", "), linesText(lines)),
	}, true
}

// normalize keeps the letters and digits of s, in lower case, so that
// "NW-R1U-G5" and "nw r1u g5" compare equal.
func normalize(s string) string {
	if isNormal(s) {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			b.WriteRune(unicode.ToLower(c))
		}
	}
	return b.String()
}

// words yields the words of a lower-cased description: runs of letters,
// digits and the joiners - . + with leading and trailing - and . trimmed,
// skipping what is left empty.
func words(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := 0; i < len(s); {
			start := wordEdge(s, i, true)
			end := wordEdge(s, start, false)
			i = end
			if w := strings.Trim(s[start:end], "-."); w != "" && !yield(w) {
				return
			}
		}
	}
}

// wordEdge returns the index of the first rune of s from i that is in a
// word (inside true) or that is not (inside false); len(s) when none is.
// ASCII runes are told without decoding.
func wordEdge(s string, i int, inside bool) int {
	for i < len(s) {
		c, size := rune(s[i]), 1
		if c >= utf8.RuneSelf {
			c, size = utf8.DecodeRuneInString(s[i:])
		}
		if inWord(c) == inside {
			return i
		}
		i += size
	}
	return len(s)
}

func inWord(c rune) bool {
	if c < utf8.RuneSelf {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '+'
	}
	return unicode.IsLetter(c) || unicode.IsDigit(c)
}

// isNormal reports whether normalize(s) is s.
func isNormal(s string) bool {
	for _, c := range s {
		if !(unicode.IsLetter(c) || unicode.IsDigit(c)) || unicode.ToLower(c) != c {
			return false
		}
	}
	return true
}

// normalizedEquals reports whether normalize(s) == norm, without building
// normalize(s).
func normalizedEquals(s, norm string) bool {
	j := 0
	for _, c := range s {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			continue
		}
		r, size := utf8.DecodeRuneInString(norm[j:])
		if size == 0 || r != unicode.ToLower(c) {
			return false
		}
		j += size
	}
	return j == len(norm)
}

// isNumber reports whether w is made of digits (and separators) only.
func isNumber(w string) bool {
	return strings.TrimFunc(w, func(c rune) bool { return unicode.IsDigit(c) || c == '.' || c == '-' || c == '+' }) == ""
}

func documentName(doc iorules.Document) string {
	if doc.Reference == "" {
		return typeName(doc.Type) + " (no reference)"
	}
	return typeName(doc.Type) + " " + doc.Reference
}

func typeName(t iorules.DocumentType) string { return strings.ReplaceAll(string(t), "_", " ") }

func categoryName(c iorules.Category) string {
	switch c {
	case iorules.CategoryPDU:
		return "PDUs"
	case iorules.CategoryUPS:
		return "UPSs"
	case iorules.CategoryCableCopper:
		return "copper cables"
	case iorules.CategoryCableFiber:
		return "fibre cables"
	}
	return strings.ReplaceAll(string(c), "_", " ") + "s"
}

func linesText(lines []int) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = strconv.Itoa(l)
	}
	return plural(len(lines), "line ", "lines ") + strings.Join(parts, ", ")
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
