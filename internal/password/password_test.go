package password

import (
	"errors"
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	phc, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("PHC string %q does not carry the OWASP parameters", phc)
	}
	if ok, err := Verify(phc, "correct horse battery staple"); !ok || err != nil {
		t.Errorf("Verify(right password) = %v, %v; want true", ok, err)
	}
	if ok, err := Verify(phc, "correct horse battery stapler"); ok || err != nil {
		t.Errorf("Verify(wrong password) = %v, %v; want false", ok, err)
	}
	again, _ := Hash("correct horse battery staple")
	if again == phc {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	for _, phc := range []string{
		"",
		"plaintext",
		"$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$a2V5",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdA$a2V5",
		"$argon2id$v=19$m=0,t=2,p=1$c2FsdA$a2V5",
		"$argon2id$v=19$m=19456,t=2,p=1$!!$a2V5",
	} {
		if _, err := Verify(phc, "x"); !errors.Is(err, ErrMalformed) {
			t.Errorf("Verify(%q) error = %v, want ErrMalformed", phc, err)
		}
	}
}
