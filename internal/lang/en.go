package lang

// en is the English wording of every email.
var en = Messages{
	"hello":       `Hello{{with .Name}}, {{.}}{{end}}!`,
	"hello.plain": `Hello!`,

	"verify.subject": `Confirm your email for TEZ Telecom`,
	"verify.ask":     `Please confirm that this is your email address by opening this link:`,
	"verify.ttl":     `The link works once, for {{.Hours}} {{plural .Hours "hour" "hours"}}. Once you confirm, the orders and SIM cards bought with this email appear in your account.`,
	"verify.notYou":  `If you did not register at TEZ Telecom, ignore this email.`,

	"reset.subject": `Reset your TEZ Telecom password`,
	"reset.ask":     `Someone asked to reset the password of your TEZ Telecom account. To choose a new password, open this link:`,
	"reset.ttl":     `The link works once, for {{.Hours}} {{plural .Hours "hour" "hours"}}. Resetting signs you out on every device.`,
	"reset.notYou":  `If it was not you, ignore this email: your password stays as it is.`,

	"change.subject": `Confirm your new email for TEZ Telecom`,
	"change.ask":     `You asked to sign in to TEZ Telecom with this email address from now on. To confirm, open this link:`,
	"change.ttl":     `The link works once, for {{.Hours}} {{plural .Hours "hour" "hours"}}. Until you confirm, your account keeps its current email.`,
	"change.notYou":  `If you did not ask for this, ignore this email.`,

	"changed.subject": `Your TEZ Telecom email was changed`,
	"changed.body":    `The email of your TEZ Telecom account was changed to {{.NewEmail}}: from now on you sign in with it, and we write to it.`,
	"notMe.support":   `If you did not do this, reply to this email or contact support at once.`,

	"password.subject": `Your TEZ Telecom password was changed`,
	"password.body":    `The password of your TEZ Telecom account was changed, and every other device was signed out. Links we mailed before the change no longer work.`,
	"password.notYou":  `If you did not do this, choose a new password at once: ask for a reset link on this page, then contact support.`,

	"deleted.subject": `Your TEZ Telecom account was deleted`,
	"deleted.body":    `The TEZ Telecom account of this email address was deleted, as asked: its profile, addresses, sessions and SIM card labels are erased, and its SIM cards left the account (adding one again needs the activation code printed with it). Orders and payments are kept for accounting, without your name, email or address.`,
	"deleted.again":   `This address can register again at any time; a new account starts empty.`,
	"deleted.notYou":  `If you did not ask for this, reply to this email or contact support at once.`,

	"exported.subject": `Your TEZ Telecom data was downloaded`,
	"exported.body":    `All the data of your TEZ Telecom account (profile, addresses, SIM cards with their history, orders and payments, sessions and emails) was downloaded on {{date .When}} UTC.`,
	"exported.notYou":  `If it was not you, change your password at once: that also signs out every other device.`,

	"alert.suspended.subject": `Your TEZ SIM {{.SIM}} is suspended: its balance ran out`,
	"alert.low.subject":       `Your TEZ SIM {{.SIM}} is low on balance`,
	"alert.runOut.subject":    `Your TEZ SIM {{.SIM}} will run out of balance soon`,
	"alert.suspended":         `Your SIM card {{.SIM}} ({{.ICCID}}) is suspended: its balance ran out{{if .Overdraft.Amount}}, and {{money .Overdraft}} of data used is still owed{{end}}. It works again as soon as a top-up pays that off.`,
	"alert.low":               `The balance of your SIM card {{.SIM}} ({{.ICCID}}) is down to {{money .Balance}}, at or below the {{money .Threshold}} you chose to be told about.`,
	"alert.runOut":            `At the pace your SIM card {{.SIM}} ({{.ICCID}}) spent over the last 14 days, its balance of {{money .Balance}} runs out within {{.RunOutDays}} {{plural .RunOutDays "day" "days"}}.`,
	"alert.balance":           `Balance now: {{money .Balance}}`,
	"alert.topUp":             `To top up, buy a top-up voucher for this SIM in your account:`,
	"alert.once":              `We write once each time this happens; you can change these alerts for the SIM in your account.`,

	"order.subject":   `Your TEZ Telecom order {{.Number}}`,
	"order.thanks":    `Thank you for your order {{.Number}} at TEZ Telecom.`,
	"order.seeAndPay": `See and pay your order here:`,
	"order.keep":      `Keep this email: the link opens your order without an account. Once you register and confirm this email address, the order also appears in your account.`,
	"order.see":       `See your order here:`,
	"label.subtotal":  `Subtotal`,
	"label.shipping":  `Shipping`,
	"label.total":     `Total`,
	"label.totalPaid": `Total paid`,

	"receipt.subject":  `Receipt for your TEZ Telecom order {{.Number}}`,
	"receipt.paid":     `Thank you: your order {{.Number}} at TEZ Telecom is paid.`,
	"receipt.credited": `credited to SIM {{.ICCID}}`,
	"receipt.shipTo":   `Shipping to:`,
	"receipt.tracking": `We send you the tracking as soon as the parcel leaves.`,

	"shipped.subject":  `Your TEZ Telecom order {{.Number}} has shipped`,
	"shipped.left":     `Your order {{.Number}} at TEZ Telecom has shipped with {{.Carrier}}.`,
	"shipped.tracking": `Tracking number`,
	"shipped.follow":   `Follow the parcel`,
	"shipped.contents": `In the parcel:`,
	"shipped.sim":      `SIM {{.ICCID}}`,

	"refund.subject": `Refund for your TEZ Telecom order {{.Number}}`,
	"refund.amount":  `We have refunded {{money .Amount}} of your order {{.Number}} at TEZ Telecom.`,
	"refund.reason":  `Reason`,
	"refund.credit":  `{{money .Credit}} of voucher credit has been taken back from the SIM's balance.`,
	"refund.back":    `The money goes back the way you paid; your bank may take a few days to show it.`,
}
