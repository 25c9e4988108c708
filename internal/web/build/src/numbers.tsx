// My numbers: every SIM card with its balance, live; add one by ICCID and
// activation code; label, top up and remove.
import { useEffect, useRef, useState } from 'preact/hooks';
import { MyNumbersDocument, SimCardAddDocument, SimCardAlertsUpdateDocument, SimCardRemoveDocument, SimCardUpdatedDocument, SimCardUpdateDocument, type SimFragment } from './gql/graphql';
import { dateTime, enumText, money, t } from './i18n';
import { checkIccid } from './iccid';
import { Link } from './router';
import { ActionButton, Alert, Button, Field, Loading, Notice, Page, SaveCancel, generalProblems, problemFor, useMutation, useQuery } from './ui';
import { client, errorText } from './client';

/**
 * The account's SIM cards as they change (simCardUpdated over SSE): graphcache
 * writes each update over the SimCard it holds, so every screen showing it
 * re-renders, and say() announces a new balance of a SIM on screen (shown),
 * not a change the customer made here (adding a SIM) nor another SIM's. A
 * stream that fails is opened again after a pause.
 */
export function useLiveBalances(say: (s: string) => void, shown: readonly { iccid: string; balance: { amount: string } }[]) {
  const onScreen = useRef(new Map<string, string>());
  onScreen.current = new Map(shown.map((s) => [s.iccid, s.balance.amount]));
  useEffect(() => {
    let sub: { unsubscribe(): void } | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const start = () => {
      sub = client.subscription(SimCardUpdatedDocument, {}).subscribe((r) => {
        const s = r.data?.simCardUpdated;
        const before = s && onScreen.current.get(s.iccid);
        if (s && before !== undefined && before !== s.balance.amount) {
          onScreen.current.set(s.iccid, s.balance.amount);
          say(t('balanceNow', { name: simName(s), amount: money(s.balance) }));
        }
        if (r.error) {
          sub?.unsubscribe();
          retry = setTimeout(start, 5000);
        }
      });
    };
    start();
    return () => {
      clearTimeout(retry);
      sub?.unsubscribe();
    };
  }, [client]);
}

/** Whether the SIM owes data used beyond its balance (a top-up repays it first). */
export function owes(s: { overdraft: { amount: string } }): boolean {
  return /[1-9]/.test(s.overdraft.amount);
}

export function simName(s: { label?: string | null; iccid: string }): string {
  return s.label || t('simUnnamed', { last4: s.iccid.slice(-4) });
}

export function Numbers() {
  const q = useQuery(MyNumbersDocument, {}, { requestPolicy: 'cache-and-network' });
  const [notice, setNotice] = useState('');
  const sims = q.data?.me?.simCards;
  useLiveBalances(setNotice, sims ?? []);
  return (
    <Page title={t('numbersTitle')}>
      <Notice text={notice} />
      <Alert text={errorText(q.error, t)} />
      {!sims ? (
        q.fetching && <Loading />
      ) : sims.length === 0 ? (
        <p class="empty">{t('numbersEmpty')}</p>
      ) : (
        <ul class="cards" aria-label={t('numbersTitle')}>
          {sims.map((s) => (
            <Sim key={s.id} sim={s} say={setNotice} />
          ))}
        </ul>
      )}
      <AddSim say={setNotice} />
    </Page>
  );
}

