package bench

// StatementCost is what one statement (as pg_stat_statements normalises
// it) cost PostgreSQL over a measured run: the totals as read, and per call.
type StatementCost struct {
	Query  string  `db:"query" json:"query"`
	Calls  int64   `db:"calls" json:"calls"`
	Plans  int64   `db:"plans" json:"plans"`
	PlanMs float64 `db:"plan_ms" json:"-"`
	ExecMs float64 `db:"exec_ms" json:"-"`
	// Per call, in ms, and calls per request.
	CallsPerRequest float64 `db:"-" json:"calls_per_request"`
	PlanMsPerCall   float64 `db:"-" json:"plan_ms_per_call"`
	ExecMsPerCall   float64 `db:"-" json:"exec_ms_per_call"`
}

// Attribute sets r's statement figures per request from the run's
// statements. Without planning tracked, plans and planning time stay zero
// and are reported as unknown.
func Attribute(r *Result, stmts []StatementCost, planning bool) {
	n := float64(r.Requests)
	var calls, plans int64
	var planMs, execMs float64
	for i := range stmts {
		s := &stmts[i]
		calls, plans, planMs, execMs = calls+s.Calls, plans+s.Plans, planMs+s.PlanMs, execMs+s.ExecMs
		s.CallsPerRequest = float64(s.Calls) / n
		if s.Calls > 0 {
			s.PlanMsPerCall, s.ExecMsPerCall = s.PlanMs/float64(s.Calls), s.ExecMs/float64(s.Calls)
		}
	}
	r.StatementsPerRequest = float64(calls) / n
	r.ExecMs = execMs / n
	r.Statements = stmts
	if planning {
		r.PlanMs, r.PlansPerRequest = planMs/n, float64(plans)/n
		r.PlanningTracked = true
	}
}
