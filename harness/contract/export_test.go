package contract

// FastPath exposes the fast path's own verdict to the differential tests.
func (s *Set) FastPath(raw []byte) (event string, attrs Attrs, ok bool) { return s.fast(raw, nil) }
