import { Injectable } from '@nestjs/common';
import type { FlagDefinition, FlagEnvironmentConfig } from '../../core/model/flag-config';
import { toSdkFlag } from '../../core/model/sdk-shape';
import type { Tx } from '../../infra/prisma/tx';
import { actorRef, type Actor } from '../accounts/models/actor';
import { OutboxRepository } from '../outbox/outbox.repository';
import type { ProjectContext } from '../projects/project-context';
import type { FlagRecord } from './flag-records';
import { FlagsRepository } from './flags.repository';

/** One environment's new flag configuration, for FlagWriteService's commit: its version snapshot and its outbox row. */
@Injectable()
export class FlagConfigWriter {
  constructor(
    private readonly repo: FlagsRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  async write(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    row: FlagRecord,
    envKey: string,
    def: FlagDefinition,
    config: FlagEnvironmentConfig,
    comment: string,
  ) {
    const fe = row.environments.find((e) => e.environmentKey === envKey)!;
    await this.repo.updateConfigWithVersion(tx, {
      flagEnvironmentId: fe.id,
      definition: def,
      config,
      actor: actorRef(actor),
      comment,
    });
    await this.outbox.enqueue(tx, {
      environmentId: fe.environmentId,
      kind: 'flag',
      key: def.key,
      version: config.version,
      payload: toSdkFlag(def, config),
      meta: { actor: { ...actorRef(actor) }, projectKey: project.key, environmentKey: envKey },
    });
  }
}
