import { DomainError } from '../../core/errors';
import type { Tx } from '../../infra/prisma/tx';
import type { AccountsRepository } from './accounts.repository';

/** Custom roles by key, or a 404 naming every key that does not exist. */
export async function requireRoles(repo: AccountsRepository, tx: Tx, keys: string[]) {
  const roles = await repo.findRolesByKeys(keys, tx);
  const missing = keys.filter((k) => !roles.some((r) => r.key === k));
  if (missing.length) throw new DomainError('role/not_found', `custom roles not found: ${missing.join(', ')}`);
  return roles;
}
