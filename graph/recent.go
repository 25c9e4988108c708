package graph

import (
	"strconv"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/store"
)

// maxRecentSessions bounds SimCard.recentUsageSessions: the dashboard's few,
// not a history (that is usageSessions, paged).
const maxRecentSessions = 20

// recentKey is the newestSessions key of a SIM's limit newest sessions since
// it joined the account; a limit out of range (or null) is the client's error.
func recentKey(iccid string, limit *int) (store.NewestKey, error) {
	if err := recentLimit(limit); err != nil {
		return store.NewestKey{}, err
	}
	return store.NewestKey{UsageRange: store.UsageRange{ICCID: iccid}, Limit: *limit}, nil
}

// recentLimit is the rule for recentUsageSessions' limit, which InputCheck
// applies before anything runs.
func recentLimit(limit *int) error {
	if limit == nil || *limit < 0 || *limit > maxRecentSessions {
		got := "null"
		if limit != nil {
			got = strconv.Itoa(*limit)
		}
		return apperr.New(apperr.Invalid, "limit must be between 0 and %d, got %s", maxRecentSessions, got)
	}
	return nil
}
