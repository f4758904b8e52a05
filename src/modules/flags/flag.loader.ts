import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { notFound } from '../../core/errors';
import type { AuthedRequest } from '../accounts/auth.guard';
import { FlagsService } from './flags.service';
import { inProject, type FlagInProject } from './models/flag.model';
import type { GqlLoaderFactory } from '../graphql/graphql-context';

export interface FlagRef {
  projectKey: string;
  key: string;
}
export type FlagLoader = DataLoader<FlagRef, FlagInProject, string>;

declare module '../graphql/graphql-context' {
  interface GqlLoaders {
    flags: FlagLoader;
  }
}

const refKey = (r: FlagRef) => `${r.projectKey}/${r.key}`; // '/' cannot occur in a key

/**
 * Batches flag lookups by (projectKey, key) within one GraphQL request: however many fields ask
 * (every prerequisite of every environment of every flag in a list), it costs one
 * FlagsService.getMany per project (its `viewProject` check included). A loader
 * is created per request in the GraphQL context, so its cache never outlives the caller's actor.
 */
@Injectable()
export class FlagLoaderFactory implements GqlLoaderFactory<FlagLoader> {
  constructor(private readonly flags: FlagsService) {}

  create(req: AuthedRequest): FlagLoader {
    return new DataLoader<FlagRef, FlagInProject, string>((refs) => this.load(req, refs), { cacheKeyFn: refKey });
  }

  private async load(req: AuthedRequest, refs: readonly FlagRef[]): Promise<(FlagInProject | Error)[]> {
    // The guard has run before any resolver, so the actor is there by the time a batch is dispatched.
    const actor = req.actor;
    if (!actor) throw new Error('flag loader used before authentication');
    const byProject = new Map<string, Set<string>>();
    for (const r of refs) byProject.set(r.projectKey, (byProject.get(r.projectKey) ?? new Set()).add(r.key));
    const found = new Map<string, FlagInProject | Error>();
    await Promise.all(
      [...byProject].map(async ([projectKey, keys]) => {
        try {
          for (const flag of await this.flags.getMany(actor, projectKey, [...keys])) {
            found.set(refKey({ projectKey, key: flag.key }), inProject(projectKey)(flag));
          }
        } catch (err) {
          for (const key of keys) found.set(refKey({ projectKey, key }), err as Error);
        }
      }),
    );
    return refs.map((r) => found.get(refKey(r)) ?? notFound('flag', r.key));
  }
}
