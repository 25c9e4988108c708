package orders

import (
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/lang"
	"github.com/teztelecom/tez/internal/mailtest"
	"github.com/teztelecom/tez/internal/money"
)

// Every order email, in each language: its subject, its words, and the
// amounts written the language's way.
func TestLettersInEachLanguage(t *testing.T) {
	eur := func(cents int64) money.Money { return money.New(cents, "EUR") }
	const link = "https://tez.example/account/orders/TEZ-1001"
	confirm := confirmationData{Number: "TEZ-1001", Lines: []confirmationLine{{Name: "Europe SIM", Quantity: 2, Total: eur(123450)}},
		Shipping: eur(300), Total: eur(123750), Link: link, Guest: true}
	paid := receipt{Number: "TEZ-1001", Lines: []receiptLine{{Name: "Top-up 10", Quantity: 1, Total: eur(1000), ICCID: "8999700000000000026"}},
		Subtotal: eur(1000), Shipping: eur(0), Total: eur(1000), Address: []string{"Ada", "Main 1", "0105 Tbilisi", "GE"}, Link: link}
	sent := shipped{Number: "TEZ-1001", Carrier: "DHL", Tracking: "JD0001", TrackingURL: "https://dhl.example/JD0001",
		Items: []parcelItem{{Name: "Europe SIM", Quantity: 1, ICCID: "8999700000000000026"}}, Link: link}
	back := refundMail{Number: "TEZ-1001", Reason: "duplicate", Amount: eur(550), Credit: new(eur(1100)), Link: link}
	for _, c := range []struct {
		letter   lang.Letter
		data     any
		language lang.Language
		subject  string
		says     []string
	}{
		{confirmation, confirm, lang.English, "Your TEZ Telecom order TEZ-1001", []string{"Thank you for your order TEZ-1001", "Europe SIM × 2: 1234.50 EUR", "Total: 1237.50 EUR", "Keep this email"}},
		{confirmation, confirm, lang.Russian, "Ваш заказ TEZ-1001 в TEZ Telecom", []string{"Спасибо за заказ TEZ-1001", "Europe SIM × 2: 1\u00a0234,50\u00a0EUR", "Итого: 1\u00a0237,50\u00a0EUR", "Сохраните это письмо"}},
		{receiptLetter, paid, lang.English, "Receipt for your TEZ Telecom order TEZ-1001", []string{"is paid", "(credited to SIM 8999700000000000026)", "Total paid: 10.00 EUR", "Shipping to:\nAda\n"}},
		{receiptLetter, paid, lang.Russian, "Чек по заказу TEZ-1001 в TEZ Telecom", []string{"оплачен", "(зачислено на SIM-карту 8999700000000000026)", "Оплачено: 10,00\u00a0EUR", "Адрес доставки:\nAda\n"}},
		{shippedLetter, sent, lang.English, "Your TEZ Telecom order TEZ-1001 has shipped", []string{"shipped with DHL", "Tracking number: JD0001", "Europe SIM, SIM 8999700000000000026"}},
		{shippedLetter, sent, lang.Russian, "Заказ TEZ-1001 в TEZ Telecom отправлен", []string{"службу доставки DHL", "Трек-номер: JD0001", "Europe SIM, SIM-карта 8999700000000000026"}},
		{refundLetter, &back, lang.English, "Refund for your TEZ Telecom order TEZ-1001", []string{"refunded 5.50 EUR", "Reason: duplicate", "11.00 EUR of voucher credit"}},
		{refundLetter, &back, lang.Russian, "Возврат по заказу TEZ-1001 в TEZ Telecom", []string{"вернули 5,50\u00a0EUR", "Причина: duplicate", "списано 11,00\u00a0EUR"}},
	} {
		t.Run(c.letter.Name()+"/"+string(c.language), func(t *testing.T) {
			_, html := mailtest.Letter(t, c.letter, c.language, c.data, c.subject, c.says...)
			if !strings.Contains(html, `<a href="`+link+`">`) {
				t.Errorf("HTML lacks the order's link:\n%s", html)
			}
		})
	}
}
