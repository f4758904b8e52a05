/**
 * Small helpers for PostgreSQL connection strings: the migrate command and the test support create
 * and drop databases by name on the server a URL points at.
 */
import { escapeIdentifier } from 'pg';

/** The database name in a `postgresql://` URL (the path without its leading slash). */
export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`The database URL names no database (expected postgresql://host:port/<database>)`);
  return name;
}

/** The same server, user and parameters, another database. */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** `"name"` with embedded quotes doubled: safe to splice into CREATE/DROP DATABASE. */
export function quoteIdentifier(name: string): string {
  return escapeIdentifier(name);
}

/** The URL with any password replaced, for messages and logs. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable database URL>';
  }
}
