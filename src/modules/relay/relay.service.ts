import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors';
import { parseCountBatch } from '../../core/relay/evaluation-count-batch';
import { sdkLabel } from '../../core/insights/evaluation-tally';
import { SdkEventSink } from '../delivery/snapshot-source';
import { EvaluationCountSink } from '../insights/evaluation-count-sink';
import { RelayAuthService } from './relay-auth.service';
import { RelayFeedService } from './relay-feed.service';

/** The header an edge names the SDK of forwarded events with (the SDK's own User-Agent stays with the SDK). */
export const FORWARDED_SDK_HEADER = 'x-gantry-sdk';

/** What edges send upstream: their feed request, the SDK events they received, their evaluation counts. */
@Injectable()
export class RelayService {
  constructor(
    private readonly auth: RelayAuthService,
    private readonly feeds: RelayFeedService,
    private readonly eventSink: SdkEventSink,
    private readonly countSink: EvaluationCountSink,
  ) {}

  feed(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    return this.feeds.open(req, reply);
  }

  async credential(headers: FastifyRequest['headers']) {
    const { grant } = await this.auth.authenticate(headers);
    return { id: grant.id, name: grant.name, scope: grant.scope };
  }

  /** SDK events an edge received on /bulk, stored and counted here as if sent here. */
  async events(headers: FastifyRequest['headers'], environmentId: string, body: unknown): Promise<void> {
    const { grant } = await this.auth.authenticate(headers);
    this.auth.requireCovered(grant, environmentId);
    const sdk = headers[FORWARDED_SDK_HEADER];
    await this.eventSink.ingest(environmentId, body, sdkLabel(typeof sdk === 'string' ? sdk : undefined));
  }

  /** An edge's evaluation counts (OFREP), written once per batch id however often it is retried. */
  async counts(headers: FastifyRequest['headers'], body: unknown): Promise<{ written: boolean }> {
    const { grant } = await this.auth.authenticate(headers);
    const batch = parseCountBatch(body);
    if (!batch.ok) throw new DomainError('relay/invalid_request', batch.error);
    for (const id of new Set(batch.rows.map((r) => r.environmentId))) this.auth.requireCovered(grant, id);
    return { written: await this.countSink.addBatch(batch.batchId, batch.rows) };
  }
}
