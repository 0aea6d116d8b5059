package main

import (
	"errors"
	"fmt"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/internal/inputfile"
	"github.com/iorules/iorules/internal/strictjson"
)

// maxScreeningBytes caps the -screening file (64 MiB): the whole
// Consolidated Screening List is a fraction of it.
const maxScreeningBytes = 64 << 20

// readScreening reads the restricted-party list of -screening FILE for
// export-control screening. Any problem with it is a failure (status 3),
// not an invalid shipment: one line per problem, naming the field.
func readScreening(file string) (exportctl.Options, error) {
	data, err := inputfile.Read(file, maxScreeningBytes)
	if err != nil {
		return exportctl.Options{}, fail(exitFailure, "prequalify: -screening: %v", err)
	}
	opts, err := decodeScreening(data)
	if err != nil {
		return exportctl.Options{}, inputFailure("-screening", file, err)
	}
	return opts, nil
}

// decodeScreening decodes the JSON form of -screening FILE with
// exportctl.DecodeList: as strict as a shipment, every problem named by its
// JSON path.
func decodeScreening(data []byte) (exportctl.Options, error) {
	return exportctl.DecodeList(data)
}

// fieldErrors turns the problems of a strictjson.Decoder into a joined
// error of *iorules.FieldError, or nil.
func fieldErrors(ps []strictjson.Problem) error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = &iorules.FieldError{Path: p.Path, Msg: p.Msg}
	}
	return errors.Join(errs...)
}

// inputFailure is the status-3 failure for the problems in an input file
// named by flag: one line each, "prequalify: -flag FILE: path: message".
func inputFailure(flag, file string, err error) error {
	fes := iorules.FieldErrors(err)
	if len(fes) == 0 {
		return fail(exitFailure, "prequalify: %s %s: %v", flag, file, err)
	}
	f := &failure{code: exitFailure}
	for _, fe := range fes {
		f.lines = append(f.lines, fmt.Sprintf("prequalify: %s %s: %s", flag, file, fe.Error()))
	}
	return f
}
