// What every test needs: the servers under test, the demo customer, and a
// fetch that counts the requests a client makes.
export const demo = { email: 'demo@tez.example', password: 'tez-demo-2026' };

const must = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite with go test ./internal/clienttest`);
  return v;
};

// server(base) talks to one server; requests counts every call of its fetch.
export function server(base) {
  const s = {
    endpoint: `${base}/graphql`,
    requests: [],
    // fetch is handed to the clients: it records each request's body.
    fetch: async (input, init = {}) => {
      s.requests.push(init.body ? JSON.parse(init.body) : { url: String(input) });
      return fetch(input, init);
    },
    async post(body, token) {
      const res = await fetch(s.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return res.json();
    },
  };
  return s;
}

export const tez = server(must('TEZ_URL'));
export const trusted = () => server(must('TEZ_TRUSTED_URL'));

// dashboardVars are the dashboard's usage range: the last 90 days.
export const dashboardVars = () => {
  const now = Date.now();
  return { from: new Date(now - 90 * 86400e3).toISOString(), to: new Date(now + 3600e3).toISOString() };
};

// busiest is the dashboard's SIM card with the most sessions: its history
// has pages to turn.
export const busiest = (dashboard) =>
  dashboard.me.simCards.reduce((a, b) => (b.usage.sessionCount > a.usage.sessionCount ? b : a));
