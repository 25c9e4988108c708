package store

import (
	"reflect"
	"testing"
)

// group hands each key its rows in order, whether a key's rows come
// together or not, and a caller appending to one key's rows leaves the
// next key's alone although they share an array.
func TestGroupGivesEachKeyItsRows(t *testing.T) {
	keys := []string{"a", "b", "c", "d"}
	ords := []int{1, 1, 2, 4, 4, 2}
	rows := []int{10, 11, 20, 40, 41, 21}
	got := group(keys, ords, rows)
	want := map[string][]int{"a": {10, 11}, "b": {20, 21}, "c": nil, "d": {40, 41}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("group = %v, want %v", got, want)
	}
	_ = append(got["a"], 99)
	if got["b"][0] != 20 {
		t.Errorf("appending to a's rows changed b's: %v", got["b"])
	}
}
