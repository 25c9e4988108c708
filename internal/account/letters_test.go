package account

import (
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/lang"
	"github.com/teztelecom/tez/internal/mailtest"
)

// Every account email, in each language: the subject and the words of
// that language, the data filled in, the link where there is one.
func TestLettersInEachLanguage(t *testing.T) {
	data := letterData{Name: "Ada", Link: "https://tez.example/account/x?token=t", NewEmail: "new@x.example",
		When: time.Date(2026, time.December, 2, 5, 9, 0, 0, time.UTC)}
	for _, c := range []struct {
		letter   letter
		hours    int
		language lang.Language
		subject  string
		says     []string
	}{
		{verifyLetter, 72, lang.English, "Confirm your email for TEZ Telecom", []string{"Hello, Ada!", "for 72 hours", data.Link}},
		{verifyLetter, 72, lang.Russian, "Подтвердите адрес электронной почты в TEZ Telecom", []string{"Здравствуйте, Ada!", "в течение 72 часов", data.Link}},
		{resetLetter, 1, lang.English, "Reset your TEZ Telecom password", []string{"for 1 hour.", data.Link}},
		{resetLetter, 1, lang.Russian, "Сброс пароля в TEZ Telecom", []string{"в течение 1 часа.", "задать новый пароль", data.Link}},
		{changeLetter, 24, lang.English, "Confirm your new email for TEZ Telecom", []string{"for 24 hours", data.Link}},
		{changeLetter, 24, lang.Russian, "Подтвердите новый адрес электронной почты в TEZ Telecom", []string{"в течение 24 часов", data.Link}},
		{changedNotice, 0, lang.English, "Your TEZ Telecom email was changed", []string{"changed to new@x.example"}},
		{changedNotice, 0, lang.Russian, "Адрес электронной почты в TEZ Telecom изменён", []string{"изменён на new@x.example", "службу поддержки"}},
		{passwordNotice, 0, lang.English, "Your TEZ Telecom password was changed", []string{"every other device was signed out", data.Link}},
		{passwordNotice, 0, lang.Russian, "Пароль в TEZ Telecom изменён", []string{"выполнен выход", data.Link}},
		{deletedNotice, 0, lang.English, "Your TEZ Telecom account was deleted", []string{"Hello!", "register again"}},
		{deletedNotice, 0, lang.Russian, "Личный кабинет TEZ Telecom удалён", []string{"Здравствуйте!", "снова зарегистрироваться"}},
		{exportedNotice, 0, lang.English, "Your TEZ Telecom data was downloaded", []string{"downloaded on 2 December 2026 05:09 UTC"}},
		{exportedNotice, 0, lang.Russian, "Данные вашего кабинета TEZ Telecom скачаны", []string{"скачаны 2 декабря 2026, 05:09 (UTC)"}},
	} {
		t.Run(c.letter.Name()+"/"+string(c.language), func(t *testing.T) {
			d := data
			d.Hours = c.hours
			text, html := mailtest.Letter(t, c.letter.Letter, c.language, d, c.subject, c.says...)
			if english := strings.Contains(text, "Hello"); english != (c.language == lang.English) {
				t.Errorf("text is not in %s:\n%s", c.language, text)
			}
			if strings.Contains(text, data.Link) && !strings.Contains(html, `<a href="`+data.Link+`">`) {
				t.Errorf("HTML lacks the link:\n%s", html)
			}
		})
	}
}
