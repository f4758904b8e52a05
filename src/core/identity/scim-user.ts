import { DomainError } from '../errors';
import type { ScimDoc, ScimElement } from './scim-values';

/**
 * A SCIM User is a Gantry member. What is kept: the email (userName, and the one email Gantry
 * shows: changing either changes both), the name (name.formatted, else givenName + familyName,
 * else displayName), externalId and active. Pure: documents in, member fields out.
 */
export interface UserFields {
  /** Lower-cased. */
  email: string;
  name: string;
  externalId: string | null;
  active: boolean;
}

const MAX_EMAIL = 320;
const MAX_NAME = 256;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

const invalid = (message: string) => new DomainError('scim/invalid_value', message);

function emailOf(value: unknown, what: string): string {
  if (typeof value !== 'string' || !value.trim()) throw invalid(`${what} is required`);
  const email = value.trim().toLowerCase();
  if (email.length > MAX_EMAIL || !EMAIL.test(email))
    throw invalid(
      `${what} must be an email address (Gantry identifies members by email; map userName to the user's email or UPN)`,
    );
  return email;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** The ways a body names a person, strongest first. */
function nameCandidates(doc: ScimDoc): string[] {
  const name = (doc.name ?? {}) as Record<string, unknown>;
  return [
    text(name.formatted),
    [text(name.givenName), text(name.familyName)].filter(Boolean).join(' '),
    text(doc.displayName),
  ];
}

function checkedName(name: string): string {
  if (name.length > MAX_NAME) throw invalid(`the name is longer than ${MAX_NAME} characters`);
  return name;
}

/** The email the body's emails give: the primary one, else the work one, else the first. */
function primaryEmail(doc: ScimDoc): unknown {
  const emails = (Array.isArray(doc.emails) ? doc.emails : []) as ScimElement[];
  return (emails.find((e) => e.primary === true) ?? emails.find((e) => e.type === 'work') ?? emails[0])?.value;
}

/** A member as a SCIM document (what GET shows and PATCH starts from). */
export function userDoc(f: UserFields): ScimDoc {
  const space = f.name.indexOf(' ');
  const name =
    space > 0
      ? { formatted: f.name, givenName: f.name.slice(0, space), familyName: f.name.slice(space + 1) }
      : { formatted: f.name, givenName: f.name };
  return {
    ...(f.externalId !== null ? { externalId: f.externalId } : {}),
    userName: f.email,
    name,
    displayName: f.name,
    emails: [{ value: f.email, type: 'work', primary: true }],
    active: f.active,
  };
}

/**
 * A POST or PUT body's member. `kept` is what a PUT leaves alone when the body does not say it:
 * the externalId (dropping an identity link by omission would be a surprise) and active (a PUT
 * without it must not deactivate anyone, nor reactivate them).
 */
export function userFromBody(doc: ScimDoc, kept?: Pick<UserFields, 'externalId' | 'active'>): UserFields {
  const email = emailOf(doc.userName, 'userName');
  return {
    email,
    name: checkedName(nameCandidates(doc).find(Boolean) ?? email),
    externalId: typeof doc.externalId === 'string' && doc.externalId ? doc.externalId : (kept?.externalId ?? null),
    active: typeof doc.active === 'boolean' ? doc.active : (kept?.active ?? true),
  };
}

/**
 * The member after a PATCH turned `before` (userDoc of `current`) into `after`. Gantry keeps one
 * name and one email, so what changed wins: a new familyName re-derives the name even though the
 * unchanged `formatted` still holds the old one; a new work email becomes the email.
 */
export function userAfterPatch(current: UserFields, before: ScimDoc, after: ScimDoc): UserFields {
  if (after.userName === undefined) throw invalid('userName is required and cannot be removed');
  let email = current.email;
  if (after.userName !== before.userName) email = emailOf(after.userName, 'userName');
  else if (primaryEmail(after) !== primaryEmail(before) && primaryEmail(after) !== undefined)
    email = emailOf(primaryEmail(after), 'emails.value');

  const was = nameCandidates(before);
  const changed = nameCandidates(after).find((candidate, i) => candidate && candidate !== was[i]);
  return {
    email,
    name: changed ? checkedName(changed) : current.name,
    externalId: typeof after.externalId === 'string' && after.externalId ? after.externalId : null,
    active: typeof after.active === 'boolean' ? after.active : current.active,
  };
}
