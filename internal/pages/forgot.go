package pages

import (
	"net/http"

	"github.com/teztelecom/tez/internal/apperr"
)

// forgotPath is the page where a customer asks for a password reset link.
const forgotPath = "/account/forgot-password"

var forgotPage = page(`{{if .Form}}<p>{{.W.S "Type the email you sign in with. If an account uses it, we email it a link to choose a new password."}}</p>
<form method="post">
<label for="email">{{.W.S "Email"}}</label><input type="email" id="email" name="email" value="{{.Email}}" autocomplete="email" required
{{- if .Problem}} aria-invalid="true" aria-describedby="problem"{{end}}>
{{if .Problem}}<p class="notice problem" id="problem" role="alert">{{.Problem}}</p>{{end}}
<button type="submit">{{.W.S "Email me a reset link"}}</button></form>
{{end}}`)

// forgotSent is the one answer to every well-formed address: with an
// account or without, and past the mail cap too, so the page tells no one
// whether an address has an account (docs/security.md §6).
const forgotSent = "If an account uses this address, we sent it a link to choose a new password; the link works for one hour. " +
	"We send at most 5 emails an hour to one address: if none arrives, check the address and your spam folder, or try again later."

func (p *Pages) forgotForm(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, forgotPage, view{Title: "Forgot your password?", Form: true, Next: p.home1()})
}

// forgot asks for a reset link through the service passwordResetRequest
// calls, so its mail cap and its same-time-for-every-address job apply.
func (p *Pages) forgot(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		p.render(w, r, http.StatusRequestEntityTooLarge, forgotPage, view{Title: "Forgot your password?", Form: true, Next: p.home1(),
			Problem: "This is far too long for an email address: type the email you sign in with."})
		return
	}
	email := formValue(r, "email")
	problems, err := p.Accounts.RequestPasswordReset(r.Context(), email)
	if err != nil {
		p.failed(w, r, "password reset request", err)
		return
	}
	if len(problems) > 0 && problems[0].Code != apperr.FieldTooManyAttempts {
		wd := wordsFor(w, r)
		p.render(w, r, http.StatusUnprocessableEntity, forgotPage, view{Title: "Forgot your password?", Form: true, Next: p.home1(),
			Email: email, Problem: wd.Problem(problems[0]), W: wd})
		return
	}
	p.render(w, r, http.StatusOK, forgotPage, view{Title: "Check your email", Kind: "done", Notice: forgotSent, Next: p.home1()})
}
