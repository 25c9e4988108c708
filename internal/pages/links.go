package pages

import (
	"html/template"
	"net/http"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/apperr"
)

var confirmPage = page(`{{if .Form}}<p>{{.W.H "Confirm that <strong id=\"email\">%s</strong> is your email address." .Email}}</p>
<form method="post"><input type="hidden" name="token" value="{{.Token}}"><button type="submit">{{.W.S "Confirm my email"}}</button></form>
{{end}}`)

var resetPage = page(`{{if .Form}}<p>{{.W.H "Choose a new password for <strong id=\"email\">%s</strong>. Saving it signs you out on every device." .Email}}</p>
{{if .Problem}}<p class="notice problem" id="problem" role="alert">{{.Problem}}</p>{{end}}
<form method="post"><input type="hidden" name="token" value="{{.Token}}">
<label for="password">{{.W.S "New password"}}</label><input type="password" id="password" name="password" autocomplete="new-password" required>
<p class="hint">{{.Hint}}</p>
<button type="submit">{{.W.S "Save the new password"}}</button></form>
{{end}}`)

// deadLink is the page of a link that can no longer be used, by why.
func (p *Pages) deadLink(status account.LinkStatus, again link) (int, view) {
	next := p.home1()
	switch status {
	case account.LinkUsed:
		return http.StatusGone, view{Title: "This link was used already", Kind: "problem", Next: next, Again: again,
			Notice: "This link has done its work, or a newer link or a change of password replaced it. " +
				"If you followed it already, there is nothing left to do: just sign in."}
	case account.LinkExpired:
		return http.StatusGone, view{Title: "This link has expired", Kind: "problem", Next: next, Again: again,
			Notice: "Links in our emails work for a limited time."}
	}
	return http.StatusNotFound, view{Title: "This link is not valid", Kind: "problem", Next: next, Again: again,
		Notice: "We do not know this link. Check that you opened the whole link from the email, " +
			"or that it is the right kind of link for this page."}
}

// openLink answers the address the link was sent to when it can still be
// used; when not, it has answered the page of why (ok is false).
func (p *Pages) openLink(w http.ResponseWriter, r *http.Request, t *template.Template, token string, kinds []string, again link) (email string, ok bool) {
	status, email, err := p.Accounts.LinkState(r.Context(), token, kinds)
	if err != nil {
		p.failed(w, r, "link state", err)
		return "", false
	}
	if status != account.LinkOpen {
		code, v := p.deadLink(status, again)
		p.render(w, r, code, t, v)
		return "", false
	}
	return email, true
}

var (
	confirmAgain = link{Text: "To get a new one, sign in and ask for the confirmation email again."}
	resetAgain   = link{Text: "Ask for a new password reset link.", URL: forgotPath}
)

// linkForm shows the form of an emailed link without spending it (mail
// scanners open links first), or why the link can no longer be used.
func (p *Pages) linkForm(w http.ResponseWriter, r *http.Request, t *template.Template, kinds []string, again link, open view) {
	token := r.URL.Query().Get("token")
	email, ok := p.openLink(w, r, t, token, kinds, again)
	if !ok {
		return
	}
	open.Form, open.Token, open.Email = true, token, email
	p.render(w, r, http.StatusOK, t, open)
}

// confirmForm shows what a confirmation link will do, without doing it.
func (p *Pages) confirmForm(w http.ResponseWriter, r *http.Request) {
	p.linkForm(w, r, confirmPage, account.ConfirmLinks, confirmAgain, view{Title: "Confirm your email"})
}

// confirm spends a confirmation link: the click on "Confirm my email".
func (p *Pages) confirm(w http.ResponseWriter, r *http.Request) {
	token := formValue(r, "token")
	u, problems, err := p.Accounts.VerifyEmail(r.Context(), token)
	if err != nil {
		p.failed(w, r, "confirm email", err)
		return
	}
	if len(problems) > 0 {
		p.linkRefused(w, r, confirmPage, token, problems[0], account.ConfirmLinks, confirmAgain)
		return
	}
	wd := wordsFor(w, r)
	p.render(w, r, http.StatusOK, confirmPage, view{Title: "Your email is confirmed", Kind: "done", Next: p.home1(), W: wd,
		Notice: wd.S("%s is confirmed: we write to it from now on, and you sign in with it. "+
			"Orders and SIM cards bought with this email are in your account now.", u.Email)})
}

// linkRefused explains a POST the service refused: by the link's state
// when it is dead, else by the service's own message (an email taken
// meanwhile, a reset link for an address the account no longer has).
func (p *Pages) linkRefused(w http.ResponseWriter, r *http.Request, t *template.Template, token string, problem apperr.FieldError, kinds []string, again link) {
	if _, ok := p.openLink(w, r, t, token, kinds, again); !ok {
		return
	}
	wd := wordsFor(w, r)
	p.render(w, r, http.StatusConflict, t, view{Title: "This link cannot be used", Kind: "problem", Notice: wd.Problem(problem), Next: p.home1(), W: wd})
}

// resetForm shows the new-password form of a reset link.
func (p *Pages) resetForm(w http.ResponseWriter, r *http.Request) {
	p.linkForm(w, r, resetPage, account.ResetLinks, resetAgain, view{Title: "Choose a new password", Hint: account.PasswordRule})
}

// reset sets the new password; the policy's refusal shows the form again
// with the reason, the link still unspent.
func (p *Pages) reset(w http.ResponseWriter, r *http.Request) {
	token := formValue(r, "token")
	problems, err := p.Accounts.ResetPassword(r.Context(), token, r.PostFormValue("password"))
	if err != nil {
		p.failed(w, r, "reset password", err)
		return
	}
	if len(problems) > 0 && problems[0].Field[len(problems[0].Field)-1] == "newPassword" {
		status, email, err := p.Accounts.LinkState(r.Context(), token, account.ResetLinks)
		if err != nil {
			p.failed(w, r, "reset link state", err)
			return
		}
		if status == account.LinkOpen {
			wd := wordsFor(w, r)
			p.render(w, r, http.StatusUnprocessableEntity, resetPage, view{Title: "Choose a new password", Form: true, W: wd,
				Token: token, Email: email, Problem: wd.Problem(problems[0]), Hint: account.PasswordRule})
			return
		}
	}
	if len(problems) > 0 {
		p.linkRefused(w, r, resetPage, token, problems[0], account.ResetLinks, resetAgain)
		return
	}
	p.render(w, r, http.StatusOK, resetPage, view{Title: "Your password is changed", Kind: "done", Next: p.home1(),
		Notice: "Sign in with your new password. Every device that was signed in has been signed out."})
}
