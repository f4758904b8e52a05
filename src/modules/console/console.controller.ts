import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../accounts/auth.guard';
import { CONSOLE_HEADERS, ConsoleDirectory, type ConsoleFile } from './console-directory';

/**
 * The approver console at /ui: public static files (they hold no data; the app signs in through the
 * API), outside the OpenAPI document like the SDK routes. GET / leads people to it.
 */
@ApiExcludeController()
@Public()
@Controller()
export class ConsoleController {
  constructor(private readonly files: ConsoleDirectory) {}

  @Get()
  root(@Res() reply: FastifyReply) {
    return reply.redirect('/ui/', 302);
  }

  @Get(['ui', 'ui/*'])
  async file(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return send(reply.headers(CONSOLE_HEADERS), await this.files.lookup(req.url));
  }
}

function send(reply: FastifyReply, file: ConsoleFile) {
  return reply.header('content-type', file.contentType).header('cache-control', file.cacheControl).send(file.body);
}
