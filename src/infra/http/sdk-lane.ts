import type { FastifyBodyParser, FastifyServerFactory } from 'fastify';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { DomainError } from '../../core/errors';
import { requestIdFor } from '../logging/request-context';
import { replyWithError } from './error-reply';
import type { HttpReplyLike, HttpRequestLike } from './http-exchange';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth';

/** A lane route's handler; `param` is the value of a `/prefix/:param` route's parameter. */
export type LaneHandler = (req: LaneRequest, reply: LaneReply, param: string | undefined) => void | Promise<void>;

export interface SdkLaneDeps {
  logger: Logger;
  /** Fastify's default JSON parser (getDefaultJsonParser('error', 'error')): its errors are Fastify's. */
  parseJson: FastifyBodyParser<string>;
  /** False while the Fastify path must see every request (tracing on). */
  open: () => boolean;
  /** The HTTP latency histogram, with the labels Fastify's onResponse hook gives it. */
  observe: (method: string, route: string, status: number, seconds: number) => void;
}

/** The one hook the lane needs of a Fastify instance (whatever its logger type). */
interface PreCloseHooks {
  addHook(name: 'preClose', hook: (done: () => void) => void): unknown;
}

interface LaneRoute {
  pattern: string;
  handler: LaneHandler;
}

/** JSON media types Fastify's default parser takes and refuseNonJsonBody lets through (a subset). */
const JSON_TYPE = /^application\/json\s*(?:;\s*charset=utf-8\s*)?$/i;
/** A route parameter that needs no decoding and is under find-my-way's 100-character limit. */
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]{1,100}$/;
const DIGITS = /^\d{1,15}$/;

const lanes = new WeakMap<http.Server, SdkLane>();

/** The lane of the server a module's handlers are served by, if it has one. */
export const sdkLaneOf = (server: unknown): SdkLane | undefined => lanes.get(server as http.Server);

/**
 * The SDK lane: the hottest SDK routes (OFREP) answered in the Node `request` listener, before
 * Fastify. Their answers come from memory in microseconds, and Fastify's and Nest's per-request
 * pipeline (routing, middie, hooks, a child logger, the body parser's async resource) cost several
 * times that. The lane takes a request only when the request line and headers show that the
 * Fastify path would do nothing the lane does not: a registered route, a JSON body of a known size
 * within the limit, no encoding, tracing off (server spans come from Fastify hooks), not closing.
 * Anything else goes to Fastify untouched. What the lane does mirrors that path, with the same
 * code where it can: the request id rule, Fastify's own JSON parser (prototype poisoning refused),
 * the depth check, the one error rendering, the latency histogram, the SDK routes' failure logging.
 */
export class SdkLane {
  private readonly exact = new Map<string, LaneRoute>();
  /** Routes `<prefix>/:param`, by `<prefix>/`. */
  private readonly prefixed = new Map<string, LaneRoute>();
  private deps?: SdkLaneDeps;
  private closing = false;

  constructor(private readonly bodyLimit: number) {}

  /**
   * Fastify's `serverFactory`. Fastify sets no timeouts on a server it did not create, so this sets
   * them from the options it passes, as fastify/lib/server.js getServerInstance does.
   */
  readonly serverFactory: FastifyServerFactory = (fastifyHandler, options) => {
    const server = http.createServer(options.http ?? {}, (req, res) => {
      const hit = this.take(req);
      if (hit) this.serve(hit.route, hit.param, req, res);
      else fastifyHandler(req, res);
    });
    server.keepAliveTimeout = options.keepAliveTimeout as number;
    server.requestTimeout = options.requestTimeout as number;
    server.setTimeout(options.connectionTimeout as number);
    if ((options.maxRequestsPerSocket as number) > 0)
      server.maxRequestsPerSocket = options.maxRequestsPerSocket as number;
    lanes.set(server, this);
    return server;
  };

  /** What the lane needs of the app, known once Fastify exists; until then everything goes to Fastify. */
  attach(fastify: PreCloseHooks, deps: SdkLaneDeps): void {
    this.deps = deps;
    // Fastify answers 503 while closing; from its preClose hook on, the lane leaves that to it.
    fastify.addHook('preClose', (done) => {
      this.close();
      done();
    });
  }

  close(): void {
    this.closing = true;
  }

  /** A POST route: `/exact/path`, or `/prefix/:param` (one parameter, last). */
  post(pattern: string, handler: LaneHandler): void {
    const param = /^(.*\/):[^/]+$/.exec(pattern);
    if (param) this.prefixed.set(param[1], { pattern, handler });
    else this.exact.set(pattern, { pattern, handler });
  }

