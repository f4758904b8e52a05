/**
 * The output rules scripts and people rely on, with in-memory streams standing in for a terminal or
 * a pipe (the e2e specs run the CLI on pipes only): colour and progress only on a TTY, NO_COLOR
 * honoured, exactly one JSON document with --json.
 */
import { Writable } from 'node:stream';
import { formatDuration, parseDuration } from './durations';
import { EXIT, exitCodeForProblem } from './exit-codes';
import { Output, wantsColor } from './output';

function stream(isTTY: boolean) {
  let text = '';
  const s = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY?: boolean };
  s.isTTY = isTTY;
  return { s, text: () => text };
}

describe('CLI output', () => {
  it('colours only a terminal without NO_COLOR or --no-color', () => {
    expect(wantsColor({ isTTY: true }, {}, false)).toBe(true);
    expect(wantsColor({ isTTY: false }, {}, false)).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' }, false)).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '' }, false)).toBe(true); // no-color.org: empty means unset
    expect(wantsColor({ isTTY: true }, {}, true)).toBe(false);
    expect(wantsColor({ isTTY: true }, { TERM: 'dumb' }, false)).toBe(false);
  });

  it('renders tables with padded columns, and paints headers only when colour is on', () => {
    const plain = stream(false);
    const out = new Output({ json: false, color: false, stdout: plain.s, stderr: stream(false).s });
    out.table(
      [
        { key: 'a', tags: ['x', 'y'] },
        { key: 'longer', tags: [] },
      ],
      [
        { header: 'key', value: (r) => r.key },
        { header: 'tags', value: (r) => r.tags },
      ],
    );
    expect(plain.text()).toBe('KEY     TAGS\na       x,y\nlonger  -\n');

    const tty = stream(true);
    new Output({ json: false, color: true, stdout: tty.s, stderr: stream(true).s }).table(
      [{ k: 1 }],
      [{ header: 'k', value: (r) => r.k }],
    );
    expect(tty.text()).toBe('\u001b[1mK\u001b[22m\n1\n');
  });

  it('shows progress on a terminal only, and clears it before the next line', () => {
    const pipeErr = stream(false);
    new Output({ json: false, color: false, stdout: stream(false).s, stderr: pipeErr.s }).progress('stage 1/2');
    expect(pipeErr.text()).toBe('');

    const ttyErr = stream(true);
    const out = new Output({ json: false, color: false, stdout: stream(true).s, stderr: ttyErr.s });
    out.progress('stage 1/2');
    out.note('done');
    expect(ttyErr.text()).toBe('\r\u001b[2Kstage 1/2\r\u001b[2Kdone\n');
  });

  it('prints exactly one JSON document with --json: human lines are dropped, a second document is a bug', () => {
    const stdout = stream(false);
    const out = new Output({ json: true, color: false, stdout: stdout.s, stderr: stream(false).s });
    out.line('for people');
    out.result({ a: 1 }, () => out.line('not this'));
    expect(JSON.parse(stdout.text())).toEqual({ a: 1 });
    expect(() => out.result({ b: 2 }, () => undefined)).toThrow('two JSON documents');
    out.error('late failure', { error: {} }); // already printed: stderr only
    expect(JSON.parse(stdout.text())).toEqual({ a: 1 });
  });
});

describe('CLI durations and exit codes', () => {
  it('parses and formats durations', () => {
    expect(['500ms', '30s', '5m', '2h', '1d', '1500', '1.5s'].map((d) => parseDuration(d, 'x'))).toEqual([
      500, 30_000, 300_000, 7_200_000, 86_400_000, 1500, 1500,
    ]);
    expect(() => parseDuration('soon', '--timeout')).toThrow("--timeout: 'soon' is not a duration");
    expect([999, 45_000, 600_000, 7_200_000].map(formatDuration)).toEqual(['999ms', '45s', '10m', '2h']);
  });

  it('maps governance refusals to 3 and every other problem code to 1', () => {
    for (const code of [
      'approval/required',
      'approval/bypass_reason_required',
      'approval/insufficient_approvals',
      'approval/declined',
      'freeze/active',
    ]) {
      expect(exitCodeForProblem(code)).toBe(EXIT.refused);
    }
    for (const code of ['approval/self_review', 'flag/not_found', 'guardrail/violation', undefined]) {
      expect(exitCodeForProblem(code)).toBe(EXIT.error);
    }
  });
});
