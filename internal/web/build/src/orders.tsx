// My orders: the list, an order's detail and status, and its actions as
// the API names them (availableActions): Pay on the provider's page and
// back, buy again, cancel.
import { useState } from 'preact/hooks';
import { MyOrdersDocument, OrderCancelDocument, OrderDetailDocument, OrderPayDocument, OrderReorderDocument } from './gql/graphql';
import { country, dateTime, enumText, money, t } from './i18n';
import { Link, navigate } from './router';
import { ActionButton, Alert, Button, Loading, Notice, Page, Table, generalProblems, useMutation, useQuery } from './ui';
import { errorText } from './client';

const pageSize = 20;

function Status({ status }: { status: string }) {
  return <span class={`badge s-${status.toLowerCase()}`}>{enumText('orderStatus_', status)}</span>;
}

export function Orders() {
  const [after, setAfter] = useState<string | null>(null);
  const q = useQuery(MyOrdersDocument, { first: pageSize, after }, { requestPolicy: 'cache-and-network' });
  const conn = q.data?.me?.orders;
  return (
    <Page title={t('ordersTitle')}>
      <Alert text={errorText(q.error, t)} />
      {!conn ? (
        <Loading />
      ) : conn.edges.length === 0 ? (
        <p class="empty">{t('ordersEmpty')}</p>
      ) : (
        <>
          <ul class="rows">
            {conn.edges.map(({ node: o }) => (
              <li key={o.id}>
                <Link href={`/account/orders/${encodeURIComponent(o.number)}`}>{t('order', { number: o.number })}</Link>
                <span class="muted"> {dateTime(o.createdAt)}</span> <Status status={o.status} /> <strong>{money(o.total)}</strong>
              </li>
            ))}
          </ul>
          {conn.pageInfo.hasNextPage && (
            <button type="button" class="secondary" onClick={() => setAfter(conn.pageInfo.endCursor ?? null)}>
              {t('showMore')}
            </button>
          )}
        </>
      )}
    </Page>
  );
}

