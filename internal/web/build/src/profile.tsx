// My account: name and phone, email and password changes, sign out
// everywhere, the data download and account deletion.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { AccountDeleteDocument, EmailChangeDocument, EmailVerificationResendDocument, LogoutEverywhereDocument, PasswordChangeDocument, ProfileUpdateDocument, type ViewerFragment } from './gql/graphql';
import { t } from './i18n';
import { Alert, Button, Field, Notice, Page, generalProblems, problemFor, useMutation, type Problem } from './ui';

export function Profile({ viewer, signedOut }: { viewer: ViewerFragment; signedOut: () => Promise<void> }) {
  return (
    <Page title={t('accountTitle')}>
      <p>{viewer.email}</p>
      {!viewer.emailVerified && <Resend />}
      <ProfileForm viewer={viewer} />
      <EmailForm />
      <PasswordForm />
      <Sessions signedOut={signedOut} />
      <section aria-labelledby="p-data">
        <h2 id="p-data">{t('deleteAccount')}</h2>
        <p>
          <a class="button secondary" href="/export/account.json" download>
            {t('exportData')}
          </a>
        </p>
        <DeleteForm signedOut={signedOut} />
      </section>
    </Page>
  );
}

function Resend() {
  const m = useMutation(EmailVerificationResendDocument);
  const [done, setDone] = useState('');
  return (
    <div class="card">
      <p>{t('emailUnverified')}</p>
      <Notice text={done} />
      <Alert text={m.error || generalProblems(m.problems, [])} />
      <Button type="button" kind="secondary" busy={m.busy} onClick={async () => (await m.run({}, (d) => d.emailVerificationResend)) && setDone(t('resent'))}>
        {t('resend')}
      </Button>
    </div>
  );
}

function ProfileForm({ viewer }: { viewer: ViewerFragment }) {
  const [fullName, setFullName] = useState(viewer.fullName ?? '');
  const [phone, setPhone] = useState(viewer.phone ?? '');
  const m = useMutation(ProfileUpdateDocument);
  return (
    <FormSection
      id="p-profile"
      title={t('profile')}
      m={m}
      fields={['fullName', 'phone']}
      submit={async () => {
        const d = await m.run({ input: { fullName, phone } }, (d) => d.profileUpdate);
        if (!d) return '';
        setPhone(d.profileUpdate.user?.phone ?? '');
        return t('saved');
      }}
    >
      <Field label={t('fullName')} name="fullName" autocomplete="name" value={fullName} onInput={setFullName} problem={problemFor(m.problems, 'fullName')} />
      <Field label={t('phone')} name="phone" type="tel" autocomplete="tel" value={phone} onInput={setPhone} problem={problemFor(m.problems, 'phone')} />
      <Button busy={m.busy}>{t('save')}</Button>
    </FormSection>
  );
}

function EmailForm() {
  const [newEmail, setNewEmail] = useState('');
  const [currentPassword, setPassword] = useState('');
  const m = useMutation(EmailChangeDocument);
  return (
    <FormSection
      id="p-email"
      title={t('changeEmail')}
      m={m}
      fields={['newEmail', 'currentPassword']}
      submit={async () => {
        if (!(await m.run({ input: { newEmail, currentPassword } }, (d) => d.emailChange))) return '';
        setPassword('');
        return t('emailChangeSent');
      }}
    >
      <Field label={t('newEmail')} name="newEmail" type="email" autocomplete="email" required value={newEmail} onInput={setNewEmail} problem={problemFor(m.problems, 'newEmail')} />
      <Field label={t('currentPassword')} name="currentPassword" type="password" autocomplete="current-password" required value={currentPassword} onInput={setPassword} problem={problemFor(m.problems, 'currentPassword')} />
      <Button busy={m.busy}>{t('changeEmail')}</Button>
    </FormSection>
  );
}

function PasswordForm() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const m = useMutation(PasswordChangeDocument);
  return (
    <FormSection
      id="p-password"
      title={t('changePassword')}
      m={m}
      fields={['currentPassword', 'newPassword']}
      submit={async () => {
        if (!(await m.run({ input: { currentPassword, newPassword } }, (d) => d.passwordChange))) return '';
        setCurrent('');
        setNew('');
        return t('passwordChanged');
      }}
    >
      <Field label={t('currentPassword')} name="currentPassword" type="password" autocomplete="current-password" required value={currentPassword} onInput={setCurrent} problem={problemFor(m.problems, 'currentPassword')} />
      <Field label={t('newPassword')} name="newPassword" type="password" autocomplete="new-password" required hint={t('newPasswordHint')} value={newPassword} onInput={setNew} problem={problemFor(m.problems, 'newPassword')} />
      <Button busy={m.busy}>{t('changePassword')}</Button>
    </FormSection>
  );
}

/**
 * A titled section with one form of m's mutation: submit runs it and
 * answers the notice to show ('' when it did not go through); problems
 * naming none of fields show above the form's own.
 */
function FormSection(props: { id: string; title: string; m: { error: string; problems: Problem[] }; fields: string[]; submit: () => Promise<string>; children: ComponentChildren }) {
  const [done, setDone] = useState('');
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setDone('');
          setDone(await props.submit());
        }}
      >
        <Notice text={done} />
        <Alert text={props.m.error || generalProblems(props.m.problems, props.fields)} />
        {props.children}
      </form>
    </section>
  );
}

function Sessions({ signedOut }: { signedOut: () => Promise<void> }) {
  const m = useMutation(LogoutEverywhereDocument);
  return (
    <section aria-labelledby="p-sessions">
      <h2 id="p-sessions">{t('sessionsTitle')}</h2>
      <p>{t('signOutEverywhereHint')}</p>
      <Alert text={m.error} />
      <Button
        type="button"
        kind="secondary"
        busy={m.busy}
        onClick={async () => {
          if (await m.run({}, () => ({ userErrors: [] }))) await signedOut();
        }}
      >
        {t('signOutEverywhere')}
      </Button>
    </section>
  );
}

function DeleteForm({ signedOut }: { signedOut: () => Promise<void> }) {
  const [password, setPassword] = useState('');
  const m = useMutation(AccountDeleteDocument);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        if (!confirm(t('deleteAccountConfirm'))) return;
        if (await m.run({ input: { password } }, (d) => d.accountDelete)) await signedOut();
      }}
    >
      <p>{t('deleteAccountHint')}</p>
      <Alert text={m.error || generalProblems(m.problems, ['password'])} />
      <Field label={t('password')} name="password" type="password" autocomplete="current-password" required value={password} onInput={setPassword} problem={problemFor(m.problems, 'password')} />
      <Button kind="danger" busy={m.busy}>
        {t('deleteAccount')}
      </Button>
    </form>
  );
}
