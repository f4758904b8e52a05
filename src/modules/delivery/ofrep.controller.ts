import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../accounts/auth.guard';
import { OfrepService } from './ofrep.service';

/** OpenFeature Remote Evaluation Protocol (conformance/ofrep/openapi.yaml), authenticated by SDK key. */
@ApiExcludeController()
@Public()
@Controller('ofrep/v1/evaluate')
export class OfrepController {
  constructor(private readonly ofrep: OfrepService) {}

  @Post('flags/:key') @HttpCode(200) single(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Param('key') key: string,
  ) {
    return this.ofrep.single(req, reply, key);
  }
  @Post('flags') @HttpCode(200) bulk(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.ofrep.bulk(req, reply);
  }
}
