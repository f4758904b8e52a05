import {
  checkFlagChange,
  checkFlagCreation,
  checkSegmentChange,
  splitFindings,
  type FlagChange,
  type GuardrailFinding,
} from '../../core/guardrail';
import { RevisionCache } from '../../core/cache/revision-cache';
import { DomainError } from '../../core/errors';
import type { FlagDefinition, SegmentConfig } from '../../core/model/flag-config';
import type { Tx } from '../../infra/prisma/tx';
import type { GuardrailPolicyRecord, GuardrailsRepository } from './guardrails.repository';

/** A `warn` finding as responses, change requests and audit entries carry it. */
export interface GuardrailWarning {
  policy: string;
  rule: string;
  message: string;
  environment?: string;
}

const asWarning = ({ effect: _e, ...w }: GuardrailFinding): GuardrailWarning => w;

/** A write's audit links for its guardrail warnings: none when there are none. */
export const guardrailLinks = (warnings: GuardrailWarning[]) =>
  warnings.length ? { guardrailWarnings: warnings } : {};

/**
 * Throws 422 `guardrail/violation` listing every `block` finding (nothing is written); returns the
 * `warn` findings for the write to carry. Break-glass and pre-approval change nothing here: a
 * guardrail is a content rule, not an approval.
 */
export function enforceGuardrails(findings: GuardrailFinding[]): GuardrailWarning[] {
  const { blocks, warnings } = splitFindings(findings);
  if (blocks.length)
    throw new DomainError(
      'guardrail/violation',
      `the change violates ${blocks.length} guardrail rule(s): ` +
        blocks.map((b) => `${b.policy}/${b.rule}: ${b.message}`).join('; '),
      blocks.map((b) => ({
        field: `guardrails.${b.policy}.${b.rule}`,
        reason: b.message,
        policy: b.policy,
        rule: b.rule,
        ...(b.environment !== undefined ? { environment: b.environment } : {}),
      })),
    );
  return warnings.map(asWarning);
}

/**
 * What the write path asks of the guardrails: the project's policies, read in the writer's
 * transaction, applied to a change by core/guardrail. FlagWriteService, SegmentWriteService,
 * FlagCreationService and change-request creation call it; nothing else decides. A plain class
 * (no Nest import, so its spec runs over a fake repository); GuardrailsModule builds it.
 */
export class GuardrailChecks {
  /** The policies by project, at the settings revision they were read at (see RevisionCache). */
  private readonly cache = new RevisionCache<GuardrailPolicyRecord[]>();

  constructor(private readonly repo: Pick<GuardrailsRepository, 'list'>) {}

  async flagCreation(tx: Tx | undefined, projectId: string, flag: FlagDefinition): Promise<GuardrailWarning[]> {
    const policies = await this.repo.list(projectId, tx);
    return policies.length ? enforceGuardrails(checkFlagCreation(policies, flag)) : [];
  }

  /**
   * `settingsRevision`: the project's, read in `tx` under the flag's lock (FlagLocksRepository.findForUpdate);
   * with it, the policies read at that revision are used again instead of reading them in every write.
   */
  async flagChange(
    tx: Tx | undefined,
    projectId: string,
    change: FlagChange,
    settingsRevision?: bigint,
  ): Promise<GuardrailWarning[]> {
    const policies = await this.cache.get(projectId, settingsRevision, () => this.repo.list(projectId, tx));
    return policies.length ? enforceGuardrails(checkFlagChange(policies, change)) : [];
  }

  async segmentChange(
    tx: Tx | undefined,
    projectId: string,
    envKey: string,
    before: SegmentConfig | null,
    after: SegmentConfig,
  ): Promise<GuardrailWarning[]> {
    const policies = await this.repo.list(projectId, tx);
    return policies.length ? enforceGuardrails(checkSegmentChange(policies, envKey, before, after)) : [];
  }
}
