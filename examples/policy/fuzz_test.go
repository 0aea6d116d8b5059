package main

import (
	"os"
	"testing"
	"testing/fstest"
)

// FuzzReadPolicyFile feeds arbitrary YAML to the tool's own reading of a
// policy file, and what it reads to lint and the row list: none of them
// may panic, whatever the shape of the document.
func FuzzReadPolicyFile(f *testing.F) {
	good, err := os.ReadFile("testdata/good/ge.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("tables: {t: {entries: [{key: 1, from: 2}, [], x]}}\nsources: [a]\nrules: {a: b}\n"))
	f.Add([]byte("taxes: [{rate: 'table(\"t\", 1) + tiered(\\'u\\', 2)'}, null, {when: [1]}]\n"))
	f.Add([]byte("- just a list\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{"xx.yaml": {Data: src}}
		pf, err := readPolicyFile(fsys, "xx.yaml")
		if err != nil {
			return
		}
		for _, fd := range lint(pf, "xx.yaml") {
			_ = fd.String()
		}
		for _, r := range pf.rows() {
			_ = r.row.String()
		}
	})
}
