// The web account: the shell (header, sections, language switch) and the
// routes. Signed-out visitors see sign-in and registration only.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { client, endSession, resetClient } from './client';
import { MeDocument, LogoutDocument } from './gql/graphql';
import { lang, setLang, t, type Lang } from './i18n';
import { Link, navigate, useLocation } from './router';
import { Loading, Page, useQuery } from './ui';
import { Register, SignIn } from './auth';
import { Numbers } from './numbers';
import { History } from './history';
import { OrderDetail, Orders } from './orders';
import { Addresses } from './addresses';
import { Profile } from './profile';
import { TopUp } from './topup';

const sections = [
  ['/account/numbers', 'navNumbers'],
  ['/account/history', 'navHistory'],
  ['/account/orders', 'navOrders'],
  ['/account/addresses', 'navAddresses'],
  ['/account/profile', 'navAccount'],
] as const;

function App() {
  const loc = useLocation();
  const [, setGen] = useState(0);
  // Signing in or out starts a fresh client: the new viewer sees nothing cached of the old one.
  const restart = () => {
    resetClient();
    setGen((g) => g + 1);
  };
  const me = useQuery(MeDocument, {}, { requestPolicy: 'cache-and-network' });
  const path = loc.pathname.replace(/\/+$/, '') || '/account';
  const viewer = me.data?.me;

  useEffect(() => {
    if (me.fetching && !me.data) return;
    if (!viewer && !['/account/sign-in', '/account/register'].includes(path)) {
      navigate('/account/sign-in' + (path !== '/account' ? `?next=${encodeURIComponent(path + loc.search)}` : ''), true);
    } else if (viewer && ['/account', '/account/sign-in', '/account/register'].includes(path)) {
      navigate('/account/numbers', true);
    }
  }, [viewer?.id, path, me.fetching]);

  // The session is over (signed out here or everywhere, or the account
  // deleted): the cookie goes, the client forgets, the sign-in shows.
  async function sessionEnded() {
    await endSession();
    restart();
    navigate('/account/sign-in');
  }

  async function signOut() {
    await client.mutation(LogoutDocument, {}).toPromise();
    await sessionEnded();
  }

  let body;
  if (me.fetching && !me.data) body = <Loading />;
  else if (!viewer) body = path === '/account/register' ? <Register done={restart} /> : <SignIn done={restart} />;
  else if (path === '/account/numbers') body = <Numbers />;
  else if (/^\/account\/numbers\/[^/]+\/top-up$/.test(path)) body = <TopUp iccid={decodeURIComponent(path.split('/')[3])} />;
  else if (path === '/account/history') body = <History />;
  else if (path === '/account/orders') body = <Orders />;
  else if (path.startsWith('/account/orders/')) body = <OrderDetail number={decodeURIComponent(path.slice('/account/orders/'.length))} />;
  else if (path === '/account/addresses') body = <Addresses />;
  else if (path === '/account/profile') body = <Profile viewer={viewer} signedOut={sessionEnded} />;
  else if (['/account', '/account/sign-in', '/account/register'].includes(path)) body = <Loading />;
  else
    body = (
      <Page title={t('notFound')}>
        <p>{t('notFoundHint')}</p>
      </Page>
    );

  return (
    <>
      <a class="skip" href="#main">
        {t('skip')}
      </a>
      <header>
        <div class="bar">
          <span class="brand">{t('appName')}</span>
          <button
            type="button"
            class="link"
            lang={t('switchLang')}
            onClick={() => {
              setLang(t('switchLang') as Lang);
              setGen((g) => g + 1);
            }}
          >
            {t('switchTo')}
          </button>
          {viewer && (
            <button type="button" class="link" onClick={signOut}>
              {t('signOut')}
            </button>
          )}
        </div>
        {viewer && (
          <nav aria-label={t('navMain')}>
            {sections.map(([href, k]) => (
              <Link key={href} href={href} current={path === href || path.startsWith(href + '/')}>
                {t(k)}
              </Link>
            ))}
          </nav>
        )}
      </header>
      <main id="main" key={lang}>
        {body}
      </main>
    </>
  );
}

document.documentElement.lang = lang;
render(<App />, document.getElementById('app')!);
