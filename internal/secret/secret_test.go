package secret

import (
	"bytes"
	"testing"
)

func TestActivationCodeHashIgnoresCaseAndSpaces(t *testing.T) {
	if !bytes.Equal(ActivationCodeHash("ab12 cd34"), ActivationCodeHash("AB12CD34")) {
		t.Error("a code typed with spaces or in lower case must match")
	}
	if bytes.Equal(ActivationCodeHash("AB12CD34"), ActivationCodeHash("AB12CD35")) {
		t.Error("different codes hash equal")
	}
}
