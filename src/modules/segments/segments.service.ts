import { Injectable } from '@nestjs/common';
import { notFound } from '../../core/errors';
import type { Actor } from '../accounts/models/actor';
import { ProjectsService } from '../projects/projects.service';
import type { ListSegmentsQueryDto } from './dto/segments.dto';
import { segmentView } from './models/segment.view';
import { SegmentsRepository } from './segments.repository';

/** Reads of segments; writes go through SegmentWriteService. */
@Injectable()
export class SegmentsService {
  constructor(
    private readonly repo: SegmentsRepository,
    private readonly projects: ProjectsService,
  ) {}

  async list(actor: Actor, projectKey: string, envKey: string, q: ListSegmentsQueryDto) {
    const project = await this.projects.require(actor, projectKey);
    const env = this.projects.requireVisibleEnvironment(actor, project, envKey);
    return { items: (await this.repo.list(env.id, q.limit ?? 50, q.offset ?? 0)).map(segmentView) };
  }

  async get(actor: Actor, projectKey: string, envKey: string, key: string) {
    const project = await this.projects.require(actor, projectKey);
    const env = this.projects.requireVisibleEnvironment(actor, project, envKey);
    const row = await this.repo.find(env.id, key);
    if (!row || row.deleted) throw notFound('segment', key);
    return segmentView(row);
  }
}
