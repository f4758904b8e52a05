/**
 * Whether tracing is on, from the standard OpenTelemetry variables (the exporter itself reads the
 * rest: OTEL_EXPORTER_OTLP_* endpoint, headers, timeout, compression; OTEL_BSP_* batching;
 * OTEL_RESOURCE_ATTRIBUTES). Off unless configured: an explicit OTEL_TRACES_EXPORTER=otlp, or an
 * OTLP endpoint. OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turn it off whatever else is set.
 */
export interface OtelSettings {
  enabled: boolean;
  /** OTEL_SERVICE_NAME, default `gantry`. */
  serviceName: string;
}

export class OtelSettingsError extends Error {}

/** What the exporter can speak: it posts OTLP/HTTP JSON, which collectors accept beside protobuf. */
const PROTOCOLS = ['http/json', 'http/protobuf'];

export function otelSettings(env: NodeJS.ProcessEnv): OtelSettings {
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || 'gantry';
  const disabled = env.OTEL_SDK_DISABLED?.trim().toLowerCase();
  if (disabled !== undefined && disabled !== '' && disabled !== 'true' && disabled !== 'false')
    throw new OtelSettingsError(`OTEL_SDK_DISABLED must be true or false (got '${env.OTEL_SDK_DISABLED}')`);
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  const unknown = exporters.filter((e) => e !== 'otlp' && e !== 'none');
  if (unknown.length)
    throw new OtelSettingsError(`OTEL_TRACES_EXPORTER must be otlp or none (got '${env.OTEL_TRACES_EXPORTER}')`);
  for (const name of ['OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL']) {
    const p = env[name]?.trim();
    if (p && !PROTOCOLS.includes(p))
      throw new OtelSettingsError(`${name} must be one of ${PROTOCOLS.join(', ')} (got '${p}')`);
  }
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (endpoint && !/^https?:\/\//.test(endpoint))
    throw new OtelSettingsError(`the OTLP endpoint must be an http(s) URL (got '${endpoint}')`);
  const off = disabled === 'true' || exporters.includes('none');
  return { enabled: !off && (exporters.includes('otlp') || !!endpoint), serviceName };
}
