import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../../core/errors';
import type { ChainCheck } from '../../core/audit/hash-chain';
import { auditLogResource } from '../../core/policy';
import { JobName, QueueName } from '../../infra/queues/queue-names';
import { QueuesService } from '../../infra/queues/queues.service';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { jobOrigin } from '../../infra/queues/job-payload';

export interface VerificationView {
  id: string;
  state: string;
  /** Entries checked so far (reported by the worker as it goes). */
  checked: number;
  /** Entries in the chain when the verification started (null before the worker has counted them). */
  total: number | null;
  result: ChainCheck | null;
  error: string | null;
}

/**
 * Verifying a long audit log takes a while, so it can run as a job: start it, then poll its
 * progress. The synchronous GET /audit-log/verify stays for small logs and tests.
 */
@Injectable()
export class AuditVerificationService {
  constructor(
    private readonly queues: QueuesService,
    private readonly authz: AuthorizationService,
  ) {}

  async start(actor: Actor): Promise<VerificationView> {
    this.authz.assert(actor, 'viewAuditLog', auditLogResource());
    const job = await this.queues
      .call(QueueName.Maintenance, 'audit verification', (q) =>
        q.add(
          JobName.VerifyAuditChain,
          { requestedBy: actor.id, ...jobOrigin() },
          { removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } },
        ),
      )
      .catch(queueUnavailable);
    return this.get(actor, job.id!);
  }

  async get(actor: Actor, id: string): Promise<VerificationView> {
    this.authz.assert(actor, 'viewAuditLog', auditLogResource());
    // The state is read before the job: a job read first and finished in between would show
    // `completed` with no result yet (seen under load).
    const read = /^\d{1,18}$/.test(id)
      ? await this.queues
          .call(QueueName.Maintenance, 'audit verification', async (q) => {
            const state = await q.getJobState(id);
            return { state, job: await q.getJob(id) };
          })
          .catch(queueUnavailable)
      : undefined;
    const job = read?.job;
    if (!job || job.name !== (JobName.VerifyAuditChain as string)) throw notFound('audit_verification', id);
    const progress = job.progress as { checked?: number; total?: number } | number;
    const result = (job.returnvalue as ChainCheck | null) ?? null;
    return {
      id: job.id!,
      state: read.state,
      checked: result?.checked ?? (typeof progress === 'object' ? (progress.checked ?? 0) : 0),
      total: typeof progress === 'object' ? (progress.total ?? null) : null,
      result,
      error: job.failedReason ?? null,
    };
  }
}

/** Verification jobs live in Redis: while it is unreachable, say so (503) rather than hang. */
function queueUnavailable(e: Error): never {
  throw new DomainError('unavailable', `the job queue is unreachable (${e.message}); retry later`);
}
