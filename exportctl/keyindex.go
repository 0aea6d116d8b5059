package exportctl

// keyIndex numbers distinct keys 0, 1, 2, ... in the order they are added.
// A shipment has few kinds of line and few distinct reasons, so while there
// are few keys it compares a key with each one, which is cheaper than
// hashing it; past linearKeys it switches to a map. The zero keyIndex is
// empty and ready to use.
type keyIndex[K comparable] struct {
	keys  []K
	index map[K]int // nil while there are at most linearKeys keys
}

// linearKeys is the number of keys up to which keyIndex compares rather
// than hashes.
const linearKeys = 8

// find returns the number of k, if it has been added.
func (x *keyIndex[K]) find(k K) (int, bool) {
	if x.index != nil {
		i, ok := x.index[k]
		return i, ok
	}
	for i := range x.keys {
		if x.keys[i] == k {
			return i, true
		}
	}
	return 0, false
}

// add adds k, which must not have been added, and returns its number.
func (x *keyIndex[K]) add(k K) int {
	if x.keys == nil {
		x.keys = make([]K, 0, linearKeys)
	}
	i := len(x.keys)
	x.keys = append(x.keys, k)
	switch {
	case x.index != nil:
		x.index[k] = i
	case len(x.keys) > linearKeys:
		x.index = make(map[K]int, 2*len(x.keys))
		for j, kj := range x.keys {
			x.index[kj] = j
		}
	}
	return i
}
