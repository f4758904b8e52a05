/**
 * A tiny OTLP/HTTP receiver on loopback for tracing tests: Gantry's exporter posts OTLP JSON to
 * `<endpoint>/v1/traces`; this keeps every span, flattened with its resource's attributes.
 *
 *   const otlp = await startOtlpReceiver();
 *   const g = await startGantry({ env: otlp.env({ OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=a' }) });
 *   const spans = await eventually(() => otlp.trace(traceId, ['gantry.sse.fanout']));
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type AttributeValue = string | number | boolean | undefined;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  links: { traceId: string; spanId: string }[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  resource: Record<string, AttributeValue>;
}

export interface OtlpReceiver {
  /** Base endpoint, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: ReceivedSpan[];
  /** Environment variables that turn tracing on towards this receiver, exporting within ~100 ms. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Spans of a trace; throws (for `eventually`) until every name in `expected` is among them. */
  trace(traceId: string, expected?: string[]): ReceivedSpan[];
  close(): Promise<void>;
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: OtlpKeyValue[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number };
}
interface OtlpRequest {
  resourceSpans?: { resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

const valueOf = (v: OtlpAnyValue | undefined): AttributeValue =>
  v === undefined
    ? undefined
    : (v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue);

const attributesOf = (kvs: OtlpKeyValue[] = []): Record<string, AttributeValue> =>
  Object.fromEntries(kvs.map((kv) => [kv.key, valueOf(kv.value)]));

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.statusCode = 404;
        res.end();
        return;
      }
      try {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const request = JSON.parse(body.toString('utf8')) as OtlpRequest;
        for (const rs of request.resourceSpans ?? []) {
          const resource = attributesOf(rs.resource?.attributes);
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? [])
              spans.push({
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId ?? '',
                name: s.name,
                kind: s.kind ?? 0,
                attributes: attributesOf(s.attributes),
                links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
                statusCode: s.status?.code ?? 0,
                resource,
              });
        }
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      } catch (err) {
        res.statusCode = 400;
        res.end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    spans,
    env: (extra = {}) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      ...extra,
    }),
    trace: (traceId, expected = []) => {
      const found = spans.filter((s) => s.traceId === traceId);
      const missing = expected.filter((name) => !found.some((s) => s.name === name));
      if (missing.length)
        throw new Error(`trace ${traceId} lacks ${missing.join(', ')}; has ${found.map((s) => s.name).join(', ')}`);
      return found;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
