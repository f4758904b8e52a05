import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { evaluateAll, evaluateFlag, parseContext } from '../../core/evaluation';
import { ContextSampleService } from './context-sample.service';
import { DeliveryMetrics } from './delivery.metrics';
import { EnvironmentSnapshotsService } from './environment-snapshots.service';
import { OfrepError, ldContextFromOfrep, ofrepResult } from './ofrep-mapping';
import { sdkKeyOf } from './sdk-credentials';
import { SdkKeysService } from './sdk-keys.service';

/**
 * OpenFeature Remote Evaluation Protocol over the in-memory snapshots. Errors use OFREP's own
 * bodies (`key` + `errorCode` always, which is what the 0.1.x provider understands), not problem+json.
 */
@Injectable()
export class OfrepService {
  constructor(
    private readonly keys: SdkKeysService,
    private readonly snapshots: EnvironmentSnapshotsService,
    private readonly samples: ContextSampleService,
    private readonly metrics: DeliveryMetrics,
  ) {}

  async single(req: FastifyRequest, reply: FastifyReply, flagKey: string): Promise<void> {
    try {
      const { snapshot, ldContext } = await this.prepare(req);
      const detail = evaluateFlag(snapshot.store, flagKey, ldContext);
      const result = ofrepResult(flagKey, detail, snapshot.store.rawFlag(flagKey));
      this.metrics.evaluations.inc({ surface: 'ofrep', result: result.ok ? 'ok' : result.error.errorCode });
      if (!result.ok) throw result.error;
      await reply.status(200).header('content-type', 'application/json').send(result.body);
    } catch (e) {
      await this.fail(reply, e, flagKey);
    }
  }

  async bulk(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      const { snapshot, ldContext, contextJson } = await this.prepare(req);
      // The ETag covers what decides the answer: the environment's revision and the context.
      const etag = `"${createHash('sha1').update(`${snapshot.environmentId}:${snapshot.revision}:${contextJson}`).digest('hex')}"`;
      reply.header('etag', etag);
      if (req.headers['if-none-match'] === etag) {
        await reply.status(304).send();
        return;
      }
      const all = evaluateAll(snapshot.store, ldContext);
      const flags = Object.entries(all).map(([key, detail]) => {
        const r = ofrepResult(key, detail, snapshot.store.rawFlag(key));
        return r.ok ? r.body : { key, errorCode: r.error.errorCode, errorDetails: r.error.errorDetails };
      });
      this.metrics.evaluations.inc({ surface: 'ofrep-bulk', result: 'ok' }, flags.length);
      await reply.status(200).header('content-type', 'application/json').send({ flags, metadata: { revision: Number(snapshot.revision) } });
    } catch (e) {
      await this.fail(reply, e);
    }
  }

  private async prepare(req: FastifyRequest) {
    const key = sdkKeyOf(req.headers);
    const envId = key ? await this.keys.environmentFor(key) : null;
    const snapshot = envId ? await this.snapshots.get(envId) : null;
    if (!snapshot) throw new OfrepError(401, 'GENERAL', 'missing or unknown SDK key');
    const raw = ldContextFromOfrep(req.body);
    const parsed = parseContext(raw);
    if (!parsed.ok) throw new OfrepError(400, 'INVALID_CONTEXT', parsed.error);
    this.samples.offer(snapshot.environmentId, raw);
    return { snapshot, ldContext: parsed.context, contextJson: JSON.stringify(raw) };
  }

  private async fail(reply: FastifyReply, e: unknown, flagKey?: string): Promise<void> {
    if (!(e instanceof OfrepError)) throw e;
    // 401/403 carry no body in OFREP.
    if (e.status === 401 || e.status === 403) {
      await reply.status(e.status).send();
      return;
    }
    await reply
      .status(e.status)
      .header('content-type', 'application/json')
      .send({ ...(flagKey !== undefined ? { key: flagKey } : {}), errorCode: e.errorCode, errorDetails: e.errorDetails });
  }
}
