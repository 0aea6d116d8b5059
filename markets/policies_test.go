package markets_test

import (
	"os"
	"testing"

	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/markets/policytest"
)

func TestMiniPolicy(t *testing.T) {
	policytest.Run(t, os.DirFS("testdata/mini"))
}

// TestPolicies runs the cases of every embedded market policy.
func TestPolicies(t *testing.T) {
	policytest.Run(t, markets.Embedded())
}
