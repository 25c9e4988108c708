// Top up a SIM card (the low-balance email's link opens this page): choose
// a voucher in the SIM's currency, check out with the SIM's ICCID, and pay on
// the provider's page, which comes back to the order paid; the balance is
// credited then (a suspended SIM is turned on again), live on this page too.
import { useState } from 'preact/hooks';
import { CheckoutDocument, OrderPayDocument, TopUpDocument } from './gql/graphql';
import { enumText, money, t } from './i18n';
import { checkIccid } from './iccid';
import { Link } from './router';
import { Alert, Button, Loading, Notice, Page, generalProblems, useMutation, useQuery } from './ui';
import { errorText } from './client';
import { owes, simName, useLiveBalances } from './numbers';

/** The one answer for an ICCID that is malformed, unknown or another customer's. */
export function NotFound({ back }: { back: { href: string; text: string } }) {
  return (
    <Page title={t('notFound')}>
      <p>{t('notFoundHint')}</p>
      <Link href={back.href}>{back.text}</Link>
    </Page>
  );
}

export function TopUp({ iccid }: { iccid: string }) {
  const wellFormed = checkIccid(iccid).ok;
  const q = useQuery(TopUpDocument, { iccid }, { pause: !wellFormed, requestPolicy: 'cache-and-network' });
  const checkout = useMutation(CheckoutDocument);
  const pay = useMutation(OrderPayDocument);
  const [sku, setSku] = useState('');
  const [notice, setNotice] = useState('');
  const [problem, setProblem] = useState('');
  const sim = q.data?.me?.simCard;
  useLiveBalances(setNotice, sim ? [sim] : []);
  const back = { href: '/account/numbers', text: t('backToNumbers') };
  if (!wellFormed) return <NotFound back={back} />;
  if (!q.data) return q.error ? <Alert text={errorText(q.error, t)} /> : <Loading />;
  if (!sim) return <NotFound back={back} />;
  const vouchers = q.data.products.edges
    .map((e) => e.node)
    .filter((p) => p.active && p.voucherAmount?.currencyCode === sim.balance.currencyCode);
  const busy = checkout.busy || pay.busy;
  return (
    <Page title={t('topUpTitle', { name: simName(sim) })}>
      <Notice text={notice} />
      <p class="big">
        <span class="muted">{t('balance')}: </span>
        <strong>{money(sim.balance)}</strong> <span class="muted">({enumText('simStatus_', sim.status)})</span>
      </p>
      {sim.status === 'SUSPENDED' && <p class="notice">{t('topUpSuspended')}</p>}
      {owes(sim) && <p>{t('topUpOwed', { amount: money(sim.overdraft) })}</p>}
      <Alert text={problem || checkout.error || pay.error || generalProblems([...checkout.problems, ...pay.problems], [])} />
      {vouchers.length === 0 ? (
        <p class="empty">{t('topUpNone')}</p>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setProblem('');
            if (!sku) return setProblem(t('topUpChoose'));
            const placed = await checkout.run({ input: { lines: [{ sku, quantity: 1, iccid: sim.iccid }] } }, (d) => d.checkout);
            const order = placed?.checkout.order;
            if (!order) return;
            const d = await pay.run({ input: { orderId: order.id } }, (d) => d.orderPay);
            const url = d?.orderPay.payment?.redirectUrl;
            if (url) location.assign(url);
          }}
        >
          <fieldset>
            <legend>{t('topUpVoucher')}</legend>
            {vouchers.map((v) => (
              <div class="check choice" key={v.id}>
                <input type="radio" id={`v-${v.sku}`} name="voucher" value={v.sku} checked={sku === v.sku} onChange={() => setSku(v.sku)} />
                <label for={`v-${v.sku}`}>{t('topUpCredits', { name: v.name, amount: money(v.voucherAmount!), price: money(v.price) })}</label>
              </div>
            ))}
          </fieldset>
          <Button busy={busy}>{t('topUpPay')}</Button>
        </form>
      )}
      <p>
        <Link href={back.href}>{back.text}</Link>
      </p>
    </Page>
  );
}
