import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hash } from 'node:crypto';
import { evaluateFlag, parseContext, type Context, type EvalDetail, type SdkFlag } from '../../core/evaluation';
import { sdkLabel } from '../../core/insights/evaluation-tally';
import { EvaluationRecorder } from '../insights/evaluation-recorder.service';
import { ContextSampleService } from './context-sample.service';
import { DeliveryMetrics } from './delivery.metrics';
import { EnvironmentSnapshotsService } from './environment-snapshots.service';
import type { EnvironmentSnapshot } from './environment-snapshot';
import { OfrepError, isContextIndependent, ldContextFromOfrep, ofrepResult } from './ofrep-mapping';
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
    private readonly recorder: EvaluationRecorder,
  ) {}

  private readonly constants = new WeakMap<EnvironmentSnapshot, { revision: bigint; results: Map<string, string> }>();

  async single(req: FastifyRequest, reply: FastifyReply, flagKey: string): Promise<void> {
    try {
      const { snapshot, ldContext } = await this.prepare(req);
      const detail = evaluateFlag(snapshot.store, flagKey, ldContext);
      const result = ofrepResult(flagKey, detail, snapshot.store.rawFlag(flagKey));
      this.metrics.evaluations.inc({ surface: 'ofrep', result: result.ok ? 'ok' : result.error.errorCode });
      if (!result.ok) throw result.error;
      this.recorder.evaluation(
        snapshot.environmentId,
        flagKey,
        detail.variationIndex ?? undefined,
        sdkLabel(req.headers['user-agent'], 'ofrep:'),
      );
      await reply.status(200).header('content-type', 'application/json').send(result.body);
    } catch (e) {
      await this.fail(reply, e, flagKey);
    }
  }

  async bulk(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      const { snapshot, ldContext, rawContext } = await this.prepare(req);
      // The ETag covers what decides the answer: the environment's revision and the context.
      const etag = `"${hash('sha1', `${snapshot.environmentId}:${snapshot.revision}:${JSON.stringify(rawContext)}`)}"`;
      reply.header('etag', etag);
      if (req.headers['if-none-match'] === etag) {
        await reply.status(304).send();
        return;
      }
      const constant = this.constantResults(snapshot);
      const parts: string[] = [];
      for (const key of snapshot.store.flagKeys()) {
        let json = constant.get(key);
        if (json === undefined)
          json = JSON.stringify(
            bulkEntry(key, evaluateFlag(snapshot.store, key, ldContext), snapshot.store.rawFlag(key)),
          );
        parts.push(json);
      }
      this.metrics.evaluations.inc({ surface: 'ofrep-bulk', result: 'ok' }, parts.length);
      await reply
        .status(200)
        .header('content-type', 'application/json')
        .send(`{"flags":[${parts.join(',')}],"metadata":{"revision":${snapshot.revision}}}`);
    } catch (e) {
      await this.fail(reply, e);
    }
  }

  /**
   * Results of flags that answer the same for every context (off, or no targets, rules or
   * prerequisites and a fixed fallthrough), serialised once per snapshot revision.
   */
  private constantResults(snapshot: EnvironmentSnapshot): Map<string, string> {
    const cached = this.constants.get(snapshot);
    if (cached?.revision === snapshot.revision) return cached.results;
    const results = new Map<string, string>();
    for (const key of snapshot.store.flagKeys()) {
      const flag = snapshot.store.rawFlag(key);
      if (!flag || !isContextIndependent(flag)) continue;
      results.set(key, JSON.stringify(bulkEntry(key, evaluateFlag(snapshot.store, key, ANY_CONTEXT), flag)));
    }
    this.constants.set(snapshot, { revision: snapshot.revision, results });
    return results;
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
    return { snapshot, ldContext: parsed.context, rawContext: raw };
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
      .send({
        ...(flagKey !== undefined ? { key: flagKey } : {}),
        errorCode: e.errorCode,
        errorDetails: e.errorDetails,
      });
  }
}

/** A valid context for evaluating flags that ignore the context. */
const ANY_CONTEXT: Context = (() => {
  const parsed = parseContext({ kind: 'user', key: 'any' });
  if (!parsed.ok) throw new Error('unreachable');
  return parsed.context;
})();

/** One entry of the bulk response: a success, or the flag's error (bulk never fails for one flag). */
function bulkEntry(key: string, detail: EvalDetail, flag: SdkFlag | undefined) {
  const r = ofrepResult(key, detail, flag);
  return r.ok ? r.body : { key, errorCode: r.error.errorCode, errorDetails: r.error.errorDetails };
}
