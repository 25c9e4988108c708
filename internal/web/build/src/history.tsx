// My history: a SIM card and a date range; the totals per country and the
// sessions, paged ("Show more" merges the next page: graphcache's
// relayPagination); the CSV download of the same range.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { BalanceHistoryDocument, HistoryDocument, MyNumbersDocument } from './gql/graphql';
import { bytes, country, dateTime, enumText, money, t } from './i18n';
import { navigate, useLocation } from './router';
import { Alert, Loading, Page, Table, useQuery } from './ui';
import { errorText } from './client';
import { simName } from './numbers';

const pageSize = 10;

function day(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The start of a day typed in a date field, in the browser's time zone, as RFC 3339. */
function instant(d: string, plusDays = 0): string {
  const [y, m, dd] = d.split('-').map(Number);
  return new Date(y, m - 1, dd + plusDays).toISOString();
}

export function History() {
  const loc = useLocation();
  const params = new URLSearchParams(loc.search);
  const sims = useQuery(MyNumbersDocument, {});
  const list = sims.data?.me?.simCards ?? [];
  const today = new Date();
  const [from, setFrom] = useState(params.get('from') ?? day(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 90)));
  const [to, setTo] = useState(params.get('to') ?? day(today));
  const iccid = params.get('sim') ?? list[0]?.iccid ?? '';
  const [range, setRange] = useState({ from, to });
  return (
    <Page title={t('historyTitle')}>
      <Alert text={errorText(sims.error, t)} />
      {!sims.data ? (
        <Loading />
      ) : list.length === 0 ? (
        <p class="empty">{t('historyNoSims')}</p>
      ) : (
        <>
          <form
            class="filters"
            onSubmit={(e) => {
              e.preventDefault();
              setRange({ from, to });
            }}
          >
            <div class="field">
              <label for="h-sim">{t('historyPick')}</label>
              <select id="h-sim" value={iccid} onChange={(e) => navigate(`/account/history?sim=${(e.target as HTMLSelectElement).value}`, true)}>
                {list.map((s) => (
                  <option key={s.id} value={s.iccid}>
                    {simName(s)} · {s.iccid}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="h-from">{t('from')}</label>
              <input id="h-from" type="date" value={from} max={to} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="h-to">{t('to')}</label>
              <input id="h-to" type="date" value={to} min={from} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
            </div>
            <button type="submit">{t('show')}</button>
          </form>
          {iccid && range.from && range.to && <Sessions key={iccid + range.from + range.to} iccid={iccid} from={instant(range.from)} to={instant(range.to, 1)} />}
          {iccid && <BalanceChanges key={iccid} iccid={iccid} />}
        </>
      )}
    </Page>
  );
}

function Sessions(props: { iccid: string; from: string; to: string }) {
  const [after, setAfter] = useState<string | null>(null);
  const q = useQuery(HistoryDocument, { iccid: props.iccid, from: props.from, to: props.to, first: pageSize, after });
  const sim = q.data?.me?.simCard;
  if (!sim) {
    if (q.fetching) return <Loading />;
    return <Alert text={q.error ? errorText(q.error, t) : t('notFoundHint')} />;
  }
  const u = sim.usage;
  const conn = sim.usageSessions;
  return (
    <>
      <Alert text={errorText(q.error, t)} />
      <section aria-labelledby="h-totals">
        <h2 id="h-totals">{t('totals')}</h2>
        <p class="big">
          {bytes(u.totalBytes)} · {money(u.cost)} · {t('sessionsCount', { count: u.sessionCount })}
        </p>
        {u.byCountry.length > 0 && (
          <Table caption={t('byCountry')} cols={[t('country'), t('data'), t('cost')]}>
            {u.byCountry.map((c) => (
              <tr key={c.countryCode}>
                <th scope="row">{country(c.countryCode)}</th>
                <td>{bytes(c.totalBytes)}</td>
                <td>{money(c.cost)}</td>
              </tr>
            ))}
          </Table>
        )}
        <p>
          <a class="button secondary" href={sim.usageExportUrl} download>
            {t('downloadCsv')}
          </a>
        </p>
      </section>
      <Paged
        id="h-sessions"
        title={t('sessions')}
        empty={t('historyEmpty')}
        cols={[t('started'), t('country'), t('data'), t('cost')]}
        conn={conn}
        fetching={q.fetching}
        more={setAfter}
        row={({ node: s }) => (
          <tr key={s.id}>
            <td>{dateTime(s.startedAt)}</td>
            <td>
              {country(s.countryCode)} <span class="muted">{s.networkName}</span>
            </td>
            <td>{bytes(s.totalBytes)}</td>
            <td>{money(s.cost)}</td>
          </tr>
        )}
      >
        <p class="muted" aria-live="polite">
          {t('shownOf', { shown: conn.edges.length, total: conn.totalCount })}
        </p>
      </Paged>
    </>
  );
}

/** The SIM's balance changes, newest first: top-ups, usage, refunds and adjustments. */
function BalanceChanges({ iccid }: { iccid: string }) {
  const [after, setAfter] = useState<string | null>(null);
  const q = useQuery(BalanceHistoryDocument, { iccid, first: pageSize, after });
  const conn = q.data?.me?.simCard?.balanceEntries;
  if (!conn) return q.fetching ? <Loading /> : null;
  return (
    <Paged
      id="h-balance"
      title={t('balanceChanges')}
      empty={t('balanceChangesEmpty')}
      cols={[t('when'), t('what'), t('change'), t('balanceAfter')]}
      conn={conn}
      fetching={q.fetching}
      more={setAfter}
      row={({ cursor, node: e }) => (
        <tr key={cursor}>
          <td>{dateTime(e.createdAt)}</td>
          <td>{enumText('entryKind_', e.kind)}</td>
          <td>{money(e.amount)}</td>
          <td>{money(e.balanceAfter)}</td>
        </tr>
      )}
    />
  );
}

/**
 * A section of a connection's rows as a table, or empty when it has none;
 * children come under the table, and "Show more" asks more for the rows
 * after the last.
 */
function Paged<E>(props: {
  id: string;
  title: string;
  empty: string;
  cols: string[];
  conn: { edges: readonly E[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } };
  fetching: boolean;
  more: (after: string | null) => void;
  row: (edge: E) => ComponentChildren;
  children?: ComponentChildren;
}) {
  const { conn } = props;
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {conn.edges.length === 0 ? (
        <p class="empty">{props.empty}</p>
      ) : (
        <Table cols={props.cols}>{conn.edges.map(props.row)}</Table>
      )}
      {props.children}
      {conn.pageInfo.hasNextPage && (
        <button type="button" class="secondary" disabled={props.fetching} onClick={() => props.more(conn.pageInfo.endCursor ?? null)}>
          {props.fetching ? t('loading') : t('showMore')}
        </button>
      )}
    </section>
  );
}
