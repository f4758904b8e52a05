import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Prisma } from './generated/client';
import { inlineSql, literal } from './inline-sql';

/**
 * Hot statements PostgreSQL keeps parsed and planned, once per connection, instead of for every
 * write. Sent the usual way (one simple-protocol message with literals: inline-sql.ts), each
 * statement is lexed, parsed, analysed and planned again each time: about a third of PostgreSQL's
 * CPU in a governance PATCH (bench/README.md, 2026-12-08). A statement marked with `prepared()` is
 * instead PREPAREd on a connection the first time it is used there, in a message of its own, and
 * from then on sent as `EXECUTE name(literals)`, which still travels in the same messages as the
 * transaction's other statements. After five executions PostgreSQL plans it once for good.
 *
 * Only a handful of fixed statements are marked (their names are in the code), so each connection
 * holds a bounded number. Off (DATABASE_PREPARED_STATEMENTS=off) for a pooler in transaction mode
 * in front of PostgreSQL, where the next EXECUTE may reach another server session.
 */
export interface Statement {
  text: string;
  values: readonly unknown[];
  /** The PREPAREd name, when the statement is prepared (else it is inlined). */
  name?: string;
}

const MARK = Symbol('gantry.prepared');

/** Marks a statement to be prepared per connection, under `name` (a short, fixed word: the text's hash is added). */
export function prepared<Q extends Prisma.Sql>(name: string, query: Q): Q {
  return Object.assign(query, { [MARK]: name });
}

/** The per-connection name of a marked statement, or undefined. */
export function preparedName(query: Prisma.Sql): string | undefined {
  const name = (query as { [MARK]?: string })[MARK];
  return name === undefined ? undefined : `gantry_${name}_${textHash(query.text)}`;
}

const hashes = new Map<string, string>();
/** A statement's text changes only with the code: hashed once per text (bounded, in case of a bug). */
function textHash(text: string): string {
  let hash = hashes.get(text);
  if (hash === undefined) {
    if (hashes.size > 256) hashes.clear();
    hash = createHash('sha1').update(text).digest('hex').slice(0, 10);
    hashes.set(text, hash);
  }
  return hash;
}

/** The statements prepared on each connection (a connection's prepared statements live as long as it). */
const preparedOn = new WeakMap<PoolClient, Set<string>>();

/**
 * The PREPAREs `statements` still need on `client` (one message, or undefined when none), and what
 * to call once that message succeeded. A PREPARE is not undone by a rollback, so only its own
 * message's success marks it: the statements that follow never decide it.
 */
export function preparationOf(
  client: PoolClient,
  statements: readonly Statement[],
): { text: string; done(): void } | undefined {
  const known = preparedOn.get(client);
  const missing = new Map<string, string>();
  for (const s of statements) if (s.name && !known?.has(s.name)) missing.set(s.name, s.text);
  if (!missing.size) return undefined;
  return {
    text: [...missing].map(([name, text]) => `PREPARE ${name} AS ${text}`).join(';\n'),
    done() {
      const set = preparedOn.get(client) ?? new Set<string>();
      for (const name of missing.keys()) set.add(name);
      preparedOn.set(client, set);
    },
  };
}

/** The statement as text for a simple-protocol message: EXECUTE of its prepared form, or inlined. */
export function executable(s: Statement): string {
  if (!s.name) return inlineSql(s.text, s.values);
  return s.values.length ? `EXECUTE ${s.name}(${s.values.map(literal).join(', ')})` : `EXECUTE ${s.name}`;
}
