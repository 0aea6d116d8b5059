package markets

// WithoutRuleMemo makes the engine evaluate every item-scope condition on
// every line, so tests can check that reusing answers per line class
// changes no decision.
func WithoutRuleMemo() Option { return func(o *options) { o.noMemo = true } }

// WithoutLowering makes the engine evaluate every expression with CEL's
// interpreter, also those it lowers to Go, so tests can check that the
// lowered closures change no decision.
func WithoutLowering() Option { return func(o *options) { o.interpret = true } }
