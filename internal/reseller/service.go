package reseller

import (
	"bufio"
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/ratelimit"
	"github.com/teztelecom/tez/internal/reqctx"
	"github.com/teztelecom/tez/internal/store"
)

// Service runs the reseller rules: key checks, rate limits, administration.
type Service struct {
	store   *store.Store
	limiter *ratelimit.Limiter
	log     *slog.Logger
}

// NewService makes the service; limiter may be nil for administration only.
func NewService(st *store.Store, limiter *ratelimit.Limiter, log *slog.Logger) *Service {
	return &Service{store: st, limiter: limiter, log: log}
}

// errBadKey is the one answer for garbled, unknown, revoked and expired keys.
var errBadKey = apperr.New(apperr.Unauthenticated, "invalid, revoked or expired API key")

// Authenticate checks a presented key and returns it with its rate limit.
func (s *Service) Authenticate(ctx context.Context, presented string) (store.LiveAPIKey, error) {
	prefix, secret, ok := ParseKey(presented)
	if !ok {
		return store.LiveAPIKey{}, errBadKey
	}
	key, err := s.store.LiveAPIKeyByPrefix(ctx, s.store.DB(), prefix)
	if apperr.Is(err, apperr.NotFound) {
		return store.LiveAPIKey{}, errBadKey
	}
	if err != nil {
		return store.LiveAPIKey{}, err
	}
	if subtle.ConstantTimeCompare(HashSecret(secret), key.SecretHash) != 1 {
		return store.LiveAPIKey{}, errBadKey
	}
	if key.LastUsedAt == nil || time.Since(*key.LastUsedAt) > time.Minute {
		// Off the request path: losing one costs only last_used_at's accuracy.
		go func() {
			ctx, cancel := context.WithTimeout(reqctx.Detached(ctx), 5*time.Second)
			defer cancel()
			if err := s.store.TouchAPIKey(ctx, s.store.DB(), key.ID); err != nil {
				s.log.WarnContext(ctx, "touch api key", "err", err, "prefix", key.Prefix)
			}
		}()
	}
	return key, nil
}

// Admit takes one request from the key's rate limit.
func (s *Service) Admit(ctx context.Context, key store.LiveAPIKey) (ratelimit.Decision, error) {
	return s.limiter.Take(ctx, fmt.Sprintf("reseller-key:%d", key.ID),
		ratelimit.Limit{Rate: float64(key.RatePerSecond), Burst: key.Burst})
}

// Create adds a reseller with its rate limit.
func (s *Service) Create(ctx context.Context, name string, rate, burst int) (store.Reseller, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return store.Reseller{}, apperr.New(apperr.Invalid, "a reseller needs a name (--name)")
	}
	if rate < 1 || burst < 1 {
		return store.Reseller{}, apperr.New(apperr.Invalid, "rate and burst must be at least 1")
	}
	return s.store.CreateReseller(ctx, s.store.DB(), name, rate, burst)
}

// CreateKey makes a key for the reseller named or numbered ref; ttl 0
// means it does not expire. The returned Full value is shown once.
func (s *Service) CreateKey(ctx context.Context, ref string, ttl time.Duration) (Key, store.APIKey, error) {
	r, err := s.store.ResellerByRef(ctx, s.store.DB(), ref)
	if err != nil {
		return Key{}, store.APIKey{}, err
	}
	k, err := NewKey()
	if err != nil {
		return Key{}, store.APIKey{}, err
	}
	var expires *time.Time
	if ttl > 0 {
		at := time.Now().Add(ttl)
		expires = &at
	}
	stored, err := s.store.CreateAPIKey(ctx, s.store.DB(), r.ID, k.Prefix, k.SecretHash, expires)
	return k, stored, err
}

