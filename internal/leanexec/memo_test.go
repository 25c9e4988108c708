package leanexec

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestKeyFollowsPointers(t *testing.T) {
	a, b, c := "PAID", "PAID", "SHIPPED"
	var none *string
	if Key("OrdersPage", 1, &a, []string{"x"}) != Key("OrdersPage", 1, &b, []string{"x"}) {
		t.Error("equal values behind different pointers gave different keys")
	}
	for _, other := range []string{Key("OrdersPage", 1, &c, []string{"x"}), Key("OrdersPage", 1, none, []string{"x"}),
		Key("OrdersPage", 2, &a, []string{"x"}), Key("OrderByNumber", 1, &a, []string{"x"}), Key("OrdersPage", 1, &a, []string{"y"})} {
		if other == Key("OrdersPage", 1, &a, []string{"x"}) {
			t.Errorf("different reads share the key %s", other)
		}
	}
}

func TestKeyWritesStructsAndTimes(t *testing.T) {
	type window struct {
		ICCID    string
		From, To time.Time
	}
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	a := []window{{"8999", day, day.Add(time.Hour)}}
	b := []window{{"8999", day.In(time.FixedZone("ALMT", 5*3600)), day.Add(time.Hour)}}
	if Key("UsageByCountry", a) != Key("UsageByCountry", b) {
		t.Errorf("the same instants in another zone gave another key: %s, %s", Key("UsageByCountry", a), Key("UsageByCountry", b))
	}
	c := []window{{"8999", day, day.Add(time.Nanosecond)}}
	if Key("UsageByCountry", a) == Key("UsageByCountry", c) {
		t.Errorf("windows a nanosecond apart share the key %s", Key("UsageByCountry", a))
	}
}

func TestRememberReadsOncePerQuery(t *testing.T) {
	calls := 0
	fetch := func() (int, error) { calls++; return calls, errors.New("kept too") }
	ctx := context.WithValue(context.Background(), memoKey{}, &memo{reads: map[string]*read{}})
	for range 3 {
		if v, err := Remember(ctx, "k", fetch); v != 1 || err == nil {
			t.Fatalf("Remember = %d, %v; want the first read, 1 and its error", v, err)
		}
	}
	if v, _ := Remember(context.Background(), "k", fetch); v != 2 {
		t.Errorf("outside a query Remember = %d, want a fresh read (2)", v)
	}
}

func TestRememberForgetsAPanic(t *testing.T) {
	ctx := context.WithValue(context.Background(), memoKey{}, &memo{reads: map[string]*read{}})
	func() {
		defer func() { _ = recover() }()
		_, _ = Remember(ctx, "k", func() (int, error) { panic("store is nil") })
	}()
	if v, err := Remember(ctx, "k", func() (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Errorf("after a panicked read Remember = %d, %v; want a fresh read, 7", v, err)
	}
}
