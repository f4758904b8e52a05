/**
 * A direct write's explicit request to go past a gate that would refuse it (required approval, an
 * active freeze): allowed only to actors who hold `bypassRequiredApproval` there, and never silent —
 * the reason is audited, the response and a webhook say so, and a retroactive review is opened.
 * It comes from the body (`bypass: { reason }`) or the `X-Gantry-Bypass-Reason` header.
 */
export interface BreakGlass {
  reason: string;
}

export const BYPASS_REASON_HEADER = 'x-gantry-bypass-reason';

/** The body's `bypass` if given, else the header's. */
export const breakGlassOf = (body?: BreakGlass, header?: BreakGlass): BreakGlass | undefined => body ?? header;
