package journey

import "testing"

// Someone else changed my password: the notice's link leads to the
// forgot-password page, whose reset mail gives the account back.
func TestPasswordChangedNoticeLeadsToAReset(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	ana := s.member("ana@journey.example", "the first passphrase", "Ana")
	var out struct {
		PasswordChange struct{ UserErrors []userError }
	}
	ana.query(`mutation { passwordChange(input: { currentPassword: "the first passphrase", newPassword: "the intruder's passphrase" }) { userErrors { field message code } } }`, nil, &out)
	noUserErrors(t, "passwordChange", out.PasswordChange.UserErrors)

	notice := s.mailAbout(ana.Email, "password was changed")
	me := s.visitor(ana.Email)
	forgot := me.open(notice.link())
	forgot.mustSay("Forgot your password?")
	sent := forgot.submit("Email me a reset link", map[string]string{"email": ana.Email})
	sent.mustSay("If an account uses this address, we sent it a link")

	reset := me.open(s.mailAbout(ana.Email, "Reset your").link())
	reset.mustSay("Choose a new password", ana.Email)
	reset.submit("Save the new password", map[string]string{"password": "my own passphrase again"}).mustSay("Your password is changed")
	if got := s.visitor(ana.Email).signIn("my own passphrase again"); got.Token == nil {
		t.Errorf("the new password does not sign in: %+v", got.UserErrors)
	}
	if got := s.visitor(ana.Email).signIn("the intruder's passphrase"); got.Token != nil {
		t.Error("the intruder's password still signs in")
	}
}
