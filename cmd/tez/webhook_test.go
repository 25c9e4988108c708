package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

func TestWebhookCommands(t *testing.T) {
	dsn := onTestDB(t)
	if _, _, err := tez(t, "reseller", "create", "--name", "Globe Roam"); err != nil {
		t.Fatal(err)
	}
	secret, msg, err := tez(t, "reseller", "webhook", "add", "--reseller", "Globe Roam", "--url", "http://127.0.0.1:9/hooks",
		"--events", "sim.suspended,balance.low", "--low-balance", "2.00")
	if err != nil || !regexp.MustCompile(`^whsec_[0-9a-f]{64}\n$`).MatchString(secret) {
		t.Fatalf("webhook add printed %q (stderr %q), %v; want the secret alone on stdout", secret, msg, err)
	}
	secret = strings.TrimSpace(secret)
	list, _, err := tez(t, "reseller", "webhook", "list", "--reseller", "Globe Roam")
	if err != nil || !strings.Contains(list, "http://127.0.0.1:9/hooks") || !strings.Contains(list, "balance.low,sim.suspended") ||
		!strings.Contains(list, "2.00") || !strings.Contains(list, "enabled") {
		t.Errorf("webhook list = %q, %v", list, err)
	}
	deliveries, _, err := tez(t, "reseller", "webhook", "deliveries", "--reseller", "Globe Roam", "--failed")
	if err != nil || strings.Count(deliveries, "\n") != 1 {
		t.Errorf("deliveries of a new endpoint = %q, %v; want the header alone", deliveries, err)
	}
	var secretInDB int
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Get(&secretInDB, `SELECT count(*) FROM webhook_endpoints WHERE position($1::bytea IN secret_sealed) > 0`, []byte(secret)); err != nil || secretInDB != 0 {
		t.Errorf("the secret is readable in the database (%d rows, %v)", secretInDB, err)
	}
	for _, out := range []string{list, deliveries, msg} {
		if strings.Contains(out, secret) || strings.Contains(out, secret[6:20]) {
			t.Errorf("the secret was printed again: %q", out)
		}
	}

	t.Run("refused input is a sentence", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"--reseller", "nosuch", "--url", "http://127.0.0.1/"}, `no reseller has the id or name "nosuch"`},
			{[]string{"--reseller", "Globe Roam", "--url", "ftp://127.0.0.1/"}, "--url: the URL must start with https://"},
			{[]string{"--reseller", "Globe Roam", "--url", "http://10.0.0.1/"}, "private or link-local"},
			{[]string{"--reseller", "Globe Roam", "--url", "http://127.0.0.1/", "--events", "sim.deleted"}, `unknown event "sim.deleted"`},
			{[]string{"--reseller", "Globe Roam", "--url", "http://127.0.0.1/", "--events", "balance.low"}, "needs --low-balance"},
			{[]string{"--reseller", "Globe Roam", "--url", "http://127.0.0.1/", "--low-balance", "-1"}, "--low-balance"},
		} {
			out, _, err := tez(t, append([]string{"reseller", "webhook", "add"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) || out != "" {
				t.Errorf("add %v: %v (stdout %q), want an error saying %q", tc.args, err, out, tc.want)
			}
		}
		if _, _, err := tez(t, "reseller", "webhook", "redeliver", "evt_nosuch"); err == nil || !strings.Contains(err.Error(), `no webhook event has the id "evt_nosuch"`) {
			t.Errorf("redeliver of an unknown event: %v", err)
		}
		if _, _, err := tez(t, "reseller", "webhook", "remove", "999999"); err == nil || !strings.Contains(err.Error(), "no webhook endpoint has the id 999999") {
			t.Errorf("remove of an unknown endpoint: %v", err)
		}
	})

	t.Run("production refuses loopback unless allowed", func(t *testing.T) {
		t.Setenv("TEZ_ENV", "production")
		t.Setenv("TEZ_PAYMENT_PROVIDER", "sandbox")
		if _, _, err := tez(t, "reseller", "webhook", "add", "--reseller", "Globe Roam", "--url", "http://127.0.0.1:9/"); err == nil ||
			!strings.Contains(err.Error(), "TEZ_WEBHOOK_KEY") {
			t.Errorf("production without a key: %v, want it to ask for TEZ_WEBHOOK_KEY", err)
		}
		t.Setenv("TEZ_WEBHOOK_KEY", strings.Repeat("0f", 32))
		if _, _, err := tez(t, "reseller", "webhook", "add", "--reseller", "Globe Roam", "--url", "http://127.0.0.1:9/"); err == nil ||
			!strings.Contains(err.Error(), "loopback") {
			t.Errorf("production, loopback URL: %v, want it refused", err)
		}
		t.Setenv("TEZ_WEBHOOK_ALLOW_PRIVATE", "true")
		if _, _, err := tez(t, "reseller", "webhook", "add", "--reseller", "Globe Roam", "--url", "http://127.0.0.1:9/"); err != nil {
			t.Errorf("production, loopback URL, TEZ_WEBHOOK_ALLOW_PRIVATE=true: %v", err)
		}
	})

	id := regexp.MustCompile(`(?m)^(\d+)\s+http://127.0.0.1:9/hooks`).FindStringSubmatch(list)
	if id == nil {
		t.Fatalf("no endpoint id in %q", list)
	}
	if _, _, err := tez(t, "reseller", "webhook", "remove", id[1]); err != nil {
		t.Fatal(err)
	}
	if list, _, _ := tez(t, "reseller", "webhook", "list", "--reseller", "Globe Roam"); strings.Contains(list, "http://127.0.0.1:9/hooks") {
		t.Errorf("after remove, list = %q", list)
	}
}