function Sim({ sim, say }: { sim: SimFragment; say: (s: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [alerting, setAlerting] = useState(false);
  const [label, setLabel] = useState(sim.label ?? '');
  const update = useMutation(SimCardUpdateDocument);
  const remove = useMutation(SimCardRemoveDocument);
  const name = simName(sim);
  return (
    <li class="card">
      <h2>{name}</h2>
      <p class="big">
        <span class="muted">{t('balance')}: </span>
        <strong>{money(sim.balance)}</strong>
        {sim.balanceAsOf && <span class="muted"> {t('balanceAsOf', { time: dateTime(sim.balanceAsOf) })}</span>}
      </p>
      <dl>
        <dt>{t('iccid')}</dt>
        <dd class="mono">{sim.iccid}</dd>
        {sim.msisdn && (
          <>
            <dt>{t('number')}</dt>
            <dd>{sim.msisdn}</dd>
          </>
        )}
        <dt>{t('status')}</dt>
        <dd>{enumText('simStatus_', sim.status)}</dd>
        {owes(sim) && (
          <>
            <dt>{t('owed')}</dt>
            <dd>{money(sim.overdraft)}</dd>
          </>
        )}
        {sim.projectedRunOutAt && (
          <>
            <dt>{t('runsOut')}</dt>
            <dd>{dateTime(sim.projectedRunOutAt)}</dd>
          </>
        )}
        <dt>{t('lastUsed')}</dt>
        <dd>{sim.lastUsageAt ? dateTime(sim.lastUsageAt) : t('never')}</dd>
        <dt>{t('alerts')}</dt>
        <dd>
          {[
            sim.alerts.lowBalanceThreshold && t('alertLow', { amount: money(sim.alerts.lowBalanceThreshold) }),
            sim.alerts.runOutWarningDays && t('alertRunOut', { days: sim.alerts.runOutWarningDays }),
          ]
            .filter(Boolean)
            .join('; ') || t('alertsNone')}
        </dd>
      </dl>
      {alerting && <Alerts sim={sim} done={(s) => (setAlerting(false), s && say(s))} />}
      <Alert text={update.error || remove.error || generalProblems([...update.problems, ...remove.problems], ['label'])} />
      {editing ? (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (await update.run({ input: { id: sim.id, label } }, (d) => d.simCardUpdate)) {
              setEditing(false);
              say(t('saved'));
            }
          }}
        >
          <Field label={t('label')} name="label" value={label} onInput={setLabel} problem={problemFor(update.problems, 'label')} />
          <SaveCancel busy={update.busy} onCancel={() => setEditing(false)} />
        </form>
      ) : (
        <div class="actions">
          {(sim.status === 'ACTIVE' || sim.status === 'SUSPENDED') && (
            <Link class="button" href={`/account/numbers/${sim.iccid}/top-up`}>
              {t('topUp')}
              <span class="sr-only"> {name}</span>
            </Link>
          )}
          <Link class="button secondary" href={`/account/history?sim=${sim.iccid}`}>
            {t('seeHistory')}
          </Link>
          <ActionButton label={t('rename')} name={name} onClick={() => setEditing(true)} />
          {!alerting && <ActionButton label={t('alerts')} name={name} onClick={() => setAlerting(true)} />}
          <ActionButton
            label={t('remove')}
            name={name}
            kind="danger"
            busy={remove.busy}
            ask={t('removeConfirm', { name })}
            onClick={async () => (await remove.run({ id: sim.id }, (d) => d.simCardRemove)) && say(t('removed', { name }))}
          />
        </div>
      )}
    </li>
  );
}

function Alerts({ sim, done }: { sim: SimFragment; done: (notice: string) => void }) {
  const [low, setLow] = useState(sim.alerts.lowBalanceThreshold?.amount ?? '');
  const [days, setDays] = useState(sim.alerts.runOutWarningDays ? String(sim.alerts.runOutWarningDays) : '');
  const m = useMutation(SimCardAlertsUpdateDocument);
  return (
    <form
      aria-label={`${t('alertsTitle')}: ${simName(sim)}`}
      onSubmit={async (e) => {
        e.preventDefault();
        const input = { id: sim.id, lowBalanceThreshold: low.trim() || null, runOutWarningDays: days.trim() ? Number(days) : null };
        if (await m.run({ input }, (d) => d.simCardAlertsUpdate)) done(t('saved'));
      }}
    >
      <h3>{t('alertsTitle')}</h3>
      <Alert text={m.error || generalProblems(m.problems, ['lowBalanceThreshold', 'runOutWarningDays'])} />
      <Field label={t('lowBalanceThreshold')} name="lowBalanceThreshold" inputmode="decimal" hint={t('lowBalanceHint', { currency: sim.balance.currencyCode })} value={low} onInput={setLow} problem={problemFor(m.problems, 'lowBalanceThreshold')} />
      <Field label={t('runOutWarningDays')} name="runOutWarningDays" inputmode="numeric" hint={t('runOutHint')} value={days} onInput={setDays} problem={problemFor(m.problems, 'runOutWarningDays')} />
      <SaveCancel busy={m.busy} onCancel={() => done('')} />
    </form>
  );
}

function AddSim({ say }: { say: (s: string) => void }) {
  const [iccid, setIccid] = useState('');
  const [code, setCode] = useState('');
  const add = useMutation(SimCardAddDocument);
  const check = checkIccid(iccid);
  return (
    <section aria-labelledby="add-sim">
      <h2 id="add-sim">{t('addSimTitle')}</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const d = await add.run({ input: { iccid: iccid.replace(/\s+/g, ''), activationCode: code.trim() || undefined } }, (d) => d.simCardAdd);
          if (d?.simCardAdd.simCard) {
            say(t('added', { name: simName(d.simCardAdd.simCard) }));
            setIccid('');
            setCode('');
          }
        }}
      >
        <Alert text={add.error || generalProblems(add.problems, ['iccid', 'activationCode'])} />
        <Field
          label={t('iccid')}
          name="iccid"
          inputmode="numeric"
          autocomplete="off"
          required
          hint={t('iccidHint')}
          live={check.say}
          value={iccid}
          onInput={setIccid}
          problem={problemFor(add.problems, 'iccid')}
        />
        <Field label={t('code')} name="activationCode" autocomplete="off" hint={t('codeHint')} value={code} onInput={setCode} problem={problemFor(add.problems, 'activationCode')} />
        <Button busy={add.busy}>{t('addSim')}</Button>
      </form>
    </section>
  );
}
