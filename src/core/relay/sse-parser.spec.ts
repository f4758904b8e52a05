import { SseParser } from './sse-parser';

describe('SseParser', () => {
  it('parses events split anywhere across chunks, with CRLF, comments and multi-line data', () => {
    const text = ': hello\r\nevent: change\r\ndata: {"a":1}\r\n\r\nevent: ready\ndata: one\ndata: two\nid: 7\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new SseParser();
      const events = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(events).toEqual([
        { event: 'change', data: '{"a":1}', id: undefined },
        { event: 'ready', data: 'one\ntwo', id: '7' },
      ]);
    }
  });

  it('ignores blank events and names unnamed ones message', () => {
    const p = new SseParser();
    expect(p.push('event: x\n\ndata:no space\n\n')).toEqual([{ event: 'message', data: 'no space', id: undefined }]);
  });

  it('refuses a line longer than its limit', () => {
    const p = new SseParser(10);
    expect(() => p.push('data: 0123456789')).toThrow('longer than 10 bytes');
  });
});
