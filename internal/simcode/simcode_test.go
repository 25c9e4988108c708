package simcode

import (
	"bytes"
	"testing"
)

func TestHashIgnoresCaseAndSpaces(t *testing.T) {
	if !bytes.Equal(Hash("ab12 cd34"), Hash("AB12CD34")) {
		t.Error("a code typed with spaces or in lower case must match")
	}
	if bytes.Equal(Hash("AB12CD34"), Hash("AB12CD35")) {
		t.Error("different codes hash equal")
	}
}
