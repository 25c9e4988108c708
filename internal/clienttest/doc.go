// Package clienttest runs the JavaScript clients frontends use against the
// real server: the graphql-http audit, graphql-codegen's client-preset with
// tsc, relay-compiler and relay-runtime, Apollo Client and urql's
// graphcache, in normal and in trusted-documents mode. The Node project
// beside this file (package-lock.json pinned) holds them; clienttest_test.go
// starts the servers and runs it. See docs/frontend.md.
package clienttest