export function OrderDetail({ number }: { number: string }) {
  // Coming back from the payment page: read the status afresh.
  const q = useQuery(OrderDetailDocument, { number }, { requestPolicy: 'cache-and-network' });
  const pay = useMutation(OrderPayDocument);
  const reorder = useMutation(OrderReorderDocument);
  const cancel = useMutation(OrderCancelDocument);
  const [notice, setNotice] = useState('');
  // Until the answer for this number comes, the previous order is not shown under its address.
  const o = q.data?.me?.order?.number === number ? q.data.me.order : q.data?.me?.order === null ? null : undefined;
  if (!o) {
    if (q.fetching || (o === undefined && !q.error)) return <Loading />;
    return (
      <Page title={t('notFound')}>
        <Alert text={errorText(q.error, t)} />
        <p>{t('notFoundHint')}</p>
        <Link href="/account/orders">{t('backToOrders')}</Link>
      </Page>
    );
  }
  const can = (a: string) => o.availableActions.includes(a as 'PAY');
  const problems = [...pay.problems, ...reorder.problems, ...cancel.problems];
  return (
    <Page title={t('order', { number: o.number })}>
      <Notice text={notice} />
      <Alert text={pay.error || reorder.error || cancel.error || generalProblems(problems, [])} />
      <p>
        <Status status={o.status} />
      </p>
      <dl>
        <dt>{t('placed')}</dt>
        <dd>{dateTime(o.createdAt)}</dd>
        {o.paidAt && (
          <>
            <dt>{t('paid')}</dt>
            <dd>{dateTime(o.paidAt)}</dd>
          </>
        )}
        <dt>{t('email')}</dt>
        <dd>{o.email}</dd>
      </dl>
      <Table caption={t('items')} cols={[t('items'), t('quantity'), t('total')]}>
        {o.items.map((it, i) => (
          <tr key={i}>
            <th scope="row">
              {it.name}
              {it.iccid && <span class="muted mono"> {it.iccid}</span>}
            </th>
            <td>{it.quantity}</td>
            <td>{money(it.lineTotal)}</td>
          </tr>
        ))}
      </Table>
      <dl>
        <dt>{t('subtotal')}</dt>
        <dd>{money(o.subtotal)}</dd>
        <dt>{t('shipping')}</dt>
        <dd>{money(o.shippingFee)}</dd>
        <dt>{t('total')}</dt>
        <dd>
          <strong>{money(o.total)}</strong>
        </dd>
      </dl>
      {o.shipments.map((sh, i) => (
        <section class="card" key={i} aria-labelledby={`parcel-${i}`}>
          <h2 id={`parcel-${i}`}>{o.shipments.length > 1 ? t('parcelN', { n: i + 1 }) : t('parcel')}</h2>
          <p>
            <span class={`badge p-${sh.status.toLowerCase()}`}>{enumText('shipmentStatus_', sh.status)}</span>
          </p>
          <dl>
            {sh.carrier && (
              <>
                <dt>{t('carrier')}</dt>
                <dd>{sh.carrier}</dd>
              </>
            )}
            {sh.trackingNumber && (
              <>
                <dt>{t('tracking')}</dt>
                <dd class="mono">{sh.trackingNumber}</dd>
              </>
            )}
            {sh.shippedAt && (
              <>
                <dt>{t('shipped')}</dt>
                <dd>{dateTime(sh.shippedAt)}</dd>
              </>
            )}
            {sh.deliveredAt && (
              <>
                <dt>{t('delivered')}</dt>
                <dd>{dateTime(sh.deliveredAt)}</dd>
              </>
            )}
          </dl>
          {sh.trackingUrl && (
            <p>
              <a href={sh.trackingUrl} rel="noreferrer" target="_blank">
                {t('trackParcel', { carrier: sh.carrier ?? '' })}
              </a>
            </p>
          )}
          <h3>{t('inParcel')}</h3>
          <ul>
            {sh.items.map((it, j) => (
              <li key={j}>
                {it.product.name}
                {it.iccid ? <span class="mono"> {it.iccid}</span> : ` × ${it.quantity}`}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {o.shippingAddress && (
        <>
          <h2>{t('shipTo')}</h2>
          <address>
            {o.shippingAddress.recipientName}
            <br />
            {o.shippingAddress.line1} {o.shippingAddress.line2}
            <br />
            {o.shippingAddress.postalCode} {o.shippingAddress.city} {o.shippingAddress.region}
            <br />
            {country(o.shippingAddress.countryCode)}
          </address>
        </>
      )}
      <div class="actions">
        {can('PAY') && (
          <Button
            type="button"
            busy={pay.busy}
            onClick={async () => {
              const d = await pay.run({ input: { orderId: o.id } }, (d) => d.orderPay);
              const url = d?.orderPay.payment?.redirectUrl;
              if (url) location.assign(url);
            }}
          >
            {t('pay')} {money(o.total)}
          </Button>
        )}
        {can('REORDER') && (
          <ActionButton
            label={t('reorder')}
            busy={reorder.busy}
            onClick={async () => {
              const d = await reorder.run({ input: { orderId: o.id } }, (d) => d.orderReorder);
              const n = d?.orderReorder.order;
              if (!n) return;
              navigate(`/account/orders/${encodeURIComponent(n.number)}`);
              const dropped = d.orderReorder.droppedItems.map((x) => x.item.name).join(', ');
              setNotice(t('reordered', { number: n.number }) + (dropped ? ' ' + t('dropped', { items: dropped }) : ''));
            }}
          />
        )}
        {can('CANCEL') && (
          <ActionButton
            label={t('cancelOrder')}
            kind="danger"
            busy={cancel.busy}
            ask={t('cancelConfirm', { number: o.number })}
            onClick={async () => (await cancel.run({ input: { orderId: o.id } }, (d) => d.orderCancel)) && setNotice(t('cancelled'))}
          />
        )}
      </div>
      <p>
        <Link href="/account/orders">{t('backToOrders')}</Link>
      </p>
    </Page>
  );
}
