package drive

import "sync/atomic"

// RefIDs allocates the ReferenceIDs of a run: 1, 2, 3, ... Each is handed out once, so an event
// that echoes one names exactly one request. Its zero value is ready to use, and it is safe for
// concurrent use; one RefIDs should serve the whole run.
type RefIDs struct {
	last atomic.Int64
}

// Next returns a ReferenceID not handed out before.
func (r *RefIDs) Next() int64 { return r.last.Add(1) }

// Issued says whether id was handed out by Next. An event carrying a ReferenceID that was not
// issued did not echo the request that caused it (when the harness is the system's only client).
func (r *RefIDs) Issued(id int64) bool { return id >= 1 && id <= r.last.Load() }
