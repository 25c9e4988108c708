// Package journey holds the journey tests: each walks one thing the
// announcement promises customers (registration, My orders, My numbers,
// My history, My addresses, My account, the reseller face) the way a
// customer does, through public HTTP only: GraphQL documents with a bearer
// token, the mail that arrives at a real SMTP sink, the links in it opened
// and their pages' forms submitted, the sandbox payment page clicked. No
// journey calls the store or runs SQL; operator-side set-up (a reseller,
// usage records, stock) goes through the code paths of the `tez` commands
// an operator would run, and says so where it happens.
//
// A new capability adds its journey here, in a file of its own
// (<topic>_test.go), with the helpers of harness_test.go and browser_test.go.
package journey
