package store

import "github.com/teztelecom/tez/internal/relay"

// Global IDs are plain methods rather than resolvers: gqlgen runs each
// resolver of a list item in a goroutine of its own, too dear for an ID.

// GlobalID is the SIM card's global ID.
func (s SimCard) GlobalID() string { return relay.GlobalID(relay.TypeSimCard, s.ICCID) }

// GlobalID is the session's global ID: its start and id, the partitioned
// table's key.
func (u UsageSession) GlobalID() string {
	k := u.Key()
	return relay.GlobalID(relay.TypeUsageSession, k[0]+"|"+k[1])
}

// GlobalID is the order's global ID.
func (o Order) GlobalID() string { return relay.GlobalID(relay.TypeOrder, Key(o.ID)) }
