package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/relay"
)

const setAlerts = `mutation($in: SimCardAlertsUpdateInput!) { simCardAlertsUpdate(input: $in) {
	simCard { iccid alerts { lowBalanceThreshold { amount currencyCode } runOutWarningDays } }
	userErrors { field message code } } }`

type alertsPayload struct {
	SimCardAlertsUpdate struct {
		SimCard *struct {
			ICCID  string
			Alerts struct {
				LowBalanceThreshold *struct{ Amount, CurrencyCode string }
				RunOutWarningDays   *int
			}
		}
		UserErrors []struct {
			Field   []string
			Message string
			Code    string
		}
	}
}

func updateAlerts(t *testing.T, api *apitest.API, token string, in map[string]any) alertsPayload {
	t.Helper()
	var out alertsPayload
	api.Query(apitest.Request{Query: setAlerts, Variables: map[string]any{"in": in}, Token: token}, &out)
	return out
}

func TestSimCardAlertsUpdate(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	alice := newAccount(t, api, "alice@alerts.example", 1, 0, 0)
	id := relay.GlobalID("SimCard", alice.iccids[0])

	got := updateAlerts(t, api, alice.token, map[string]any{"id": id, "lowBalanceThreshold": "2.5", "runOutWarningDays": 3})
	sim := got.SimCardAlertsUpdate.SimCard
	if sim == nil || sim.Alerts.LowBalanceThreshold == nil || sim.Alerts.LowBalanceThreshold.Amount != "2.50" ||
		sim.Alerts.LowBalanceThreshold.CurrencyCode != "USD" || sim.Alerts.RunOutWarningDays == nil || *sim.Alerts.RunOutWarningDays != 3 {
		t.Fatalf("set both alerts: %+v", got)
	}

	// A field left out stays; null clears only the one named.
	got = updateAlerts(t, api, alice.token, map[string]any{"id": id, "runOutWarningDays": nil})
	sim = got.SimCardAlertsUpdate.SimCard
	if sim == nil || sim.Alerts.LowBalanceThreshold == nil || sim.Alerts.LowBalanceThreshold.Amount != "2.50" || sim.Alerts.RunOutWarningDays != nil {
		t.Fatalf("clear the days only: %+v, want the threshold kept and the days null", got)
	}

	// The dashboard reads the same settings.
	var me struct {
		Me struct {
			SimCards []struct {
				Alerts struct{ LowBalanceThreshold *struct{ Amount string } }
			}
		}
	}
	api.Query(apitest.Request{Query: `{ me { simCards { alerts { lowBalanceThreshold { amount } } } } }`, Token: alice.token}, &me)
	if a := me.Me.SimCards[0].Alerts.LowBalanceThreshold; a == nil || a.Amount != "2.50" {
		t.Errorf("My numbers shows the threshold %+v, want 2.50", a)
	}

	got = updateAlerts(t, api, alice.token, map[string]any{"id": id, "lowBalanceThreshold": nil})
	if sim := got.SimCardAlertsUpdate.SimCard; sim == nil || sim.Alerts.LowBalanceThreshold != nil {
		t.Errorf("clear the threshold: %+v", got)
	}
}

func TestSimCardAlertsUpdateRefusesBadValues(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	alice := newAccount(t, api, "alice@alerts.example", 1, 0, 0)
	id := relay.GlobalID("SimCard", alice.iccids[0])
	for _, tc := range []struct {
		name  string
		in    map[string]any
		field string
	}{
		{"negative threshold", map[string]any{"lowBalanceThreshold": "-0.01"}, "lowBalanceThreshold"},
		{"threshold over the limit", map[string]any{"lowBalanceThreshold": "500.01"}, "lowBalanceThreshold"},
		{"threshold not a number", map[string]any{"lowBalanceThreshold": "two"}, "lowBalanceThreshold"},
		{"threshold finer than cents", map[string]any{"lowBalanceThreshold": "1.005"}, "lowBalanceThreshold"},
		{"threshold of a billion digits", map[string]any{"lowBalanceThreshold": "9999999999999999999999999"}, "lowBalanceThreshold"},
		{"zero days", map[string]any{"runOutWarningDays": 0}, "runOutWarningDays"},
		{"31 days", map[string]any{"runOutWarningDays": 31}, "runOutWarningDays"},
		{"negative days", map[string]any{"runOutWarningDays": -5}, "runOutWarningDays"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in["id"] = id
			got := updateAlerts(t, api, alice.token, tc.in)
			errs := got.SimCardAlertsUpdate.UserErrors
			if got.SimCardAlertsUpdate.SimCard != nil || len(errs) != 1 || errs[0].Code != "INVALID" ||
				len(errs[0].Field) != 2 || errs[0].Field[1] != tc.field || errs[0].Message == "" {
				t.Errorf("got %+v, want one INVALID user error on input.%s", got, tc.field)
			}
		})
	}
	// Nothing of a refused input was kept, not even its valid half.
	got := updateAlerts(t, api, alice.token, map[string]any{"id": id, "lowBalanceThreshold": "1.00", "runOutWarningDays": 99})
	if len(got.SimCardAlertsUpdate.UserErrors) != 1 {
		t.Fatalf("days 99: %+v", got)
	}
	var me struct {
		Me struct {
			SimCards []struct {
				Alerts struct{ LowBalanceThreshold *struct{ Amount string } }
			}
		}
	}
	api.Query(apitest.Request{Query: `{ me { simCards { alerts { lowBalanceThreshold { amount } } } } }`, Token: alice.token}, &me)
	if a := me.Me.SimCards[0].Alerts.LowBalanceThreshold; a != nil {
		t.Errorf("a refused update set the threshold %+v", a)
	}
}

func TestSimCardAlertsOfAnotherCustomerAnswerLikeMissing(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	alice := newAccount(t, api, "alice@alerts.example", 1, 0, 0)
	bob := newAccount(t, api, "bob@alerts.example", 1, 0, 0)
	answer := func(id string) string {
		res := api.Do(apitest.Request{Query: setAlerts, Variables: map[string]any{"in": map[string]any{"id": id, "lowBalanceThreshold": "1.00"}}, Token: alice.token})
		if len(res.Errors) > 0 {
			t.Fatalf("errors %+v", res.Errors)
		}
		return string(res.Data)
	}
	foreign := answer(relay.GlobalID("SimCard", bob.iccids[0]))
	missing := answer(relay.GlobalID("SimCard", "8999709999999999991"))
	if foreign != missing {
		t.Errorf("bob's SIM answers %s, a missing one %s: want the same", foreign, missing)
	}
	var p alertsPayload
	if err := json.Unmarshal([]byte(foreign), &p); err != nil || len(p.SimCardAlertsUpdate.UserErrors) != 1 || p.SimCardAlertsUpdate.UserErrors[0].Code != "NOT_FOUND" {
		t.Errorf("bob's SIM: %s, want one NOT_FOUND user error", foreign)
	}
	var th *int64
	if err := api.DB.Get(&th, `SELECT low_balance_threshold FROM sim_cards WHERE iccid = $1`, bob.iccids[0]); err != nil || th != nil {
		t.Errorf("bob's threshold = %v (%v), want untouched (null)", th, err)
	}
	// Anonymous: the coded top-level error, as every customer mutation.
	res := api.Do(apitest.Request{Query: setAlerts, Variables: map[string]any{"in": map[string]any{"id": relay.GlobalID("SimCard", bob.iccids[0])}}})
	if len(res.Errors) != 1 || res.Errors[0].Code() != "UNAUTHENTICATED" {
		t.Errorf("anonymous: %+v, want UNAUTHENTICATED", res.Errors)
	}
}
