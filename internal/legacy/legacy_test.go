package legacy_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/legacy"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func sim(n int) string { return iccid.WithCheckDigit(fmt.Sprintf("899970500000%06d", n)) }

func TestImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	st := store.New(db)
	var verified, other int64
	db.Get(&verified, `INSERT INTO users (email, password_hash, terms_accepted_at, terms_version, email_verified_at)
		VALUES ('verified@x.example', 'x', now(), 't', now()) RETURNING id`)
	db.Get(&other, `INSERT INTO users (email, password_hash, terms_accepted_at, terms_version)
		VALUES ('other@x.example', 'x', now(), 't') RETURNING id`)
	for n := 1; n <= 4; n++ {
		db.MustExec(`INSERT INTO sim_cards (iccid, status) VALUES ($1, 'ACTIVE')`, sim(n))
	}
	db.MustExec(`UPDATE sim_cards SET user_id = $1, owned_since = now() WHERE iccid = $2`, other, sim(4))
	badCheckDigit := sim(1)[:18] + string('0'+(sim(1)[18]-'0'+1)%10)

	csv := strings.Join([]string{
		"email,iccid,label",
		"old@x.example," + sim(1) + ",Mum's phone",                           // 2: kept, waits for old@ to verify
		"Verified@x.example, " + sim(2) + " ,Tablet",                         // 3: kept, attached at once
		"verified@x.example," + sim(4) + ",Not yours",                        // 4: kept, its SIM is someone else's
		"not an email," + sim(3) + ",x",                                      // 5: bad email
		"old@x.example," + badCheckDigit + ",x",                              // 6: bad check digit
		"old@x.example," + sim(3) + "," + strings.Repeat("л", 41),            // 7: label too long
		"old@x.example," + iccid.WithCheckDigit("899970500000999999") + ",x", // 8: no such SIM
		"old@x.example," + sim(1) + ",again",                                 // 9: repeats line 2
		"old@x.example",                                                      // 10: one field
		"",
	}, "\n")
	res, err := legacy.Import(ctx, st, strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, b := range res.Bad {
		lines = append(lines, b.Line)
		if b.Reason == "" {
			t.Errorf("line %d refused without a reason", b.Line)
		}
	}
	if fmt.Sprint(lines) != "[5 6 7 8 9 10]" || res.Rows != 9 || res.Stored != 3 || res.Attached != 1 {
		t.Fatalf("import = %+v (bad lines %v), want 9 rows, 3 stored, 1 attached, lines 5-10 bad", res, lines)
	}
	var owner struct {
		UserID *int64 `db:"user_id"`
		Label  string
	}
	db.Get(&owner, `SELECT user_id, label FROM sim_cards WHERE iccid = $1`, sim(2))
	if owner.UserID == nil || *owner.UserID != verified || owner.Label != "Tablet" {
		t.Errorf("the verified email's SIM: %+v, want attached with its label", owner)
	}
	db.Get(&owner, `SELECT user_id, label FROM sim_cards WHERE iccid = $1`, sim(4))
	if owner.UserID == nil || *owner.UserID != other {
		t.Errorf("someone else's SIM moved: %+v", owner)
	}

	t.Run("importing again changes nothing", func(t *testing.T) {
		again, err := legacy.Import(ctx, st, strings.NewReader(csv))
		if err != nil || again.Stored != 0 || again.Attached != 0 || len(again.Bad) != 6 {
			t.Errorf("second import = %+v, %v", again, err)
		}
		var n int
		db.Get(&n, `SELECT count(*) FROM legacy_sim_owners`)
		if n != 3 {
			t.Errorf("%d legacy rows, want 3", n)
		}
	})

	t.Run("a wrong header is refused", func(t *testing.T) {
		if _, err := legacy.Import(ctx, st, strings.NewReader("iccid,email\n")); err == nil {
			t.Error("no error for a wrong header")
		}
	})
}
