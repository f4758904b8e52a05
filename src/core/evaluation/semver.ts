/**
 * SemVer 2.0 parsing and precedence as the Node SDK's semVer* operators see it (protocols.md §2.5):
 * the `semver` package's strict parse (input trimmed, optional `v` after trimming, at most 256
 * characters, numeric parts ≤ MAX_SAFE_INTEGER), preceded by the SDK's own rules: a leading `v`
 * is rejected, and a version with missing minor/patch is padded with `.0` (`1.2-beta` → `1.2.0-beta`).
 */
export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Numeric identifiers as numbers (when below MAX_SAFE_INTEGER), others as strings. */
  readonly prerelease: readonly (number | string)[];
  /** `major.minor.patch[-prerelease]`, build metadata dropped. */
  readonly version: string;
}

const MAX_LENGTH = 256;
const NUM = '0|[1-9]\\d*';
const PRE_ID = `(?:${NUM}|\\d*[a-zA-Z-][a-zA-Z0-9-]*)`;
const BUILD_ID = '[0-9A-Za-z-]+';
const FULL = new RegExp(
  `^v?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))?$`,
);
const ALL_DIGITS = /^[0-9]+$/;
const LEADING_COMPONENTS = /^\d+(\.\d+)?(\.\d+)?/;

function strictParse(input: string): SemVer | null {
  if (input.length > MAX_LENGTH) return null;
  const m = FULL.exec(input.trim());
  if (m === null) return null;
  const major = +m[1];
  const minor = +m[2];
  const patch = +m[3];
  if (major > Number.MAX_SAFE_INTEGER || minor > Number.MAX_SAFE_INTEGER || patch > Number.MAX_SAFE_INTEGER)
    return null;
  const prerelease = m[4]
    ? m[4].split('.').map((id) => {
        if (ALL_DIGITS.test(id)) {
          const n = +id;
          if (n >= 0 && n < Number.MAX_SAFE_INTEGER) return n;
        }
        return id;
      })
    : [];
  const version = `${major}.${minor}.${patch}${prerelease.length ? `-${prerelease.join('.')}` : ''}`;
  return { major, minor, patch, prerelease, version };
}

/** The SDK's parseSemver: null for non-strings, a leading `v`, or anything still invalid after padding. */
export function parseSemver(input: unknown): SemVer | null {
  if (typeof input !== 'string' || input.startsWith('v')) return null;
  const parsed = strictParse(input);
  if (parsed !== null) return parsed;
  const m = LEADING_COMPONENTS.exec(input);
  if (m === null) return null;
  let padded = m[0];
  if (m[1] === undefined) padded += '.0';
  if (m[2] === undefined) padded += '.0';
  return strictParse(padded + input.substring(m[0].length));
}

function compareIdentifiers(a: number | string, b: number | string): number {
  const aNum = ALL_DIGITS.test(String(a));
  const bNum = ALL_DIGITS.test(String(b));
  let x = a;
  let y = b;
  if (aNum && bNum) {
    x = +a;
    y = +b;
  }
  if (x === y) return 0;
  if (aNum && !bNum) return -1;
  if (bNum && !aNum) return 1;
  return x < y ? -1 : 1;
}

/** Precedence: -1, 0 or 1. */
export function compareSemver(a: SemVer, b: SemVer): number {
  if (a.version === b.version) return 0;
  const main =
    compareIdentifiers(a.major, b.major) ||
    compareIdentifiers(a.minor, b.minor) ||
    compareIdentifiers(a.patch, b.patch);
  if (main !== 0) return main;
  const ap = a.prerelease;
  const bp = b.prerelease;
  if (ap.length && !bp.length) return -1;
  if (!ap.length && bp.length) return 1;
  if (!ap.length && !bp.length) return 0;
  for (let i = 0; ; i++) {
    const x = ap[i];
    const y = bp[i];
    if (x === undefined && y === undefined) return 0;
    if (y === undefined) return 1;
    if (x === undefined) return -1;
    if (x !== y) return compareIdentifiers(x, y);
  }
}
