// Package examples holds runnable programs that use iorules: prequalify, the
// command-line pre-qualification tool, and the sample shipments it reads.
package examples
