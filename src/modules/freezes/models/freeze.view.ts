import { activeInterval } from '../../../core/freeze';
import type { FreezeRecord } from '../freeze-records';

export interface FreezeView {
  id: string;
  projectKey: string;
  name: string;
  reason: string | null;
  environmentKeys: string[] | null;
  kind: 'once' | 'recurring';
  from?: string;
  to?: string;
  cron?: string;
  durationMinutes?: number;
  timeZone?: string;
  active: boolean;
  activeUntil: string | null;
  createdBy: Record<string, unknown>;
  createdAt: string;
}

export function freezeView(projectKey: string, f: FreezeRecord, now: Date): FreezeView {
  const s = f.schedule;
  const interval = activeInterval(f, now);
  return {
    id: f.id,
    projectKey,
    name: f.name,
    reason: f.reason,
    environmentKeys: f.environmentKeys ? [...f.environmentKeys] : null,
    kind: s.kind,
    ...(s.kind === 'once'
      ? { from: s.from.toISOString(), to: s.to.toISOString() }
      : { cron: s.cron, durationMinutes: s.durationMinutes, timeZone: s.timeZone }),
    active: interval !== undefined,
    activeUntil: interval ? interval.end.toISOString() : null,
    createdBy: { ...f.createdBy },
    createdAt: f.createdAt.toISOString(),
  };
}
