import type { OidcConfig } from '../../../infra/config/config';
import { identityFromClaims } from './claims';

const settings: OidcConfig = {
  issuer: 'https://idp.example.com',
  clientId: 'gantry',
  clientSecret: 's',
  scopes: 'openid email profile',
  groupsClaim: 'groups',
  allowedDomains: ['example.com'],
  displayName: 'Example SSO',
};
const base = { iss: 'https://idp.example.com', sub: 'u-1', email: 'Ada@Example.com', email_verified: true };

describe('identityFromClaims', () => {
  it('takes subject, lower-cased email, name and groups', () => {
    expect(identityFromClaims({ ...base, name: 'Ada Lovelace', groups: ['eng', 7, 'ops'] }, settings)).toEqual({
      subject: 'https://idp.example.com u-1',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      groups: ['eng', 'ops'],
    });
  });

  it('builds a name from given and family names, and reads a single-string groups claim', () => {
    const id = identityFromClaims({ ...base, given_name: 'Ada', family_name: 'King', groups: 'eng' }, settings);
    expect([id.name, id.groups]).toEqual(['Ada King', ['eng']]);
  });

  it('reads the configured groups claim', () => {
    expect(identityFromClaims({ ...base, roles: ['a'] }, { ...settings, groupsClaim: 'roles' }).groups).toEqual(['a']);
  });

  it.each([
    [{ ...base, email: undefined }, 'oidc/sign_in_failed'],
    [{ ...base, email: 'not-an-email' }, 'oidc/sign_in_failed'],
    [{ ...base, email_verified: false }, 'oidc/email_not_allowed'],
    [{ ...base, email: 'eve@evil.example' }, 'oidc/email_not_allowed'],
    [{ ...base, email: 'eve@sub.example.com' }, 'oidc/email_not_allowed'],
  ])('refuses %j with %s', (claims, code) => {
    expect(() => identityFromClaims(claims, settings)).toThrow(expect.objectContaining({ code }));
  });
});
