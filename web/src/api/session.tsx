/**
 * The signed-in member, from GET /api/v1/session at start. Without a session (401) the app shows the
 * sign-in page and returns to the address it was opened at; a 401 from any later call (session
 * expired or revoked) does the same.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { csrfHeaders, onSessionLost, setCsrfToken } from './client';
import { apiErrorFrom, asApiError, networkError, type ApiError } from './problem';

export interface SessionMember {
  id: string;
  name: string;
  email: string;
  role: string;
}

export interface Session {
  member: SessionMember;
  csrfToken: string;
  method: 'token' | 'oidc';
  expiresAt: string;
}

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

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

async function call(method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<Response> {
  try {
    return await fetch('/api/v1/session', {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...csrfHeaders(method),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw networkError(e);
  }
}

async function sessionFrom(response: Response): Promise<Session> {
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw apiErrorFrom(response.status, body);
  return body as Session;
}

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
    call('GET').then(
      async (response) => (response.status === 401 ? signedOut() : signedIn(await sessionFrom(response))),
      (error: unknown) => setState({ status: 'error', error: asApiError(error) }),
    );
    return () => onSessionLost(undefined);
  }, [signedIn, signedOut]);

  const value = useMemo<SessionContextValue>(
    () => ({
      state,
      signIn: async (token) => signedIn(await sessionFrom(await call('POST', { token }))),
      signOut: async () => {
        const response = await call('DELETE');
        // 401: the session had already ended, which is what signing out wants.
        if (!response.ok && response.status !== 401)
          throw apiErrorFrom(response.status, await response.json().catch(() => undefined));
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
