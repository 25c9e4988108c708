// My addresses: add, edit, make default, delete.
import { useState } from 'preact/hooks';
import { AddressCreateDocument, AddressDeleteDocument, AddressSetDefaultDocument, AddressUpdateDocument, MyAddressesDocument, type AddressFieldsFragment } from './gql/graphql';
import { country, t, type Key } from './i18n';
import { ActionButton, Alert, Field, Loading, Notice, Page, SaveCancel, generalProblems, problemFor, useMutation, useQuery } from './ui';
import { errorText } from './client';

const fields = ['recipientName', 'line1', 'line2', 'city', 'region', 'postalCode', 'countryCode', 'phone', 'deliveryNote'] as const;
type Form = Record<(typeof fields)[number], string>;
const required = new Set(['recipientName', 'line1', 'city', 'postalCode', 'countryCode']);
const autocomplete: Record<string, string> = {
  recipientName: 'name', line1: 'address-line1', line2: 'address-line2', city: 'address-level2',
  region: 'address-level1', postalCode: 'postal-code', countryCode: 'country', phone: 'tel',
};

export function Addresses() {
  const q = useQuery(MyAddressesDocument, {}, { requestPolicy: 'cache-and-network' });
  const [notice, setNotice] = useState('');
  const [editing, setEditing] = useState<string | null>(null); // an id, "new" or null
  const list = q.data?.me?.addresses;
  return (
    <Page title={t('addressesTitle')}>
      <Notice text={notice} />
      <Alert text={errorText(q.error, t)} />
      {!list ? (
        <Loading />
      ) : list.length === 0 ? (
        <p class="empty">{t('addressesEmpty')}</p>
      ) : (
        <ul class="cards">
          {list.map((a) =>
            editing === a.id ? (
              <li class="card" key={a.id}>
                <AddressForm address={a} done={(s) => (setEditing(null), setNotice(s))} />
              </li>
            ) : (
              <Address key={a.id} a={a} edit={() => setEditing(a.id)} say={setNotice} />
            ),
          )}
        </ul>
      )}
      {editing === 'new' ? (
        <section class="card">
          <AddressForm done={(s) => (setEditing(null), setNotice(s))} />
        </section>
      ) : (
        <button type="button" onClick={() => setEditing('new')}>
          {t('addAddress')}
        </button>
      )}
    </Page>
  );
}

function Address({ a, edit, say }: { a: AddressFieldsFragment; edit: () => void; say: (s: string) => void }) {
  const setDefault = useMutation(AddressSetDefaultDocument);
  const del = useMutation(AddressDeleteDocument);
  const name = `${a.recipientName}, ${a.city}`;
  return (
    <li class="card">
      <h2>{name}</h2>
      {a.isDefault && <p class="badge">{t('isDefault')}</p>}
      <address>
        {a.line1} {a.line2}
        <br />
        {a.postalCode} {a.city} {a.region}
        <br />
        {country(a.countryCode)}
        {a.phone && (
          <>
            <br />
            {a.phone}
          </>
        )}
      </address>
      <Alert text={setDefault.error || del.error || generalProblems([...setDefault.problems, ...del.problems], [])} />
      <div class="actions">
        <ActionButton label={t('edit')} name={name} onClick={edit} />
        {!a.isDefault && (
          <ActionButton label={t('makeDefault')} name={name} busy={setDefault.busy} onClick={async () => (await setDefault.run({ id: a.id }, (d) => d.addressSetDefault)) && say(t('saved'))} />
        )}
        <ActionButton label={t('delete')} name={name} kind="danger" busy={del.busy} ask={t('deleteConfirm')} onClick={async () => (await del.run({ id: a.id }, (d) => d.addressDelete)) && say(t('deleted'))} />
      </div>
    </li>
  );
}

function AddressForm({ address, done }: { address?: AddressFieldsFragment; done: (notice: string) => void }) {
  const [form, setForm] = useState<Form>(() => Object.fromEntries(fields.map((f) => [f, (address?.[f] as string | null | undefined) ?? ''])) as Form);
  const create = useMutation(AddressCreateDocument);
  const update = useMutation(AddressUpdateDocument);
  const m = address ? update : create;
  return (
    <form
      aria-label={address ? t('editAddress') : t('addAddress')}
      onSubmit={async (e) => {
        e.preventDefault();
        const input = { ...form, countryCode: form.countryCode.trim().toUpperCase() };
        const ok = address
          ? await update.run({ input: { id: address.id, ...input } }, (d) => d.addressUpdate)
          : await create.run({ input }, (d) => d.addressCreate);
        if (ok) done(t('saved'));
      }}
    >
      <h2>{address ? t('editAddress') : t('addAddress')}</h2>
      <Alert text={m.error || (m.problems.length ? generalProblems(m.problems, [...fields]) || t('fixBelow') : '')} />
      {fields.map((f) => (
        <Field
          key={f}
          label={t(f as Key)}
          name={f}
          required={required.has(f)}
          autocomplete={autocomplete[f]}
          type={f === 'phone' ? 'tel' : 'text'}
          value={form[f]}
          onInput={(v) => setForm({ ...form, [f]: v })}
          problem={problemFor(m.problems, f)}
        />
      ))}
      <SaveCancel busy={m.busy} onCancel={() => done('')} />
    </form>
  );
}
