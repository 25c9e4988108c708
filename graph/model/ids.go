package model

import (
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
)

// Global IDs are made here, as the converters fill a type's id, and read
// back in graph (ids.go for mutations' arguments, node.go for node(id:)).
// They are plain fields rather than resolvers: gqlgen runs each resolver of
// a list item in a goroutine of its own, too dear for an ID.

func rowGlobalID(typeName string, id int64) string { return relay.GlobalID(typeName, store.Key(id)) }
