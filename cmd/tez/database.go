package main

import (
	"context"
	"fmt"

	"github.com/teztelecom/tez/internal/pgdev"
	"github.com/teztelecom/tez/internal/store"
)

// embeddedDatabase is the database the embedded cluster serves.
const embeddedDatabase = "tez"

// database is an open, migrated database and how to let go of it.
type database struct {
	st       *store.Store
	dsn      string
	embedded bool
	// cluster is the embedded cluster; nil on DATABASE_URL.
	cluster *pgdev.Cluster
	close   func()
}

// openDatabase opens DATABASE_URL or, when it is unset, starts (or joins) the
// embedded cluster under TEZ_DATA_DIR and opens its database name; with
// fresh, that database is dropped and created anew (scratch databases). With
// migrate, pending migrations are applied. Subcommands call withDatabase.
func openDatabase(ctx context.Context, env *environment, name string, fresh, migrate bool) (*database, error) {
	opts := store.PoolOptions{MaxConns: env.cfg.DBMaxConns, StatementTimeout: env.cfg.StatementTimeout, Unprepared: !env.cfg.DBPrepared}
	if env.cfg.DatabaseURL != "" {
		db, err := store.Open(ctx, env.cfg.DatabaseURL, opts)
		if err != nil {
			return nil, err
		}
		if migrate {
			if err := store.Migrate(ctx, db.DB); err != nil {
				db.Close()
				return nil, err
			}
		}
		st, err := store.WithReplicas(db, env.cfg.DatabaseReplicaURLs, opts, env.cfg.ReplicaMaxLag)
		if err != nil {
			db.Close()
			return nil, err
		}
		return &database{st: st, dsn: env.cfg.DatabaseURL, close: func() { st.DB().Close() }}, nil
	}

	cluster, err := pgdev.Start(ctx, pgdev.Options{Dir: env.cfg.DataDir, Durable: true, Logger: env.log})
	if err != nil {
		return nil, fmt.Errorf("embedded database: %w", err)
	}
	stopCluster := func() {
		if err := cluster.Stop(); err != nil {
			env.log.Error("stop embedded postgres", "err", err)
		}
	}
	if fresh {
		if err := cluster.DropDatabase(ctx, name); err != nil {
			stopCluster()
			return nil, err
		}
	}
	if _, err := cluster.EnsureDatabase(ctx, name); err != nil {
		stopCluster()
		return nil, err
	}
	db, err := store.Open(ctx, cluster.DSN(name), opts)
	if err != nil {
		stopCluster()
		return nil, err
	}
	if migrate {
		if err := store.Migrate(ctx, db.DB); err != nil {
			db.Close()
			stopCluster()
			return nil, err
		}
	}
	st, err := store.WithReplicas(db, env.cfg.DatabaseReplicaURLs, opts, env.cfg.ReplicaMaxLag)
	if err != nil {
		db.Close()
		stopCluster()
		return nil, err
	}
	return &database{st: st, dsn: cluster.DSN(name), embedded: true, cluster: cluster, close: func() { st.DB().Close(); stopCluster() }}, nil
}
