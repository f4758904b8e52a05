/**
 * SSO test support: a real OpenID Connect provider on loopback (test/support/oidc-provider.mjs, on
 * panva's oidc-provider) and a browser-less sign-in that follows the redirect chain with a cookie
 * jar per origin, so tests can also tamper with one step (state, nonce, issuer).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort, type Gantry } from './app-harness';

export const OIDC_CLIENT_ID = 'gantry-test';
export const OIDC_CLIENT_SECRET = 'gantry-test-secret-0123456789';

export interface Person {
  sub: string;
  email: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface IdentityProvider {
  issuer: string;
  port: number;
  /** Creates or replaces a person at the provider. */
  person(p: Person): Promise<void>;
  /** Who signs in at the provider's next login prompt. */
  nextLogin(sub: string): Promise<void>;
  stop(): Promise<void>;
}

/** A port for the provider, chosen before Gantry starts (Gantry needs the issuer URL in its environment). */
export const providerPort = freePort;

/** The environment that points a Gantry at the provider on `port`. */
export const ssoEnv = (port: number, extra: Record<string, string> = {}): Record<string, string> => ({
  GANTRY_OIDC_ISSUER: `http://127.0.0.1:${port}`,
  GANTRY_OIDC_CLIENT_ID: OIDC_CLIENT_ID,
  GANTRY_OIDC_CLIENT_SECRET: OIDC_CLIENT_SECRET,
  GANTRY_OIDC_SCOPES: 'openid email profile groups',
  GANTRY_OIDC_DISPLAY_NAME: 'Test IdP',
  // The provider runs on loopback, which outbound calls may not reach unless allowed.
  GANTRY_OUTBOUND_ALLOW: '127.0.0.1',
  ...extra,
});

/** Starts the provider on `port` for a Gantry whose callback is `redirectUri`. */
export async function startIdentityProvider(port: number, redirectUri: string): Promise<IdentityProvider> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', path.join(__dirname, 'exit-with-parent.js'), path.join(__dirname, 'oidc-provider.mjs')],
    {
      env: {
        ...process.env,
        OIDC_PORT: String(port),
        OIDC_CLIENT_ID,
        OIDC_CLIENT_SECRET,
        OIDC_REDIRECT_URI: redirectUri,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the OIDC provider did not start within 30 s:\n${output}`));
    }, 30_000);
    child.once('exit', () => clearTimeout(timer));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready ')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => reject(new Error(`the OIDC provider exited (${code}):\n${output}`)));
  });
  const issuer = `http://127.0.0.1:${port}`;
  const post = async (p: string, body: unknown) => {
    const res = await fetch(`${issuer}${p}`, { method: 'POST', body: JSON.stringify(body) });
    if (res.status !== 204) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  };
  return {
    issuer,
    port,
    person: (p) => post('/__test/accounts', p),
    nextLogin: (sub) => post('/__test/login', { sub }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Cookies per origin, as much of RFC 6265 as these redirects need (name=value, Max-Age=0 deletes). */
export class CookieJar {
  private readonly jars = new Map<string, Map<string, string>>();

  store(url: URL, res: Response): void {
    const jar = this.jars.get(url.origin) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (!value || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
      else jar.set(name, value);
    }
    this.jars.set(url.origin, jar);
  }

  header(url: URL): string {
    return [...(this.jars.get(url.origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }
}

export interface SignInResult {
  /** Where Gantry sent the browser at the end (a console path). */
  location: string;
  /** The `gantry_session` cookie pair, when a session was opened. */
  session: string | undefined;
  /** The callback URL the browser was sent to (for replaying it). */
  callback: URL;
  jar: CookieJar;
}

export interface SignInTampering {
  /** Rewrites the authorization URL Gantry sent the browser to (another nonce, another provider). */
  authorizationUrl?: (url: URL) => URL;
  /** Rewrites the callback URL the provider sent the browser back to (another state). */
  callbackUrl?: (url: URL) => URL;
  /** Start from this jar (another browser's cookies, or none). */
  jar?: CookieJar;
  /** Drop Gantry's cookies before the callback (a callback arriving in another browser). */
  dropGantryCookies?: boolean;
}

/** Signs in through the provider as whoever `idp.nextLogin` named, following every redirect by hand. */
export async function signInThroughProvider(
  gantry: Gantry,
  returnTo = '/ui/',
  t: SignInTampering = {},
): Promise<SignInResult> {
  const jar = t.jar ?? new CookieJar();
  const get = async (url: URL) => {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
    jar.store(url, res);
    return res;
  };
  let res = await get(new URL(`${gantry.baseUrl}/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`));
  if (res.status !== 302) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  let url = new URL(res.headers.get('location') ?? '');
  if (t.authorizationUrl) url = t.authorizationUrl(url);
  for (let hops = 0; url.origin !== gantry.baseUrl; hops++) {
    if (hops > 10) throw new Error('too many redirects at the provider');
    res = await get(url);
    const location = res.headers.get('location');
    if (!location) throw new Error(`the provider answered ${res.status} at ${url.pathname}: ${await res.text()}`);
    url = new URL(location, url);
  }
  if (t.callbackUrl) url = t.callbackUrl(url);
  if (t.dropGantryCookies)
    jar.store(url, new Response(null, { headers: [['set-cookie', 'gantry_oidc_login=; Max-Age=0']] }));
  res = await get(url);
  const session = jar.get(gantry.baseUrl, 'gantry_session');
  return {
    location: res.headers.get('location') ?? '',
    session: session && `gantry_session=${session}`,
    callback: url,
    jar,
  };
}
