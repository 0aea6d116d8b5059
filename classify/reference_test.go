package classify

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// referencePath is the whole HS 2022 nomenclature (section, hscode,
// description, parent, level), kept outside the module and never copied in:
// ../shared/reference/hs2022.csv beside the clone, or the file that
// IORULES_HS2022_CSV names.
func referencePath() string {
	if p := os.Getenv("IORULES_HS2022_CSV"); p != "" {
		return p
	}
	return filepath.Join("..", "..", "shared", "reference", "hs2022.csv")
}

// requireReference is the environment variable that turns a missing
// reference file from a skip into a failure; .ci/run sets it.
const requireReference = "IORULES_REQUIRE_REFERENCE"

type refRow struct {
	code, description, parent, level string
}

// readReference loads the reference nomenclature. When the file is not
// there it skips the test, saying so loudly, or fails it when
// IORULES_REQUIRE_REFERENCE=1.
func readReference(t *testing.T) map[string]refRow {
	t.Helper()
	path := referencePath()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		missingReference(t, path)
	}
	require.NoError(t, err)
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, records)
	require.Equal(t, []string{"section", "hscode", "description", "parent", "level"}, records[0])
	rows := make(map[string]refRow, len(records))
	for _, r := range records[1:] {
		rows[r[1]] = refRow{code: r[1], description: r[2], parent: r[3], level: r[4]}
	}
	return rows
}

func TestNomenclatureAgainstReference(t *testing.T) {
	ref := readReference(t)
	tb, err := data()
	require.NoError(t, err)

	// Each heading and subheading of the table, with what the reference
	// must say of it.
	type entry struct {
		kind, code, level, parent, description string
	}
	var entries []entry
	for _, h := range tb.headings {
		entries = append(entries, entry{"heading", h.Heading, "4", h.Chapter, h.Description})
	}
	for _, s := range tb.subs {
		entries = append(entries, entry{"subheading", s.HS6, "6", s.Heading, s.Description})
	}
	for _, e := range entries {
		t.Run(e.kind+" "+e.code, func(t *testing.T) {
			r, ok := ref[e.code]
			require.True(t, ok, "%s %s is not in HS 2022", e.kind, e.code)
			require.Equal(t, e.level, r.level)
			require.Equal(t, e.parent, r.parent, "%s %s sits under %s, not %s", e.kind, e.code, r.parent, e.parent)
			require.NotEqual(t, normalisedText(r.description), normalisedText(e.description), "description must be our own words")
		})
	}
}

// TestCodeListMatchesReference checks that the embedded code list holds
// exactly the six-digit subheadings of its chapters, no more, no fewer.
func TestCodeListMatchesReference(t *testing.T) {
	ref := readReference(t)
	tb, err := data()
	require.NoError(t, err)

	var want []string
	for code, r := range ref {
		if r.level == "6" && tb.listed[code[:2]] {
			want = append(want, code)
		}
	}
	slices.Sort(want)
	var got []string
	for code := range tb.exists {
		got = append(got, code)
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("embedded code list differs from the reference (-reference +embedded):\n%s", diff)
	}
}

// missingReference skips (or, when IORULES_REQUIRE_REFERENCE=1, fails) a
// test whose reference file is absent, naming the file and how to run it.
func missingReference(t testing.TB, path string) {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	msg := fmt.Sprintf("REFERENCE FILE MISSING: %s is not there, so %s did not check the HS data against the HS 2022 nomenclature. "+
		"Run it with the shared reference beside the clone (../shared/reference/hs2022.csv) or with IORULES_HS2022_CSV=/path/to/hs2022.csv; "+
		"CI sets %s=1 so that this fails instead.", abs, t.Name(), requireReference)
	if os.Getenv(requireReference) == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func normalisedText(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
