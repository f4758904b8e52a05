/**
 * Sign-in: with the company's identity provider when OIDC is configured (a link: the browser goes to
 * the provider and comes back to `returnTo`), and/or with a personal access token (the local default).
 */
import { useState, type FormEvent } from 'react';
import { api, request } from '../../api/client';
import { asApiError, type ApiError } from '../../api/problem';
import { useSession } from '../../api/session';
import { useResource } from '../../api/use-resource';
import { ErrorPanel } from '../../components/error-panel';
import { Loaded } from '../../components/loading';
import type { PageProps } from '../../router/routes';
import { safeReturnTo } from '../../router/paths';
import { useLocation } from '../../router/router';

export function SignInPage(_props: PageProps) {
  const returnTo = safeReturnTo(useLocation().search.get('returnTo'));
  const methods = useResource(async (signal) => request(api.GET('/api/v1/auth/methods', { signal })), []);
  return (
    <main id="main" className="sign-in" tabIndex={-1}>
      <h1>Sign in to Gantry</h1>
      <Loaded resource={methods}>
        {(m) => (
          <>
            {m.oidc.enabled && (
              <p>
                <a
                  className="button primary"
                  href={`${m.oidc.loginUrl ?? '/auth/oidc/login'}?returnTo=${encodeURIComponent(returnTo)}`}
                >
                  Sign in with {m.oidc.displayName ?? 'your identity provider'}
                </a>
              </p>
            )}
            {m.token.enabled && <TokenForm />}
            {!m.oidc.enabled && !m.token.enabled && (
              <p>No sign-in method is enabled on this Gantry. Ask its operator to configure single sign-on.</p>
            )}
          </>
        )}
      </Loaded>
    </main>
  );
}

function TokenForm() {
  const { signIn } = useSession();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    // On success the session changes and the app leaves this page for `returnTo`.
    signIn(token.trim()).catch((err: unknown) => {
      setError(asApiError(err));
      setBusy(false);
    });
  };

  return (
    <form className="token-form" onSubmit={submit}>
      <label htmlFor="token">Personal access token</label>
      <input
        id="token"
        name="token"
        type="password"
        autoComplete="off"
        spellCheck={false}
        required
        value={token}
        onChange={(e) => setToken(e.target.value)}
      />
      <p className="hint">
        A personal token (the owner token Gantry printed at its first start, or one an admin created for you). The
        browser keeps only a session cookie, not the token.
      </p>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {error && <ErrorPanel error={error} />}
    </form>
  );
}
