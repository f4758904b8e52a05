import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { activeFreezes, covers, type ActiveFreeze, type FreezeWindow } from '../../core/freeze';
import type { ResourceRef } from '../../core/policy';
import { RevisionCache } from '../../core/cache/revision-cache';
import { ClockService } from '../../infra/clock/clock.service';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import type { ProjectContext } from '../projects/project-context';
import type { BreakGlass } from '../write-path/break-glass';
import { FreezesRepository } from './freezes.repository';

/** What a write that went past an active freeze records in its audit entry's links (`freezeBypassed`). */
export interface FreezeBypass {
  window: { id: string; name: string; endsAt: string };
  reason: string;
  environments: string[];
}

/** The window a refusal names, as the problem's `errors` carry it. */
export const describeFreeze = (f: ActiveFreeze) =>
  `freeze '${f.window.name}' (id ${f.window.id}) until ${f.interval.end.toISOString()}`;

/**
 * The freeze check of the one write path (FlagWriteService/SegmentWriteService.commit, next to the
 * approval gate): a targeting change to an environment covered by an active window is refused with
 * 423 `freeze/active`, naming the window and when it ends. Pre-approved writes (change requests,
 * schedules, releases, triggers, pipelines) are not exempt. Break-glass passes: the write carries a
 * reason AND the actor holds bypassRequiredApproval on the changed resource in every frozen
 * environment; the write's audit entry then records `freezeBypassed`.
 */
/**
 * The project a write checks freezes for; with the settings revision read in the writer's
 * transaction under its lock (FlagLocksRepository.findForUpdate), the windows read at that revision
 * are used again instead of reading them in every write.
 */
export type ProjectSettingsRef = Pick<ProjectContext, 'id'> & { settingsRevision?: bigint };

@Injectable()
export class FreezeGate {
  /** The windows by project, at the settings revision they were read at (see RevisionCache). */
  private readonly cache = new RevisionCache<FreezeWindow[]>();

  constructor(
    private readonly repo: FreezesRepository,
    private readonly authz: AuthorizationService,
    private readonly clock: ClockService,
  ) {}

  /** The windows active now over any of `envKeys`, the one ending last first (one query). */
  async active(project: ProjectSettingsRef, envKeys: readonly string[], db?: Tx): Promise<ActiveFreeze[]> {
    if (!envKeys.length) return [];
    const windows = await this.windows(project, db);
    return windows.length ? activeFreezes(windows, envKeys, this.clock.now()) : [];
  }

  /** Every window of the project covering the environment (active or not). */
  async covering(project: ProjectSettingsRef, envKey: string, db?: Tx): Promise<FreezeWindow[]> {
    return (await this.windows(project, db)).filter((w) => covers(w, envKey));
  }

  /** The project's windows: from the cache at a known settings revision, else read in `db`. */
  private windows(project: ProjectSettingsRef, db?: Tx): Promise<FreezeWindow[]> {
    return this.cache.get(project.id, project.settingsRevision, () => this.repo.list(project.id, db));
  }

  async enforce(
    tx: Tx,
    actor: Actor,
    project: ProjectSettingsRef,
    envKeys: readonly string[],
    resourceIn: (envKey: string) => ResourceRef,
    breakGlass?: BreakGlass,
  ): Promise<FreezeBypass | undefined> {
    const frozen = await this.active(project, envKeys, tx);
    if (!frozen.length) return undefined;
    const frozenEnvs = envKeys.filter((k) => frozen.some((f) => covers(f.window, k)));
    const reason = breakGlass?.reason.trim();
    const mayBypass = frozenEnvs.every((k) => this.authz.can(actor, 'bypassRequiredApproval', resourceIn(k)));
    const first = frozen[0];
    if (!reason || !mayBypass) {
      throw new DomainError(
        'freeze/active',
        `change freeze '${first.window.name}' (id ${first.window.id}) is active over ${frozenEnvs.join(', ')} ` +
          `until ${first.interval.end.toISOString()}; targeting changes are refused until it ends` +
          (mayBypass ? ' (or send a break-glass reason: "bypass": {"reason": "..."} or X-Gantry-Bypass-Reason)' : ''),
        frozen.map((f) => ({ field: `freezes.${f.window.id}`, reason: describeFreeze(f) })),
      );
    }
    return {
      window: { id: first.window.id, name: first.window.name, endsAt: first.interval.end.toISOString() },
      reason,
      environments: frozenEnvs,
    };
  }
}
