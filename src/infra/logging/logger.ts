import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { activeTraceIds } from '../tracing/tracing';
import { currentRequestId } from './request-context';

/**
 * Structured JSON logs. Every line written inside a request carries its `reqId` (mixin reads the
 * async context), and `trace_id`/`span_id` when a span is active. Authorization headers and SDK keys are redacted wherever they appear.
 */
export function createRootLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gantry' },
      // Fastify's per-request child logger already binds reqId; other loggers get it from the context.
      // With tracing on, every line written while a span is active carries trace_id and span_id.
      mixin: (_merge, _level, self) => {
        const reqId = currentRequestId();
        const ids = activeTraceIds();
        return reqId && !('reqId' in self.bindings()) ? { reqId, ...ids } : ids;
      },
      serializers: { req: serializeRequest, res: serializeReply },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'token',
          'secret',
          '*.token',
          '*.secret',
          'sdkKey',
          '*.sdkKey',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Trigger URLs are credentials (the secret is the last path segment): never log one whole. */
export const maskUrlSecrets = (url: string): string => url.replace(/(\/api\/v1\/triggers\/)[^/?#]+/, '$1[redacted]');

/** Fastify's request fields, with any secret in the URL masked. */
function serializeRequest(req: {
  method?: string;
  url?: string;
  hostname?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) {
  return {
    method: req.method,
    url: req.url ? maskUrlSecrets(req.url) : req.url,
    host: req.host ?? req.hostname,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * The problem code each error response was answered with, keyed by the reply, so the completion
 * line can say why a request failed without a second log line (weak: gone with the reply).
 */
const problemCodes = new WeakMap<object, string>();

/** Called by whatever renders a problem document (the one filter, the pre-routing handler). */
export function noteProblemCode(reply: object, code: string): void {
  problemCodes.set(reply, code);
}

/** Fastify's `request completed` fields: the status, plus the problem code and the actor when known. */
function serializeReply(reply: { statusCode?: number; request?: { actor?: { id?: string } } }) {
  const code = problemCodes.get(reply);
  const actorId = reply.request?.actor?.id;
  return {
    statusCode: reply.statusCode,
    ...(code ? { code } : {}),
    ...(actorId ? { actorId } : {}),
  };
}

/** Adapts pino to Nest's LoggerService so framework messages land in the same stream. */
/**
 * Nest's Logger over pino. A message may be a string or a plain object of fields (`{ msg, ...fields }`),
 * which becomes a structured line rather than "[object Object]".
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.write('info', message, { context });
  }
  error(message: unknown, trace?: string, context?: string) {
    this.write('error', message, { context, trace });
  }
  warn(message: unknown, context?: string) {
    this.write('warn', message, { context });
  }
  debug(message: unknown, context?: string) {
    this.write('debug', message, { context });
  }
  verbose(message: unknown, context?: string) {
    this.write('trace', message, { context });
  }
  fatal(message: unknown, context?: string) {
    this.write('fatal', message, { context });
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, base: object) {
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) {
      const { msg, ...fields } = message as Record<string, unknown>;
      this.logger[level]({ ...base, ...fields }, typeof msg === 'string' ? msg : '');
    } else {
      this.logger[level](base, message instanceof Error ? message.message : String(message));
    }
  }
}

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
