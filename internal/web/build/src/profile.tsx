// My account: name and phone, email and password changes, sign out
// everywhere, the data download and account deletion.
import { useState } from 'preact/hooks';
import { AccountDeleteDocument, EmailChangeDocument, EmailVerificationResendDocument, LogoutEverywhereDocument, PasswordChangeDocument, ProfileUpdateDocument, type ViewerFragment } from './gql/graphql';
import { t } from './i18n';
import { navigate } from './router';
import { Alert, Button, Field, Notice, Page, generalProblems, problemFor, useMutation } from './ui';
import { endSession } from './client';

export function Profile({ viewer, signedOut }: { viewer: ViewerFragment; signedOut: () => void }) {
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
  const [done, setDone] = useState('');
  const m = useMutation(ProfileUpdateDocument);
  return (
    <section aria-labelledby="p-profile">
      <h2 id="p-profile">{t('profile')}</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setDone('');
          const d = await m.run({ input: { fullName, phone } }, (d) => d.profileUpdate);
          if (d) {
            setPhone(d.profileUpdate.user?.phone ?? '');
            setDone(t('saved'));
          }
        }}
      >
        <Notice text={done} />
        <Alert text={m.error || generalProblems(m.problems, ['fullName', 'phone'])} />
        <Field label={t('fullName')} name="fullName" autocomplete="name" value={fullName} onInput={setFullName} problem={problemFor(m.problems, 'fullName')} />
        <Field label={t('phone')} name="phone" type="tel" autocomplete="tel" value={phone} onInput={setPhone} problem={problemFor(m.problems, 'phone')} />
        <Button busy={m.busy}>{t('save')}</Button>
      </form>
    </section>
  );
}

function EmailForm() {
  const [newEmail, setNewEmail] = useState('');
  const [currentPassword, setPassword] = useState('');
  const [done, setDone] = useState('');
  const m = useMutation(EmailChangeDocument);
  return (
    <section aria-labelledby="p-email">
      <h2 id="p-email">{t('changeEmail')}</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setDone('');
          if (await m.run({ input: { newEmail, currentPassword } }, (d) => d.emailChange)) {
            setDone(t('emailChangeSent'));
            setPassword('');
          }
        }}
      >
        <Notice text={done} />
        <Alert text={m.error || generalProblems(m.problems, ['newEmail', 'currentPassword'])} />
        <Field label={t('newEmail')} name="newEmail" type="email" autocomplete="email" required value={newEmail} onInput={setNewEmail} problem={problemFor(m.problems, 'newEmail')} />
        <Field label={t('currentPassword')} name="currentPassword" type="password" autocomplete="current-password" required value={currentPassword} onInput={setPassword} problem={problemFor(m.problems, 'currentPassword')} />
        <Button busy={m.busy}>{t('changeEmail')}</Button>
      </form>
    </section>
  );
}

function PasswordForm() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [done, setDone] = useState('');
  const m = useMutation(PasswordChangeDocument);
  return (
    <section aria-labelledby="p-password">
      <h2 id="p-password">{t('changePassword')}</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setDone('');
          if (await m.run({ input: { currentPassword, newPassword } }, (d) => d.passwordChange)) {
            setDone(t('passwordChanged'));
            setCurrent('');
            setNew('');
          }
        }}
      >
        <Notice text={done} />
        <Alert text={m.error || generalProblems(m.problems, ['currentPassword', 'newPassword'])} />
        <Field label={t('currentPassword')} name="currentPassword" type="password" autocomplete="current-password" required value={currentPassword} onInput={setCurrent} problem={problemFor(m.problems, 'currentPassword')} />
        <Field label={t('newPassword')} name="newPassword" type="password" autocomplete="new-password" required hint={t('newPasswordHint')} value={newPassword} onInput={setNew} problem={problemFor(m.problems, 'newPassword')} />
        <Button busy={m.busy}>{t('changePassword')}</Button>
      </form>
    </section>
  );
}

function Sessions({ signedOut }: { signedOut: () => void }) {
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
          if (await m.run({}, () => ({ userErrors: [] }))) {
            await endSession();
            signedOut();
            navigate('/account/sign-in');
          }
        }}
      >
        {t('signOutEverywhere')}
      </Button>
    </section>
  );
}

function DeleteForm({ signedOut }: { signedOut: () => void }) {
  const [password, setPassword] = useState('');
  const m = useMutation(AccountDeleteDocument);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        if (!confirm(t('deleteAccountConfirm'))) return;
        if (await m.run({ input: { password } }, (d) => d.accountDelete)) {
          await endSession();
          signedOut();
          navigate('/account/sign-in');
        }
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