  private take(req: IncomingMessage): { route: LaneRoute; param: string | undefined } | undefined {
    if (this.closing || req.method !== 'POST' || this.deps === undefined || !this.deps.open()) return undefined;
    const url = req.url ?? '';
    let route = this.exact.get(url);
    let param: string | undefined;
    if (route === undefined) {
      const slash = url.lastIndexOf('/');
      route = this.prefixed.get(url.slice(0, slash + 1));
      param = url.slice(slash + 1);
      if (route === undefined || !PLAIN_SEGMENT.test(param)) return undefined;
    }
    const h = req.headers;
    const length = h['content-length'];
    if (length === undefined || !DIGITS.test(length) || h['transfer-encoding'] !== undefined) return undefined;
    const size = Number(length);
    if (size === 0 || size > this.bodyLimit || h['content-encoding'] !== undefined) return undefined;
    if (h['content-type'] === undefined || !JSON_TYPE.test(h['content-type'])) return undefined;
    return { route, param };
  }

  private serve(route: LaneRoute, param: string | undefined, raw: IncomingMessage, res: ServerResponse): void {
    const deps = this.deps!;
    const start = performance.now();
    const req = new LaneRequest(raw, requestIdFor(raw.headers));
    const reply = new LaneReply(res);
    reply.header('x-request-id', req.id);
    res.once('finish', () => this.completed(route, req, reply, performance.now() - start));
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const onEnd = () => {
      raw.off('data', onData).off('error', onGone);
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      let error: Error | null = null;
      // Fastify's default parser answers synchronously, through the callback (never a promise).
      void deps.parseJson(raw as never, text, (err, body) => {
        error = err;
        req.body = body;
      });
      // Fastify closes the connection after a body it could not parse, as the client may send more.
      if (error !== null) replyWithError(error, req.url, reply.header('connection', 'close'));
      else if (exceedsJsonDepth(req.body))
        replyWithError(
          new DomainError('request/too_deep', `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`),
          req.url,
          reply,
        );
      else this.dispatch(route, param, req, reply);
    };
    // A client gone mid-body gets no answer; as on the Fastify path, nothing reaches 'finish'.
    const onGone = () => raw.off('data', onData).off('end', onEnd);
    raw.on('data', onData).once('end', onEnd).once('error', onGone);
  }

  private dispatch(route: LaneRoute, param: string | undefined, req: LaneRequest, reply: LaneReply): void {
    const fail = (e: unknown) => {
      if (reply.sent) return;
      // As Fastify's error handler is called: the content headers are the error rendering's to set.
      reply.removeHeader('content-type');
      replyWithError(e, req.url, reply);
    };
    try {
      route.handler(req, reply, param)?.catch(fail);
    } catch (e) {
      fail(e);
    }
  }

  private completed(route: LaneRoute, req: LaneRequest, reply: LaneReply, ms: number): void {
    const deps = this.deps!;
    deps.observe(req.method, route.pattern, reply.statusCode, ms / 1000);
    // GantryLogController's rule for SDK routes: nothing for a success, one line for a failure.
    if (reply.statusCode >= 400)
      deps.logger.child({ reqId: req.id }).info({ req, res: reply, responseTime: ms }, 'request completed');
  }
}

/** The request as handlers and the log serializer (logger.ts) read it, as Fastify's request has it. */
export class LaneRequest implements HttpRequestLike {
  body: unknown = undefined;

  constructor(
    readonly raw: IncomingMessage,
    readonly id: string,
  ) {}

  get headers() {
    return this.raw.headers;
  }
  get method(): string {
    return this.raw.method!;
  }
  get url(): string {
    return this.raw.url!;
  }
  get host() {
    return this.raw.headers.host;
  }
  get ip() {
    return this.raw.socket.remoteAddress;
  }
  get socket() {
    return this.raw.socket;
  }
}

const JSON_UTF8 = 'application/json; charset=utf-8';
const TEXT_UTF8 = 'text/plain; charset=utf-8';

/** The part of Fastify's reply the SDK handlers use, writing the same head and body Fastify would. */
export class LaneReply implements HttpReplyLike {
  statusCode = 200;
  sent = false;
  private readonly headers: Record<string, string> = {};

  constructor(private readonly res: ServerResponse) {}

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  header(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }

  removeHeader(name: string): void {
    delete this.headers[name.toLowerCase()];
  }

  send(payload?: unknown): this {
    if (this.sent) return this;
    this.sent = true;
    const { headers, statusCode } = this;
    if (payload === undefined) {
      // Fastify's rule (RFC 9110): a bodiless answer says content-length 0, except 204 and 304.
      if (statusCode >= 200 && statusCode !== 204 && statusCode !== 304) headers['content-length'] = '0';
      this.res.writeHead(statusCode, headers).end();
      return this;
    }
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const type = headers['content-type'];
    // Fastify's defaults: text for a string, JSON otherwise, and a JSON type gets its charset.
    if (type === undefined) headers['content-type'] = typeof payload === 'string' ? TEXT_UTF8 : JSON_UTF8;
    else if (type.includes('json') && !/;\s*charset=/i.test(type)) headers['content-type'] = `${type}; charset=utf-8`;
    headers['content-length'] = String(Buffer.byteLength(text));
    this.res.writeHead(statusCode, headers).end(text);
    return this;
  }
}
