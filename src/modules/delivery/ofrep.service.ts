import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hash } from 'node:crypto';
import { evaluateFlag, parseContext, type Context, type EvalDetail, type SdkFlag } from '../../core/evaluation';
import { NO_VARIATION, sdkLabel } from '../../core/insights/evaluation-tally';
import { EvaluationRecorder } from '../insights/evaluation-recorder.service';
import { ContextSampleService } from './context-sample.service';
import { DeliveryMetrics } from './delivery.metrics';
import type { EnvironmentSnapshot } from './environment-snapshot';
import { OfrepError, isContextIndependent, ldContextFromOfrep, ofrepResult } from './ofrep-mapping';
import { sdkKeyOf } from './sdk-credentials';
import { SdkKeyResolver, SnapshotSource } from './snapshot-source';

/**
 * OpenFeature Remote Evaluation Protocol over the in-memory snapshots. Errors use OFREP's own
 * bodies (`key` + `errorCode` always, which is what the 0.1.x provider understands), not problem+json.
 */
@Injectable()
export class OfrepService {
  constructor(
    private readonly keys: SdkKeyResolver,
    private readonly snapshots: SnapshotSource,
    private readonly samples: ContextSampleService,
    private readonly metrics: DeliveryMetrics,
    private readonly recorder: EvaluationRecorder,
  ) {}

  private readonly constants = new WeakMap<EnvironmentSnapshot, { revision: bigint; results: Map<string, Constant> }>();

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
      const keys = snapshot.store.flagKeys();
      const parts: string[] = new Array<string>(keys.length);
      const served: number[] = new Array<number>(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const fixed = constant.get(key);
        if (fixed) {
          parts[i] = fixed.json;
          served[i] = fixed.variation;
        } else {
          const detail = evaluateFlag(snapshot.store, key, ldContext);
          parts[i] = JSON.stringify(bulkEntry(key, detail, snapshot.store.rawFlag(key)));
          served[i] = detail.variationIndex ?? NO_VARIATION;
        }
      }
      this.recorder.evaluations(snapshot.environmentId, keys, served, sdkLabel(req.headers['user-agent'], 'ofrep:'));
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
  private constantResults(snapshot: EnvironmentSnapshot): Map<string, Constant> {
    const cached = this.constants.get(snapshot);
    if (cached?.revision === snapshot.revision) return cached.results;
    const results = new Map<string, Constant>();
    for (const key of snapshot.store.flagKeys()) {
      const flag = snapshot.store.rawFlag(key);
      if (!flag || !isContextIndependent(flag)) continue;
      const detail = evaluateFlag(snapshot.store, key, ANY_CONTEXT);
      results.set(key, {
        json: JSON.stringify(bulkEntry(key, detail, flag)),
        variation: detail.variationIndex ?? NO_VARIATION,
      });
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

/** A flag's bulk entry and the variation it serves, the same for every context. */
interface Constant {
  json: string;
  variation: number;
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
