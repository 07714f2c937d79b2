package graph

import "context"

// Progress hears how far a bulk write has got: step names what is being
// done ("sources", "entities", "relations", "commit" ...), done and total
// count the rows of the whole write (total does not change during it);
// done reaches total once the write is committed, not before.
type Progress func(step string, done, total int)

type bulkKey struct{}

// WithBulk marks the writes made with ctx as bulk writes (a load, an
// import): stores give them no interactive timeout, however long they take,
// and report their progress to p (nil: to nobody). They stay all or
// nothing. Requests never use it: their reads and writes keep their
// timeouts.
func WithBulk(ctx context.Context, p Progress) context.Context {
	if p == nil {
		p = func(string, int, int) {}
	}
	return context.WithValue(ctx, bulkKey{}, p)
}

// Bulk says whether ctx is a bulk write's (WithBulk), and where its
// progress goes (never nil; a no-op when ctx is not a bulk write's).
func Bulk(ctx context.Context) (Progress, bool) {
	p, ok := ctx.Value(bulkKey{}).(Progress)
	if !ok {
		return func(string, int, int) {}, false
	}
	return p, true
}
