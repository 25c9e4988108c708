// Sign-in and registration. The session token the API answers goes to the
// service at once (startSession), which signs the browser in with its
// HttpOnly cookie; this code keeps it nowhere.
import { useState } from 'preact/hooks';
import { bareMutation, errorText, startSession } from './client';
import { LoginDocument, RegisterDocument } from './gql/graphql';
import { t } from './i18n';
import { Link, navigate } from './router';
import { Alert, Button, Field, Page, generalProblems, problemFor, type Problem } from './ui';

function useSignIn(done: () => void) {
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState('');
  async function finish(r: { data?: { token?: string | null; userErrors: readonly Problem[] } | null; error?: Parameters<typeof errorText>[0] }) {
    setBusy(false);
    if (r.error || !r.data) return setError(errorText(r.error, t));
    if (r.data.userErrors.length || !r.data.token) return setProblems([...r.data.userErrors]);
    if (!(await startSession(r.data.token))) return setError(t('errorNetwork'));
    const next = new URLSearchParams(location.search).get('next');
    done();
    navigate(next && next.startsWith('/account/') ? next : '/account/numbers', true);
  }
  function start() {
    setBusy(true);
    setError('');
    setProblems([]);
  }
  return { busy, problems, error, finish, start };
}

export function SignIn({ done }: { done: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const s = useSignIn(done);
  return (
    <Page title={t('signInTitle')}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          s.start();
          const r = await bareMutation(LoginDocument, { input: { email, password } });
          await s.finish({ data: r.data?.login, error: r.error });
        }}
      >
        <Alert text={s.error || generalProblems(s.problems, ['email', 'password'])} />
        <Field label={t('email')} name="email" type="email" autocomplete="email" inputmode="email" required value={email} onInput={setEmail} problem={problemFor(s.problems, 'email')} />
        <Field label={t('password')} name="password" type="password" autocomplete="current-password" required value={password} onInput={setPassword} problem={problemFor(s.problems, 'password')} />
        <Button busy={s.busy}>{t('signInButton')}</Button>
      </form>
      <p>
        <a href="/account/forgot-password">{t('forgot')}</a>
      </p>
      <p>
        {t('noAccount')} <Link href="/account/register">{t('registerLink')}</Link>
      </p>
    </Page>
  );
}

export function Register({ done }: { done: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fullName, setFullName] = useState('');
  const [accept, setAccept] = useState(false);
  const s = useSignIn(done);
  const termsProblem = problemFor(s.problems, 'acceptTerms');
  return (
    <Page title={t('registerTitle')}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          s.start();
          const r = await bareMutation(RegisterDocument, { input: { email, password, fullName: fullName || undefined, acceptTerms: accept } });
          await s.finish({ data: r.data?.register, error: r.error });
        }}
      >
        <Alert text={s.error || generalProblems(s.problems, ['email', 'password', 'fullName', 'acceptTerms'])} />
        <Field label={t('email')} name="email" type="email" autocomplete="email" inputmode="email" required value={email} onInput={setEmail} problem={problemFor(s.problems, 'email')} />
        <Field label={t('password')} name="password" type="password" autocomplete="new-password" required hint={t('newPasswordHint')} value={password} onInput={setPassword} problem={problemFor(s.problems, 'password')} />
        <Field label={t('fullName')} name="fullName" autocomplete="name" value={fullName} onInput={setFullName} problem={problemFor(s.problems, 'fullName')} />
        <p class="terms" id="terms">
          {t('termsText')}
        </p>
        <div class="check">
          <input
            id="accept"
            type="checkbox"
            checked={accept}
            aria-describedby={termsProblem ? 'terms accept-err' : 'terms'}
            aria-invalid={termsProblem ? 'true' : undefined}
            onChange={(e) => setAccept((e.target as HTMLInputElement).checked)}
          />
          <label for="accept">{t('acceptTerms')}</label>
        </div>
        {termsProblem && (
          <p class="error" id="accept-err">
            {termsProblem}
          </p>
        )}
        <Button busy={s.busy}>{t('registerButton')}</Button>
      </form>
      <p>
        {t('haveAccount')} <Link href="/account/sign-in">{t('signInLink')}</Link>
      </p>
    </Page>
  );
}
