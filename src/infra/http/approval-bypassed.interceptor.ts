import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';

export const APPROVAL_BYPASSED_HEADER = 'X-Gantry-Approval-Bypassed';

/**
 * Break-glass is never silent: any REST response that reports `approvalBypassed` entries also
 * carries `X-Gantry-Approval-Bypassed: true`, so a client that only looks at headers (a CI step,
 * a proxy log) sees it too.
 */
export class ApprovalBypassedInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    return next.handle().pipe(
      map((body: unknown) => {
        const bypassed = (body as { approvalBypassed?: unknown[] } | null | undefined)?.approvalBypassed;
        if (Array.isArray(bypassed) && bypassed.length)
          ctx.switchToHttp().getResponse<FastifyReply>().header(APPROVAL_BYPASSED_HEADER, 'true');
        return body;
      }),
    );
  }
}
