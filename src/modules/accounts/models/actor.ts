import type { Policy } from '../../../core/policy';

/**
 * Who is acting. Built once per request by the auth guard from the credential; services receive
 * it as their first argument and authorize through AuthorizationService.
 */
export interface Actor {
  kind: 'member' | 'token' | 'system' | 'trigger';
  /** Member id for personal tokens, token id for service tokens, trigger id for triggers, 'system' for the system. */
  id: string;
  name: string;
  /** The member's email, for members (people are named, not numbered). */
  email?: string;
  memberId?: string;
  tokenId?: string;
  /** Set when the member acts through a browser session (the console) rather than a token. */
  sessionId?: string;
  policy: Policy;
}

/**
 * What an audit entry, a change request, a review, a release, a schedule or a webhook payload
 * records of the actor (never the policy, never a secret): named at write time, so a reader sees
 * who without a lookup.
 */
export interface ActorRef {
  kind: Actor['kind'];
  id: string;
  name: string;
  email?: string;
  memberId?: string;
  tokenId?: string;
}

export const actorRef = (a: Actor): ActorRef => ({
  kind: a.kind,
  id: a.id,
  name: a.name,
  ...(a.email ? { email: a.email } : {}),
  ...(a.memberId ? { memberId: a.memberId } : {}),
  ...(a.tokenId ? { tokenId: a.tokenId } : {}),
});
