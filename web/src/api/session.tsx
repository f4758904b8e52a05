/**
 * The signed-in member, from GET /api/v1/session at start. Without a session (401) the app shows the
 * sign-in page and returns to the address it was opened at; a 401 from any later call (session
 * expired or revoked) does the same.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { components } from '../../../openapi/schema';
import { api, onSessionLost, request, setCsrfToken } from './client';
import { asApiError, type ApiError } from './problem';

export type Session = components['schemas']['SessionDto'];
export type SessionMember = Session['member'];

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; session: Session }
  | { status: 'error'; error: ApiError };

interface SessionContextValue {
  state: SessionState;
  /** Signs in with a personal access token; throws ApiError (shown by the form) when refused. */
  signIn: (token: string) => Promise<void>;
  signOut: () => Promise<void>;
}

/**
 * The spec lists `cookie` as a required header of the session routes (the controller reads it with
 * @Headers); a browser sends the cookie itself and cannot set that header, so no params are passed.
 */
const COOKIE_SENT_BY_BROWSER = {} as { params: { header: { cookie: string } } };

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'signed-in', session });
  }, []);
  const signedOut = useCallback(() => {
    setCsrfToken(undefined);
    setState({ status: 'signed-out' });
  }, []);

  useEffect(() => {
    onSessionLost(signedOut);
    request(api.GET('/api/v1/session', COOKIE_SENT_BY_BROWSER)).then(signedIn, (error: unknown) => {
      const e = asApiError(error);
      // 401 (no cookie, or an expired or revoked session) is simply "not signed in".
      if (e.status === 401) signedOut();
      else setState({ status: 'error', error: e });
    });
    return () => onSessionLost(undefined);
  }, [signedIn, signedOut]);

  const value = useMemo<SessionContextValue>(
    () => ({
      state,
      signIn: async (token) => signedIn(await request(api.POST('/api/v1/session', { body: { token } }))),
      signOut: async () => {
        try {
          await request(api.DELETE('/api/v1/session'));
        } catch (error) {
          // 401: the session had already ended, which is what signing out wants.
          if (asApiError(error).status !== 401) throw error;
        }
        signedOut();
      },
    }),
    [state, signedIn, signedOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a <SessionProvider> above it');
  return value;
}

/** The signed-in member; only for components inside the signed-in shell. */
export function useMember(): SessionMember {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMember outside a signed-in session');
  return state.session.member;
}
