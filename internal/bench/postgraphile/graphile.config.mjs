// PostGraphile v5 as `tez bench -against postgraphile` runs it: the amber
// preset over the public schema, with nothing but what the comparison needs
// (docs/benchmarks.md, "Against PostGraphile"). The bench starts server.mjs,
// which reads this file; the connection comes from the standard libpq
// variables (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGSSLMODE) or
// DATABASE_URL, and PGOPTIONS carries session settings (plan_cache_mode).
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL || undefined, // else the PG* variables
      schemas: ["public"],
      // As many connections as the tez server's pool (TEZ_DB_MAX_CONNS).
      poolConfig: { max: Number(process.env.PGL_POOL_MAX || 16) },
    }),
  ],
  // PostGraphile exposes a relation backwards (user → SIM cards, user →
  // orders) and an order by a column only when a full index serves it; the
  // indexes here that serve those reads are partial (sim_cards_user_idx,
  // orders_user_created_idx: WHERE user_id IS NOT NULL), which the planner
  // uses for user_id = $1 but this plugin does not count.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  schema: {
    // The dashboard lists addresses by last use, most recent first, never
    // used last, as the tez server does (last_used_at DESC NULLS LAST).
    pgOrderByNullsLast: true,
  },
  grafserv: {
    port: Number(process.env.PORT || 5678),
    host: "127.0.0.1",
    graphqlPath: "/graphql",
    graphiql: false,
    watch: false,
  },
  grafast: { explain: false },
};

export default preset;
