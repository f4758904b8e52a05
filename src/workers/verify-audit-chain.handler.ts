import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, QueueName } from '../infra/queues/queue-names';
import { systemActor } from '../modules/accounts/system-actor';
import { AuditService } from '../modules/audit/audit.service';
import type { JobHandler } from './job-handler';

/** Background verification of the audit chain, for deployments whose log is too long to verify in a request. */
@Injectable()
export class VerifyAuditChainHandler implements JobHandler {
  readonly queue = QueueName.Maintenance;
  readonly job = JobName.VerifyAuditChain;
  private readonly logger = new Logger('audit-verify');

  constructor(private readonly audit: AuditService) {}

  async handle(job: Job) {
    const result = await this.audit.verify(
      systemActor('audit-verifier'),
      (checked, total) => void job.updateProgress({ checked, total }),
    );
    this.logger[result.ok ? 'log' : 'error'](
      `audit chain ${result.ok ? 'intact' : `broken at ${result.firstBrokenId}`} (${result.checked} entries)`,
    );
    return result;
  }
}
