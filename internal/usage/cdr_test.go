package usage_test

import (
	"encoding/csv"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/usage"
)

const goodLine = "cdr-1,89997080000000000012,2026-10-01T08:00:00Z,2026-10-01T10:30:00.123456+02:00,1000,20000,262,01,Telekom.de,15,USD"

func TestParseCDR(t *testing.T) {
	fields := strings.Split(goodLine, ",")
	r, err := usage.ParseCDR(fields, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.CountryCode != "DE" || r.Cost != 15 || r.BytesDown != 20000 {
		t.Errorf("parsed %+v", r)
	}
	if want := time.Date(2026, 10, 1, 8, 30, 0, 123456000, time.UTC); !r.EndedAt.Equal(want) || r.EndedAt.Location() != time.UTC {
		t.Errorf("ended_at = %s, want %s in UTC", r.EndedAt, want)
	}

	bad := map[string]func([]string){
		"empty cdr_id":        func(f []string) { f[0] = "" },
		"spaced cdr_id":       func(f []string) { f[0] = " x" },
		"NUL in name":         func(f []string) { f[8] = "a\x00b" },
		"invalid UTF-8":       func(f []string) { f[8] = "\xff" },
		"time without zone":   func(f []string) { f[2] = "2026-10-01T10:00:00" },
		"in the future":       func(f []string) { f[2], f[3] = "2027-01-01T00:00:00Z", "2027-01-01T01:00:00Z" },
		"before 2000":         func(f []string) { f[2] = "1999-12-31T23:00:00Z" },
		"fractional bytes":    func(f []string) { f[4] = "1.5" },
		"lowercase currency":  func(f []string) { f[10] = "usd" },
		"two-digit mcc":       func(f []string) { f[6] = "26" },
		"one-digit mnc":       func(f []string) { f[7] = "1" },
		"negative cost":       func(f []string) { f[9] = "-1" },
		"international mcc":   func(f []string) { f[6] = "901" },
		"too few fields":      func(f []string) {},
		"bytes beyond int64":  func(f []string) { f[5] = "9223372036854775808" },
		"name over 100 bytes": func(f []string) { f[8] = strings.Repeat("n", 101) },
	}
	for name, change := range bad {
		t.Run(name, func(t *testing.T) {
			f := append([]string(nil), fields...)
			change(f)
			if name == "too few fields" {
				f = f[:10]
			}
			if _, err := usage.ParseCDR(f, now); err == nil {
				t.Errorf("accepted %q", f)
			}
		})
	}
}

func TestMCCTable(t *testing.T) {
	for _, n := range seed.Networks {
		if got, ok := usage.CountryOfMCC(n.MCC); !ok || got != n.CountryCode {
			t.Errorf("MCC %s (%s) = %q, want %s", n.MCC, n.Name, got, n.CountryCode)
		}
	}
	for mcc, want := range map[string]string{"250": "RU", "401": "KZ", "434": "UZ", "437": "KG", "311": "US", "235": "GB", "460": "CN", "724": "BR"} {
		if got, _ := usage.CountryOfMCC(mcc); got != want {
			t.Errorf("MCC %s = %q, want %s", mcc, got, want)
		}
	}
	if _, ok := usage.CountryOfMCC("901"); ok {
		t.Error("901 (international networks) has a country")
	}
}

// FuzzParseCDR: whatever a line holds, the parser returns an error or a
// session the database accepts, which formats back to itself.
func FuzzParseCDR(f *testing.F) {
	for _, s := range []string{
		goodLine,
		strings.Replace(goodLine, "Telekom.de", `"Telekom, ""DE"""`, 1),
		strings.Replace(goodLine, "2026-10-01T08:00:00Z", "2026-10-01T10:00:00+02:00", 1),
		strings.Replace(goodLine, ",15,", ",-15,", 1),
		strings.Replace(goodLine, ",262,", ",901,", 1),
		"x,89,2026-13-01T00:00:00Z,,,,,,,,",
		",,,,,,,,,,",
		"",
	} {
		f.Add(s)
	}
	db := regexp.MustCompile(`^[A-Z]{2}$`)
	f.Fuzz(func(t *testing.T, line string) {
		fields, err := csv.NewReader(strings.NewReader(line)).Read()
		if err != nil {
			return
		}
		r, err := usage.ParseCDR(fields, now)
		if err != nil {
			return
		}
		switch {
		case r.CDRID == "" || r.EndedAt.Before(r.StartedAt) || r.BytesUp < 0 || r.BytesDown < 0 || r.Cost < 0:
			t.Fatalf("accepted a session the table refuses: %+v", r)
		case !db.MatchString(r.CountryCode) || len(r.Currency) != 3 || strings.ContainsRune(r.CDRID+r.NetworkName, 0):
			t.Fatalf("accepted a session the table refuses: %+v", r)
		}
		again, err := usage.ParseCDR(usage.FormatCDR(r), now)
		if err != nil || again != r {
			t.Fatalf("%+v formats as %q, which parses as %+v, %v", r, usage.FormatCDR(r), again, err)
		}
	})
}
