package usage

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
)

// mccTable maps ITU-T E.212 mobile country codes to ISO 3166-1 alpha-2
// countries (XK for Kosovo, as the operators' own records write it). Codes
// shared by several territories map to the largest one (340: the French
// Antilles → GP; 362: the former Netherlands Antilles → CW). International
// and test codes (001, 901, 999) have no country and are not listed.
//
//go:embed mcc.csv
var mccTable []byte

var countries = loadMCCTable(mccTable)

func loadMCCTable(data []byte) map[string]string {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		panic(fmt.Sprintf("usage: bundled mcc.csv: %v", err)) // a build-time asset: tested
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows[1:] {
		out[r[0]] = r[1]
	}
	return out
}

// CountryOfMCC returns the ISO country of a mobile country code.
func CountryOfMCC(mcc string) (string, bool) {
	c, ok := countries[mcc]
	return c, ok
}
