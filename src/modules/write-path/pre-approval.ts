/**
 * Permission to write without authorizing each instruction for the actor who applies it: the
 * change was allowed earlier, by reviews of a change request, or by whoever set up the automation
 * (a schedule, release, pipeline or trigger) that now writes on their behalf.
 *
 * It is a capability, not a flag: the write path accepts only instances of this class, and only
 * `mintPreApproval` can make one (the constructor demands a token this file keeps to itself).
 * `pre-approval-importers.spec.ts` fails when a file other than the automation runner and
 * change-request apply imports `mintPreApproval`, so trusting a write stays a decision made in two
 * reviewed places.
 */
const MINT: unique symbol = Symbol('pre-approval');

export interface PreApprovalGrant {
  /** The environment whose approval came with the grant (not gated again); absent = every environment is gated. */
  environmentKey?: string;
  /** Why the write is trusted, recorded in its audit entry (`changeRequest`, `scheduledChange`, `release`, …). */
  links: Record<string, unknown>;
}

export class PreApproval implements PreApprovalGrant {
  /** Private, so the type is nominal: an object literal of the same shape is not a PreApproval. */
  private readonly minted = MINT;
  readonly environmentKey?: string;
  readonly links: Record<string, unknown>;

  constructor(token: typeof MINT, grant: PreApprovalGrant) {
    if (token !== this.minted) throw new Error('a PreApproval is minted only by mintPreApproval');
    if (grant.environmentKey !== undefined) this.environmentKey = grant.environmentKey;
    this.links = grant.links;
    Object.freeze(this);
  }
}

export function mintPreApproval(grant: PreApprovalGrant): PreApproval {
  return new PreApproval(MINT, grant);
}

/** The write path's own check, for callers that reach it without the compiler (a cast, plain JS). */
export function assertPreApproval(value: unknown): asserts value is PreApproval | undefined {
  if (value !== undefined && !(value instanceof PreApproval))
    throw new Error('preApproved must be minted by mintPreApproval');
}
