// Package model holds the GraphQL types: what the schema shows, and no more.
// gqlgen generates the inputs, payloads and enums (models_gen.go); the
// objects that come from the domain are written here, one file per schema
// file (schema/order.graphqls: order.go), and bound in gqlgen.yml. Each has
// one converter from its domain type (NewOrder from store.Order), which fills
// its global ID, money and nullable fields, so the store keeps the domain
// and its SQL and nothing GraphQL needs. A type also carries the keys its
// resolvers read by (RowID), never shown.
package model
