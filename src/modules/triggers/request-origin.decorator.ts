import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim();
const HOST = /^[A-Za-z0-9.:[\]-]{1,255}$/;

/**
 * `scheme://host` as the caller reached Gantry, to show a trigger's full URL once. It only builds
 * a URL shown back to the same caller, so the forwarded headers of a TLS-terminating proxy are
 * honoured for display (nothing is authorized on them).
 */
export const RequestOrigin = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const proto = first(req.headers['x-forwarded-proto']);
  const host = first(req.headers['x-forwarded-host']) ?? req.host;
  const scheme = proto === 'https' || proto === 'http' ? proto : req.protocol;
  return `${scheme}://${host && HOST.test(host) ? host : 'localhost'}`;
});
