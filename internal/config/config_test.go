package config

import (
	"fmt"
	"strings"
	"testing"
)

func TestPaymentProvider(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		want    string
		wantErr string
	}{
		{"sandbox by default", nil, "sandbox", ""},
		{"stripe when its keys are set", map[string]string{"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "whsec_x"}, "stripe", ""},
		{"stripe without a webhook secret", map[string]string{"STRIPE_SECRET_KEY": "sk_test_x"}, "", "STRIPE_WEBHOOK_SECRET"},
		{"production never falls back to the sandbox", map[string]string{"TEZ_ENV": "production", "DATABASE_URL": "postgres://db/tez"}, "", "STRIPE_SECRET_KEY"},
		{"production takes the sandbox by name", map[string]string{"TEZ_ENV": "production", "DATABASE_URL": "postgres://db/tez", "TEZ_PAYMENT_PROVIDER": "sandbox"}, "sandbox", ""},
		{"production needs a database first", map[string]string{"TEZ_ENV": "production", "TEZ_PAYMENT_PROVIDER": "sandbox"}, "", "DATABASE_URL"},
		{"production without a database or a provider names the database", map[string]string{"TEZ_ENV": "production"}, "", "DATABASE_URL"},
		{"unknown provider", map[string]string{"TEZ_PAYMENT_PROVIDER": "paypal"}, "", "sandbox or stripe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.vars)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || c.PaymentProvider != tt.want {
				t.Fatalf("provider %q, error %v; want %q", c.PaymentProvider, err, tt.want)
			}
		})
	}
}

func TestSandboxSecretIsRandomUnlessSet(t *testing.T) {
	a, b := Defaults(), Defaults()
	if a.SandboxSecret == "" || a.SandboxSecret == b.SandboxSecret {
		t.Errorf("default sandbox secrets %q and %q: want random ones", a.SandboxSecret, b.SandboxSecret)
	}
	if c, _ := Parse(map[string]string{"TEZ_SANDBOX_SECRET": "s3cret"}); c.SandboxSecret != "s3cret" {
		t.Errorf("TEZ_SANDBOX_SECRET ignored: %q", c.SandboxSecret)
	}
}

func TestTwoWordSwitches(t *testing.T) {
	for _, tt := range []struct {
		vars                        map[string]string
		trusted, gqlgen, unprepared bool
		wantErr                     string
	}{
		{vars: nil},
		{vars: map[string]string{"TEZ_DB_PREPARED": "off"}, unprepared: true},
		{vars: map[string]string{"TEZ_DB_PREPARED": "on"}},
		{vars: map[string]string{"TEZ_DB_PREPARED": "false"}, wantErr: "on or off"},
		{vars: map[string]string{"TEZ_TRUSTED_DOCUMENTS": "only", "TEZ_EXECUTOR": "gqlgen"}, trusted: true, gqlgen: true},
		{vars: map[string]string{"TEZ_EXECUTOR": "fast"}, wantErr: "lean or gqlgen"},
		{vars: map[string]string{"TEZ_TRUSTED_DOCUMENTS": "on"}, wantErr: "off or only"},
	} {
		c, err := Parse(tt.vars)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: error %v, want one naming %q", tt.vars, err, tt.wantErr)
			}
			continue
		}
		if err != nil || c.TrustedDocumentsOnly != tt.trusted || c.StandardExecutor != tt.gqlgen || c.DBPrepared == tt.unprepared {
			t.Errorf("%v: trusted %v, gqlgen executor %v, prepared %v, err %v; want %v, %v, %v", tt.vars,
				c.TrustedDocumentsOnly, c.StandardExecutor, c.DBPrepared, err, tt.trusted, tt.gqlgen, !tt.unprepared)
		}
	}
}

func TestMetricsListener(t *testing.T) {
	for _, tt := range []struct {
		vars map[string]string
		want string
	}{
		{nil, ""}, // development: on the API's listener
		{map[string]string{"TEZ_ENV": "production", "DATABASE_URL": "postgres://db/tez", "TEZ_PAYMENT_PROVIDER": "sandbox"}, "127.0.0.1:9090"},
		{map[string]string{"TEZ_ENV": "production", "DATABASE_URL": "postgres://db/tez", "TEZ_PAYMENT_PROVIDER": "sandbox", "TEZ_METRICS_ADDR": "10.1.2.3:9100"}, "10.1.2.3:9100"},
		{map[string]string{"TEZ_METRICS_ADDR": "127.0.0.1:9191"}, "127.0.0.1:9191"},
	} {
		if c, err := Parse(tt.vars); err != nil || c.MetricsAddr != tt.want {
			t.Errorf("%v: metrics at %q (err %v), want %q", tt.vars, c.MetricsAddr, err, tt.want)
		}
	}
}

func TestSecuritySettingsNameNoSecret(t *testing.T) {
	c, err := Parse(map[string]string{"DATABASE_URL": "postgres://app:s3cret@db/tez", "STRIPE_SECRET_KEY": "sk_live_x",
		"STRIPE_WEBHOOK_SECRET": "whsec_x", "TEZ_TRUSTED_PROXIES": "10.0.0.0/8,192.168.1.1"})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(c.SecuritySettings()...)
	for _, want := range []string{"env", "development", "payment_provider", "stripe", "10.0.0.0/8", "192.168.1.1/32", "cors_origins", "trusted_documents", "metrics"} {
		if !strings.Contains(got, want) {
			t.Errorf("security settings %s lack %s", got, want)
		}
	}
	for _, secret := range []string{"s3cret", "sk_live_x", "whsec_x", c.SandboxSecret} {
		if strings.Contains(got, secret) {
			t.Errorf("security settings %s show a secret", got)
		}
	}
}
