import { parseCountBatch } from './evaluation-count-batch';

const ENV = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const BATCH = '0b6c1f2e-3d4a-4b5c-9d6e-7f8091a2b3c4';
const row = {
  environmentId: ENV,
  flagKey: 'checkout',
  variation: 1,
  sdk: 'ofrep:curl/8',
  bucket: '2026-12-06T07:00:00.000Z',
  count: 3,
  lastAt: '2026-12-06T07:00:31.000Z',
};

describe('evaluation count batches from edges', () => {
  it('reads rows with their times as dates', () => {
    expect(parseCountBatch({ batchId: BATCH, rows: [row] })).toEqual({
      ok: true,
      batchId: BATCH,
      rows: [{ ...row, bucket: new Date(row.bucket), lastAt: new Date(row.lastAt) }],
    });
  });

  it.each([
    [{ rows: [row] }, 'batchId must be a UUID'],
    [{ batchId: BATCH, rows: {} }, 'rows must be an array of at most 5000 counts'],
    [{ batchId: BATCH, rows: [{ ...row, count: 0 }] }, 'rows[0] is not an evaluation count'],
    [{ batchId: BATCH, rows: [{ ...row, environmentId: 'x' }] }, 'rows[0] is not an evaluation count'],
    [{ batchId: BATCH, rows: [{ ...row, bucket: 'yesterday' }] }, 'rows[0] is not an evaluation count'],
    [{ batchId: BATCH, rows: [{ ...row, variation: -2 }] }, 'rows[0] is not an evaluation count'],
    [[], 'the body must be an object'],
  ])('refuses %j', (body, error) => {
    expect(parseCountBatch(body)).toEqual({ ok: false, error });
  });
});
