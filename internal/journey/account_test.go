package journey

import (
	"testing"
)

func (c *customer) me() *struct {
	Email         string
	EmailVerified bool
	FullName      *string
} {
	c.shop.t.Helper()
	var me meAnswer
	c.query(meDoc, nil, &me)
	return me.Me
}

// My account: the owner's details, a new password (other devices are
// signed out), a new email confirmed from its mail (the old address is
// told), and a forgotten password reset from the mailed link.
func TestMyAccountChangeEmailAndPassword(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	kim := s.member("kim@journey.example", "the first passphrase", "Kim")
	tablet := kim.secondDevice()

	var profile struct {
		ProfileUpdate struct {
			User       *struct{ FullName, Phone *string }
			UserErrors []userError
		}
	}
	kim.query(`mutation { profileUpdate(input: { fullName: "Kim Lee", phone: "+7 701 123 45 67" }) { user { fullName phone } userErrors { field message code } } }`, nil, &profile)
	noUserErrors(t, "profileUpdate", profile.ProfileUpdate.UserErrors)
	if u := profile.ProfileUpdate.User; *u.FullName != "Kim Lee" || *u.Phone != "+77011234567" {
		t.Errorf("profile: %+v", u)
	}

	// A new password.
	change := func(current, next string) []userError {
		var out struct {
			PasswordChange struct{ UserErrors []userError }
		}
		kim.query(`mutation($c: String!, $n: String!) { passwordChange(input: { currentPassword: $c, newPassword: $n }) { userErrors { field message code } } }`,
			map[string]any{"c": current, "n": next}, &out)
		return out.PasswordChange.UserErrors
	}
	if errs := change("not my password", "the second passphrase"); len(errs) != 1 || errs[0].Code != "INVALID_CREDENTIALS" {
		t.Fatalf("a wrong current password: %+v", errs)
	}
	noUserErrors(t, "passwordChange", change("the first passphrase", "the second passphrase"))
	if kim.me() == nil {
		t.Error("the device that changed the password was signed out")
	}
	if tablet.me() != nil {
		t.Error("the other device is still signed in after the password change")
	}
	if got := s.visitor(kim.Email).signIn("the first passphrase"); got.Token != nil {
		t.Error("the old password still signs in")
	}

	// A new email: it changes only when the link mailed to it is clicked.
	var asked struct {
		EmailChange struct{ UserErrors []userError }
	}
	kim.query(`mutation { emailChange(input: { newEmail: "kim.lee@journey.example", currentPassword: "the second passphrase" }) { userErrors { field message code } } }`, nil, &asked)
	noUserErrors(t, "emailChange", asked.EmailChange.UserErrors)
	if got := kim.me(); got.Email != "kim@journey.example" {
		t.Fatalf("the email changed before the link was followed: %+v", got)
	}
	m := s.mailAbout("kim.lee@journey.example", "Confirm your new email")
	confirm := kim.open(m.link())
	confirm.mustSay("Confirm your email", "kim.lee@journey.example")
	confirm.submit("Confirm my email", nil).mustSay("kim.lee@journey.example is confirmed")
	if got := kim.me(); got.Email != "kim.lee@journey.example" || !got.EmailVerified {
		t.Errorf("after confirming the new email: %+v", got)
	}
	if n := s.mailAbout("kim@journey.example", "email was changed"); n.Text == "" {
		t.Error("the old address was not told")
	}
	if got := s.visitor("kim@journey.example").signIn("the second passphrase"); got.Token != nil {
		t.Error("the old email still signs in")
	}
	kim.Email = "kim.lee@journey.example"
	if got := s.visitor(kim.Email).signIn("the second passphrase"); got.Token == nil {
		t.Errorf("the new email does not sign in: %+v", got.UserErrors)
	}

	// Forgot password: the mailed link's page takes a new one.
	var reset struct {
		PasswordResetRequest struct{ UserErrors []userError }
	}
	s.visitor(kim.Email).query(`mutation($e: String!) { passwordResetRequest(input: { email: $e }) { userErrors { field message code } } }`,
		map[string]any{"e": kim.Email}, &reset)
	noUserErrors(t, "passwordResetRequest", reset.PasswordResetRequest.UserErrors)
	form := s.visitor(kim.Email).open(s.mailAbout(kim.Email, "Reset your").link())
	form.mustSay("Choose a new password", kim.Email)
	weak := form.submit("Save the new password", map[string]string{"password": "short"})
	weak.mustSay("Use at least 8 characters")
	done := weak.submit("Save the new password", map[string]string{"password": "the third passphrase"})
	done.mustSay("Your password is changed")
	if kim.me() != nil {
		t.Error("a reset left the old session signed in")
	}
	if got := s.visitor(kim.Email).signIn("the third passphrase"); got.Token == nil {
		t.Errorf("the reset password does not sign in: %+v", got.UserErrors)
	}
}
