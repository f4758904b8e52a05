import { DomainError } from '../../../core/errors';
import type { OidcConfig } from '../../../infra/config/config';
import type { VerifiedIdentity } from '../../accounts/identity-provisioning.service';

/**
 * Turns verified ID-token (and userinfo) claims into the identity Gantry provisions: an email the
 * provider does not call unverified, within the allowed domains; a display name; the groups claim
 * (a list of strings, or one string).
 */
export function identityFromClaims(claims: Record<string, unknown>, settings: OidcConfig): VerifiedIdentity {
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!/^[^@\s]+@[^@\s]+$/.test(email))
    throw new DomainError('oidc/sign_in_failed', 'the identity provider did not send an email address (scope "email")');
  if (claims.email_verified === false || claims.email_verified === 'false')
    throw new DomainError('oidc/email_not_allowed', `the identity provider says ${email} is not verified`);
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (settings.allowedDomains.length && !settings.allowedDomains.includes(domain))
    throw new DomainError('oidc/email_not_allowed', `${domain} is not among the email domains allowed to sign in`);

  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const given = [str(claims.given_name), str(claims.family_name)].filter(Boolean).join(' ');
  const name = (str(claims.name) ?? (given || undefined) ?? str(claims.preferred_username) ?? email).slice(0, 200);

  const raw = claims[settings.groupsClaim];
  const groups = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
    (g): g is string => typeof g === 'string' && g.length > 0 && g.length <= 256,
  );
  return { subject: `${String(claims.iss)} ${String(claims.sub)}`, email, name, groups: groups.slice(0, 1000) };
}
