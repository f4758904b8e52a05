import { Injectable } from '@nestjs/common';
import type { ResourceRef, ResourceSegment } from '../../core/policy';
import { PrismaService } from '../../infra/prisma/prisma.service';
import { FlagTags, SegmentTags } from './resource-tags';

/**
 * Fills in what a policy can match on but a resource string does not say: project, flag and
 * segment tags and an environment's `critical`, read from the stored resources when they exist.
 */
@Injectable()
export class ResourceAttributesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly flags: FlagTags,
    private readonly segments: SegmentTags,
  ) {}

  async enrich(ref: ResourceRef): Promise<ResourceRef> {
    const [proj, env, leaf] = ref;
    if (proj?.type !== 'proj') return ref;
    const project = await this.prisma.project.findUnique({
      where: { key: proj.key },
      include: { environments: env ? { where: { key: env.key } } : false },
    });
    if (!project) return ref;
    const out: ResourceSegment[] = [{ ...proj, tags: project.tags }];
    const e = project.environments?.[0];
    if (env)
      out.push(
        e
          ? { ...env, tags: e.tags, attributes: { critical: e.critical } }
          : { ...env, attributes: { critical: false, ...env.attributes } },
      );
    if (leaf?.type === 'flag') {
      out.push({ ...leaf, tags: (await this.flags.tags(project.id, leaf.key)) ?? leaf.tags ?? [] });
    } else if (leaf?.type === 'segment' && e) {
      out.push({ ...leaf, tags: (await this.segments.tags(e.id, leaf.key)) ?? leaf.tags ?? [] });
    } else if (leaf) out.push(leaf);
    return out;
  }
}
