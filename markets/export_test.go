package markets

// WithoutRuleMemo makes the engine evaluate every item-scope condition on
// every line, so tests can check that reusing answers per line class
// changes no decision.
func WithoutRuleMemo() Option { return func(o *options) { o.noMemo = true } }
