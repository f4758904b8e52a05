import type { ApprovalSettings } from '../../core/approval';
import { notFound } from '../../core/errors';
import { actorRef, type Actor } from '../accounts/models/actor';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import type { Tx } from '../../infra/prisma/tx';
import type { WebhookEvent } from '../webhooks/webhook-events';
import type { ChangeRequestScope, Located } from './change-request-scope';
import type { ChangeRequestRow } from './change-requests.repository';
import { changeRequestView, type ChangeRequestView } from './models/change-request.view';

/** Project `shop` with one critical environment, `production`, whose own approval settings are `settings`. */
export function located(settings: Partial<ApprovalSettings> = {}): Located {
  const at = new Date('2030-01-01T00:00:00Z');
  const env: EnvironmentContext = {
    id: 'env-1',
    projectId: 'project-1',
    key: 'production',
    name: 'Production',
    color: '#000000',
    critical: true,
    tags: [],
    sdkKey: 'sdk-1',
    clientSideId: 'client-1',
    mobileKey: 'mob-1',
    revision: 1n,
    createdAt: at,
    updatedAt: at,
    approvalSettings: settings,
    governanceVersion: 1,
  };
  const project: ProjectContext = {
    id: 'project-1',
    key: 'shop',
    name: 'Shop',
    tags: [],
    createdAt: at,
    updatedAt: at,
    approvalDefaults: null,
    environments: [env],
  };
  return { project, env };
}

/** ChangeRequestScope over one located environment, a fixed clock, and a list of the events emitted. */
export class FakeChangeRequestScope implements ChangeRequestScope {
  readonly events: { event: WebhookEvent; id: string; status: string; extra: Record<string, unknown> }[] = [];

  constructor(
    readonly at: Located,
    private readonly clock = new Date('2030-06-01T12:00:00Z'),
  ) {}

  async locate(_actor: Actor, projectKey: string, envKey: string): Promise<Located> {
    if (projectKey !== this.at.project.key || envKey !== this.at.env.key)
      throw notFound('environment', `${projectKey}/${envKey}`);
    return this.at;
  }

  historyEntry(actor: Actor, status: string, note: string) {
    return { at: this.clock.toISOString(), status, actor: actorRef(actor), note };
  }

  now(): Date {
    return this.clock;
  }

  view(row: ChangeRequestRow): Promise<ChangeRequestView> {
    return Promise.resolve(changeRequestView(row));
  }

  /** Recorded events, by delivery id, until announced (a transaction that fails never announces its own). */
  private readonly recorded = new Map<string, FakeChangeRequestScope['events'][number]>();

  record(
    _tx: Tx,
    events: WebhookEvent[],
    row: ChangeRequestRow,
    _actor: Actor,
    extra: Record<string, unknown> = {},
  ): Promise<string[]> {
    return Promise.resolve(
      events.map((event) => {
        const id = `delivery-${this.recorded.size + 1}`;
        this.recorded.set(id, { event, id: row.id, status: row.status, extra });
        return id;
      }),
    );
  }

  announce(_events: WebhookEvent[], deliveries: string[]): void {
    for (const id of deliveries) this.events.push(this.recorded.get(id)!);
  }
}