// Keys lists the reseller's keys.
func (s *Service) Keys(ctx context.Context, ref string) ([]store.APIKey, error) {
	r, err := s.store.ResellerByRef(ctx, s.store.DB(), ref)
	if err != nil {
		return nil, err
	}
	return s.store.APIKeysOfReseller(ctx, s.store.DB(), r.ID)
}

// Revoke revokes a key given as its prefix or as the whole key.
func (s *Service) Revoke(ctx context.Context, keyOrPrefix string) error {
	prefix := keyOrPrefix
	if p, _, ok := ParseKey(keyOrPrefix); ok {
		prefix = p
	}
	return s.store.RevokeAPIKey(ctx, s.store.DB(), prefix)
}

// AssignReport says what an assignment file did, line by line.
type AssignReport struct {
	Assigned, AlreadyYours int
	Problems               []string // "line N: …"
}

// assignBatch bounds one statement's ICCID list.
const assignBatch = 5000

// Assign reads ICCIDs (one per line, or CSV with the ICCID first; a header
// line is skipped) and gives the free ones to the reseller.
func (s *Service) Assign(ctx context.Context, ref string, r io.Reader) (AssignReport, error) {
	var rep AssignReport
	res, err := s.store.ResellerByRef(ctx, s.store.DB(), ref)
	if err != nil {
		return rep, err
	}
	lineOf := map[string]int{}
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		got, err := s.store.AssignSIMs(ctx, s.store.DB(), res.ID, batch)
		if err != nil {
			return err
		}
		for _, id := range batch {
			a := got[id]
			switch {
			case a.Assigned:
				rep.Assigned++
			case !a.Exists:
				rep.Problems = append(rep.Problems, fmt.Sprintf("line %d: %s: no such SIM card", lineOf[id], id))
			case a.ResellerID != nil && *a.ResellerID == res.ID:
				rep.AlreadyYours++
			default:
				rep.Problems = append(rep.Problems, fmt.Sprintf("line %d: %s: already assigned to another reseller", lineOf[id], id))
			}
		}
		batch = batch[:0]
		return nil
	}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		field, _, _ := strings.Cut(sc.Text(), ",")
		field = strings.Trim(strings.TrimSpace(field), `"`)
		if field == "" || strings.HasPrefix(field, "#") || (n == 1 && strings.EqualFold(field, "iccid")) {
			continue
		}
		if err := iccid.Valid(field); err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("line %d: %q: %v", n, field, err))
			continue
		}
		if first, dup := lineOf[field]; dup {
			rep.Problems = append(rep.Problems, fmt.Sprintf("line %d: %s: repeats line %d", n, field, first))
			continue
		}
		lineOf[field] = n
		if batch = append(batch, field); len(batch) == assignBatch {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return rep, fmt.Errorf("read ICCID list: %w", err)
	}
	return rep, flush()
}

// MaxBalanceICCIDs caps one balances request.
const MaxBalanceICCIDs = 500

// Balances reads the reseller's SIMs among iccids with one statement and
// lists the ones it does not hold — unknown or another's, alike — in
// notFound. Repeats are answered once; the order asked is kept.
func (s *Service) Balances(ctx context.Context, resellerID int64, iccids []string) (found []store.ResellerSIM, notFound []string, err error) {
	if len(iccids) > MaxBalanceICCIDs {
		return nil, nil, apperr.New(apperr.LimitExceeded, "at most %d ICCIDs per request, got %d: split the list", MaxBalanceICCIDs, len(iccids))
	}
	unique := make([]string, 0, len(iccids))
	seen := make(map[string]bool, len(iccids))
	for _, id := range iccids {
		if !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	held, err := s.store.ResellerSIMsByICCID(ctx, s.store.DB(), resellerID, unique)
	if err != nil {
		return nil, nil, err
	}
	notFound = []string{}
	for _, id := range unique {
		if sim, ok := held[id]; ok {
			found = append(found, sim)
		} else {
			notFound = append(notFound, id)
		}
	}
	return found, notFound, nil
}
