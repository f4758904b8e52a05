import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { catchError, tap, throwError, type Observable } from 'rxjs';
import { ROOT_LOGGER } from '../../infra/logging/logger';
import { toProblem } from '../../infra/http/problem';
import { SCIM_CONTENT_TYPE, scimRequestLabels } from '../../infra/http/scim-http';
import type { AuthedRequest } from '../accounts/auth.guard';

/**
 * The SCIM answer's envelope: application/scim+json, Location of a created resource, its version
 * as ETag; and one structured log line per provisioning action (ids and outcome, never a secret
 * or a person's details). Errors are rendered by the one problem filter (SCIM shape under /scim/v2).
 */
@Injectable()
export class ScimInterceptor implements NestInterceptor {
  private readonly log: Logger;

  constructor(@Inject(ROOT_LOGGER) root: Logger) {
    this.log = root.child({ context: 'scim' });
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest & { params: { id?: string } }>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    void reply.header('content-type', SCIM_CONTENT_TYPE);
    const { resource, operation } = scimRequestLabels(req.method, req.routeOptions?.url, 200);
    const action = (outcome: string, id: unknown, code?: string) => ({
      scim: { resource, operation, outcome, id: id ?? null, tokenId: req.actor?.tokenId, ...(code ? { code } : {}) },
    });
    const mutation = req.method !== 'GET';
    return next.handle().pipe(
      tap((body: { id?: string; meta?: { location?: string; version?: string } } | undefined) => {
        if (body?.meta?.version) void reply.header('etag', body.meta.version);
        if (req.method === 'POST' && body?.meta?.location) void reply.header('location', body.meta.location);
        if (mutation) this.log.info(action('ok', body?.id ?? req.params.id), `scim ${resource} ${operation}`);
      }),
      catchError((err: unknown) => {
        if (mutation) {
          const { code } = toProblem(err);
          this.log.warn(action('refused', req.params.id, code), `scim ${resource} ${operation} refused`);
        }
        return throwError(() => err);
      }),
    );
  }
}
