package markets

// Version is the version of the iorules library. With the module path it
// names the library in every decision's audit record, since it fixes the
// embedded data and the checks written in Go.
const Version = "0.1.0"

// modulePath is the module the library is published as.
const modulePath = "github.com/iorules/iorules"
