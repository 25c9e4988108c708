package webhooks

// SignatureHeader carries an event's signature (secret.Sign): t=<unix
// seconds>,v1=<hex HMAC-SHA256(endpoint secret, "<t>.<body>")>, which
// partners check within a replay window (docs/webhooks.md).
const SignatureHeader = "Tez-Signature"
