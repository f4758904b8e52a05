/**
 * A real OpenID Connect provider for the SSO tests (panva's `oidc-provider`, the certified
 * library), run as its own process on loopback because it ships as ES modules only. The test
 * controls it over two extra routes:
 *   POST /__test/accounts  { sub, email, email_verified?, name?, groups? }   creates or replaces a person
 *   POST /__test/login     { sub }                                           who signs in at the next login prompt
 * The login prompt completes by itself as that person (no form), and consent is granted for the
 * test client, so a sign-in is a chain of redirects a cookie-keeping HTTP client can follow.
 * Until a test names the next person, the prompt is a login form instead (username = sub), for
 * browser tests that sign in as a person would: fill it in and press "Continue".
 *
 * Environment: OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI. Prints "ready <issuer>" when listening.
 */
import { URLSearchParams } from 'node:url';
import http from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = new Map();
let nextLogin;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomUUID()] },
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
    groups: ['groups'],
  },
  // Put the scope's claims in the ID token itself (the relying party should not need userinfo).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: (_ctx, sub) => {
    const person = accounts.get(sub);
    return person && { accountId: sub, claims: () => ({ sub, ...person }) };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
  renderError(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
});

const readJson = (req) =>
  new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(body || '{}'));
      } catch (err) {
        reject(err);
      }
    });
  });

const readBody = (req) =>
  new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

const escapeHtml = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The provider's own sign-in page, as a browser test meets it. */
function loginForm(res, uid, error = '') {
  res.writeHead(error ? 401 : 200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test IdP sign-in</title></head><body>
<h1>Test IdP</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="username">Username</label> <input id="username" name="username" autocomplete="username" required>
<button type="submit">Continue</button>
</form></body></html>`);
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    if (req.method === 'POST' && req.url === '/__test/accounts') {
      const { sub, ...claims } = await readJson(req);
      accounts.set(sub, claims);
      return res.writeHead(204).end();
    }
    if (req.method === 'POST' && req.url === '/__test/login') {
      nextLogin = (await readJson(req)).sub;
      return res.writeHead(204).end();
    }
    if (req.method === 'GET' && req.url.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name !== 'login') throw new Error(`unexpected prompt ${details.prompt.name}`);
      if (nextLogin === undefined) return loginForm(res, details.uid);
      return await provider.interactionFinished(
        req,
        res,
        { login: { accountId: nextLogin } },
        { mergeWithLastSubmission: false },
      );
    }
    const submitted = req.method === 'POST' && /^\/interaction\/[\w-]+\/login$/.exec(req.url);
    if (submitted) {
      const details = await provider.interactionDetails(req, res);
      const sub = new URLSearchParams(await readBody(req)).get('username') ?? '';
      if (!accounts.has(sub)) return loginForm(res, details.uid, `No account "${sub}".`);
      return await provider.interactionFinished(
        req,
        res,
        { login: { accountId: sub } },
        { mergeWithLastSubmission: false },
      );
    }
    return callback(req, res);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err?.stack ?? err));
  }
});
server.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
