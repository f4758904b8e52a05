import fs from 'node:fs';
import path from 'node:path';

/**
 * Trusting a write is decided in two reviewed places (see pre-approval.ts): the automation runner,
 * which mints the grant an automation describes for the row it runs, and change-request apply,
 * which mints the approval of the reviewers. Any other file that can reach mintPreApproval fails here.
 */
const SRC = path.join(__dirname, '..', '..');
const ALLOWED = new Set([
  'modules/automation/automation-runner.ts',
  'modules/approvals/change-request-apply.service.ts',
  'modules/write-path/pre-approval.ts',
  'modules/write-path/pre-approval.spec.ts',
  // Specs of the gate need a capability to show that its environment is not gated again.
  'modules/write-path/approval-gate.spec.ts',
]);

/** Names mintPreApproval, or imports the module whole (a namespace or require could reach it). */
const MINTS =
  /\bmintPreApproval\b|import\s+\*\s+as\s+\w+\s+from\s+['"][^'"]*pre-approval['"]|require\([^)]*pre-approval/;

const withoutComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sources(p);
    return e.name.endsWith('.ts') ? [path.relative(SRC, p).split(path.sep).join('/')] : [];
  });
}

describe('mintPreApproval importers', () => {
  it('is reached only by the automation runner and change-request apply', () => {
    const offenders = sources(SRC).filter(
      (file) =>
        !ALLOWED.has(file) &&
        file !== 'modules/write-path/pre-approval-importers.spec.ts' &&
        MINTS.test(withoutComments(fs.readFileSync(path.join(SRC, file), 'utf8'))),
    );
    expect(offenders).toEqual([]);
  });

  it('would catch a direct, renamed, namespace or required import, and not a comment', () => {
    const mints = (code: string) => MINTS.test(withoutComments(code));
    expect(mints("import { mintPreApproval } from '../write-path/pre-approval';")).toBe(true);
    expect(mints("import { mintPreApproval as mint } from './pre-approval';")).toBe(true);
    expect(mints("import * as pa from '../write-path/pre-approval';")).toBe(true);
    expect(mints("const pa = require('../write-path/pre-approval');")).toBe(true);
    expect(mints("import type { PreApproval } from '../write-path/pre-approval';")).toBe(false);
    expect(mints('// minted by mintPreApproval, elsewhere')).toBe(false);
    expect(mints('/** see mintPreApproval */')).toBe(false);
  });
});
