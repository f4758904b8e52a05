import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../../core/errors';

/** What the console controller sends: a file of the built console with its type and caching. */
export interface ConsoleFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/** Security headers on every /ui response. The app needs nothing inline, from elsewhere, or in frames. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite puts content hashes in every name under assets/, so those never change; everything else is revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** dist/web of this installation: the same three levels up from src/modules/console and dist/modules/console. */
export const DEFAULT_CONSOLE_DIR = path.join(__dirname, '..', '..', '..', 'dist', 'web');

/**
 * The built console (dist/web) as a single-page app: a known file is served as is, any other
 * console path (a deep link such as /ui/change-requests/<id>) gets index.html.
 *
 * Only files listed from the build directory can be served: a request path is looked up in that
 * list, never joined onto a filesystem path, so `..` (raw or encoded) cannot reach outside it. The
 * list is rebuilt when index.html changes (a rebuild while Gantry runs).
 */
export class ConsoleDirectory {
  private readonly dir: string;
  private listing: { indexMtime: number; files: Map<string, string> } | undefined;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** The file for a request URL under /ui (query ignored). */
  async lookup(url: string): Promise<ConsoleFile> {
    const rel = relativePath(url);
    const files = this.files();
    if (rel === undefined) throw new DomainError('route/not_found', 'no console file at this path');
    const file = files.get(rel === '' ? 'index.html' : rel);
    if (file) return read(file, rel.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
    // A missing script or stylesheet must be a 404, not index.html served as JavaScript.
    if (rel.startsWith('assets/') || (!rel.includes('/') && rel.includes('.')))
      throw new DomainError('route/not_found', `the console has no file ${rel}`);
    return read(files.get('index.html')!, REVALIDATE);
  }

  private files(): Map<string, string> {
    const index = path.join(this.dir, 'index.html');
    let mtime: number;
    try {
      mtime = fs.statSync(index).mtimeMs;
    } catch {
      this.listing = undefined;
      throw new DomainError(
        'console/not_built',
        `the console is not built (no ${index}): run \`npm run build\` (or \`npm start\`, which builds what is stale)`,
      );
    }
    if (this.listing?.indexMtime !== mtime) this.listing = { indexMtime: mtime, files: listFiles(this.dir) };
    return this.listing.files;
  }
}

/**
 * The path below /ui, decoded, or undefined when it is not a plain relative path (`..` or `.`
 * segments, backslashes, NUL, bad percent-encoding): those are refused before any lookup.
 */
export function relativePath(url: string): string | undefined {
  const pathname = url.split('?')[0];
  if (!/^\/ui(\/|$)/.test(pathname)) return undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(pathname.slice('/ui/'.length));
  } catch {
    return undefined;
  }
  if (/[\\\0]/.test(rel) || rel.split('/').some((s) => s === '..' || s === '.')) return undefined;
  return rel;
}

function listFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else if (entry.isFile()) files.set(`${prefix}${entry.name}`, full);
    }
  };
  walk(root, '');
  return files;
}

async function read(file: string, cacheControl: string): Promise<ConsoleFile> {
  return {
    body: await fs.promises.readFile(file),
    contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    cacheControl,
  };
}
