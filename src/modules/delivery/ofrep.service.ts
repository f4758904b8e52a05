import { Injectable } from '@nestjs/common';
import { hash } from 'node:crypto';
import type { HttpReplyLike, HttpRequestLike } from '../../infra/http/http-exchange';
import { evaluateFlag, parseContext, type EvalDetail } from '../../core/evaluation';
import { sdkLabel } from '../../core/insights/evaluation-tally';
import { EvaluationRecorder } from '../insights/evaluation-recorder.service';
import { ContextSampleService } from './context-sample.service';
import { DeliveryMetrics } from './delivery.metrics';
import type { EnvironmentSnapshot } from './environment-snapshot';
import { OfrepAnswers } from './ofrep-answers';
import { OfrepError, ldContextFromOfrep, ofrepResult } from './ofrep-mapping';
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

  /** Each snapshot's answers, rebuilt when its revision moves on (the snapshot is updated in place). */
  private readonly answers = new WeakMap<EnvironmentSnapshot, OfrepAnswers>();
  /** The last User-Agent and its insights label: SDKs of one fleet send the same one over and over. */
  private lastAgent?: { userAgent: string | undefined; label: string };

  /**
   * Answers in one synchronous pass when the SDK key and its snapshot are held here (every request
   * but an environment's first on this node); otherwise waits for them. A promise per request was
   * most of the asynchronous bookkeeping of these routes (each one also pays the async hooks).
   */
  single(req: HttpRequestLike, reply: HttpReplyLike, flagKey: string): void | Promise<void> {
    try {
      const snapshot = this.peekSnapshot(req);
      if (snapshot === undefined) return this.singleLater(req, reply, flagKey);
      this.answerSingle(snapshot, req, reply, flagKey);
    } catch (e) {
      this.fail(reply, e, flagKey);
    }
  }

  bulk(req: HttpRequestLike, reply: HttpReplyLike): void | Promise<void> {
    try {
      const snapshot = this.peekSnapshot(req);
      if (snapshot === undefined) return this.bulkLater(req, reply);
      this.answerBulk(snapshot, req, reply);
    } catch (e) {
      this.fail(reply, e);
    }
  }

  private async singleLater(req: HttpRequestLike, reply: HttpReplyLike, flagKey: string): Promise<void> {
    try {
      this.answerSingle(await this.loadSnapshot(req), req, reply, flagKey);
    } catch (e) {
      this.fail(reply, e, flagKey);
    }
  }

  private async bulkLater(req: HttpRequestLike, reply: HttpReplyLike): Promise<void> {
    try {
      this.answerBulk(await this.loadSnapshot(req), req, reply);
    } catch (e) {
      this.fail(reply, e);
    }
  }

  private answerSingle(snapshot: EnvironmentSnapshot, req: HttpRequestLike, reply: HttpReplyLike, flagKey: string) {
    const ldContext = this.contextOf(snapshot, req).ldContext;
    const detail = evaluateFlag(snapshot.store, flagKey, ldContext);
    const json = this.answersOf(snapshot).single(flagKey, detail);
    if (json === undefined) {
      const result = ofrepResult(flagKey, detail, snapshot.store.rawFlag(flagKey));
      if (!result.ok) {
        this.metrics.evaluations.inc({ surface: 'ofrep', result: result.error.errorCode });
        throw result.error;
      }
      // A success outside the revision's table cannot happen; answered the slow way all the same.
      this.served(snapshot, flagKey, detail, req);
      reply.status(200).header('content-type', 'application/json').send(result.body);
      return;
    }
    this.served(snapshot, flagKey, detail, req);
    reply.status(200).header('content-type', 'application/json').send(json);
  }

  private answerBulk(snapshot: EnvironmentSnapshot, req: HttpRequestLike, reply: HttpReplyLike) {
    const { ldContext, rawContext } = this.contextOf(snapshot, req);
    // The ETag covers what decides the answer: the environment's revision and the context.
    const etag = `"${hash('sha1', `${snapshot.environmentId}:${snapshot.revision}:${JSON.stringify(rawContext)}`)}"`;
    reply.header('etag', etag);
    if (req.headers['if-none-match'] === etag) {
      reply.status(304).send();
      return;
    }
    const answers = this.answersOf(snapshot);
    const { body, served } = answers.bulk(ldContext);
    this.recorder.evaluations(snapshot.environmentId, answers.keys, served, this.sdkOf(req));
    this.metrics.countOk('ofrep-bulk', served.length);
    reply.status(200).header('content-type', 'application/json').send(body);
  }

  private served(snapshot: EnvironmentSnapshot, flagKey: string, detail: EvalDetail, req: HttpRequestLike): void {
    this.metrics.countOk('ofrep', 1);
    this.recorder.evaluation(snapshot.environmentId, flagKey, detail.variationIndex ?? undefined, this.sdkOf(req));
  }

  private answersOf(snapshot: EnvironmentSnapshot): OfrepAnswers {
    const cached = this.answers.get(snapshot);
    if (cached?.revision === snapshot.revision) return cached;
    const fresh = new OfrepAnswers(snapshot.store, snapshot.revision);
    this.answers.set(snapshot, fresh);
    return fresh;
  }

  private sdkOf(req: HttpRequestLike): string {
    const userAgent = req.headers['user-agent'];
    const last = this.lastAgent;
    if (last && last.userAgent === userAgent) return last.label;
    const label = sdkLabel(userAgent, 'ofrep:');
    this.lastAgent = { userAgent, label };
    return label;
  }

  /**
   * The request's snapshot when both its SDK key and the snapshot are known without waiting;
   * undefined when loadSnapshot must find out. Throws the 401 of a missing or unknown key.
   */
  private peekSnapshot(req: HttpRequestLike): EnvironmentSnapshot | undefined {
    const key = sdkKeyOf(req.headers);
    if (!key) throw unknownKey();
    const envId = this.keys.peekEnvironmentFor(key);
    if (envId === undefined) return undefined;
    const snapshot = envId === null ? null : this.snapshots.peek(envId);
    if (snapshot === null) throw unknownKey();
    return snapshot;
  }

  private async loadSnapshot(req: HttpRequestLike): Promise<EnvironmentSnapshot> {
    const key = sdkKeyOf(req.headers);
    const envId = key ? await this.keys.environmentFor(key) : null;
    const snapshot = envId ? await this.snapshots.get(envId) : null;
    if (!snapshot) throw unknownKey();
    return snapshot;
  }

  private contextOf(snapshot: EnvironmentSnapshot, req: HttpRequestLike) {
    const raw = ldContextFromOfrep(req.body);
    const parsed = parseContext(raw);
    if (!parsed.ok) throw new OfrepError(400, 'INVALID_CONTEXT', parsed.error);
    this.samples.offer(snapshot.environmentId, raw);
    return { ldContext: parsed.context, rawContext: raw };
  }

  private fail(reply: HttpReplyLike, e: unknown, flagKey?: string): void {
    if (!(e instanceof OfrepError)) throw e;
    // 401/403 carry no body in OFREP.
    if (e.status === 401 || e.status === 403) {
      reply.status(e.status).send();
      return;
    }
    reply
      .status(e.status)
      .header('content-type', 'application/json')
      .send({
        ...(flagKey !== undefined ? { key: flagKey } : {}),
        errorCode: e.errorCode,
        errorDetails: e.errorDetails,
      });
  }
}

const unknownKey = () => new OfrepError(401, 'GENERAL', 'missing or unknown SDK key');
