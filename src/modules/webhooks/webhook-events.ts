/** The events webhooks can subscribe to, and the filter match. */
export const WEBHOOK_EVENTS = [
  'flag.updated',
  'segment.updated',
  'change_request.created',
  'change_request.reviewed',
  'change_request.approved',
  'change_request.declined',
  'change_request.applied',
  'change_request.failed',
  'change_request.cancelled',
  'change_request.acknowledged',
  'change_request.incident',
  'approval.bypassed',
  'scheduled_change.applied',
  'scheduled_change.failed',
  'scheduled_change.skipped',
  'release.started',
  'release.advanced',
  'release.paused',
  'release.resumed',
  'release.completed',
  'release.rolled_back',
  'release.failed',
  /** A flag became stale (lifecycle): sent once per transition by the lifecycle sweep. */
  'flag.ready_for_cleanup',
  'deployment.recorded',
  'release_plan.phase_started',
  'release_plan.paused',
  'release_plan.resumed',
  'release_plan.completed',
  'release_plan.failed',
  'release_plan.expired',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What a filter may contain: an event name or `*` (every event). */
export const WEBHOOK_EVENT_FILTERS = [...WEBHOOK_EVENTS, '*'] as const;

export const matchesEvent = (filter: readonly string[], event: string): boolean =>
  filter.includes('*') || filter.includes(event);
