package iorules_test

import (
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// citesOutside matches citations of documents that do not ship with the
// repository (the authors' own notes and reviews, absolute paths of a
// workstation) and file-sharing sites: a customs broker must be able to
// follow every source, so none may appear in a file of the repository.
var citesOutside = regexp.MustCompile(`(?i)` + strings.Join([]string{
	`shared/` + `research`, `/` + `work/`, `research ` + `(markets|peers|engines|exportctl|brazil)`,
	`research ` + `(section|§|notes|trap|table|brief)`, `\(` + `research\b`, `review-` + `2026-12`,
	`123` + `dok`, `pdf` + `slide`, `scri` + `bd\.com`, `doc` + `player`, `stu` + `docu`,
	`drive\.` + `google`, `drop` + `box\.com`, `yum` + `pu\.com`, `docs` + `bay\.net`, `vdoku` + `men`,
	`vdocu` + `ments`, `pdf` + `drive`, `doku` + `men\.pub`, `pdf` + `coffee`, `fdocu` + `ments`, `iss` + `uu\.com`,
}, "|"))

// TestNoFileCitesADocumentOutsideTheRepository walks every text file of
// the module (Go, YAML, JSON, Markdown, the CI script) for such citations.
func TestNoFileCitesADocumentOutsideTheRepository(t *testing.T) {
	root := os.DirFS(".")
	checked := 0
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != "." && d.Name() != ".ci" {
				return fs.SkipDir
			}
			if d.Name() == "testdata" && strings.Contains(p, "fuzz") {
				return fs.SkipDir
			}
			return nil
		}
		switch path.Ext(p) {
		case ".go", ".yaml", ".yml", ".json", ".md", ".golden", ".html", ".js", ".css", "":
		default:
			return nil
		}
		if path.Ext(p) == "" && path.Base(p) != "run" {
			return nil
		}
		src, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(src), "\n") {
			if m := citesOutside.FindString(line); m != "" {
				t.Errorf("%s:%d cites %q, a document outside the repository", p, i+1, m)
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, checked, 100, "the walk must reach the policies, data and code")
}
