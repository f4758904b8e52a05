/** `npm run bench`: every benchmark in turn; each prints its own figures. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const BENCHES = [
  'evaluation.ts',
  'patch-latency.ts',
  'ofrep-http.ts',
  'sse-fanout.ts',
  'schedules.ts',
  'release-steps.ts',
  'release-plan-steps.ts',
  'bulk-ingest.ts',
  'scale-out.ts',
  'edge-fanout.ts',
];

for (const b of BENCHES) {
  console.log(`\n== ${b}`);
  execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, b)], {
    stdio: 'inherit',
  });
}
