import { otelSettings } from './otel-settings';

describe('otelSettings', () => {
  it('is off unless an exporter or endpoint is configured', () => {
    expect(otelSettings({})).toEqual({ enabled: false, serviceName: 'gantry' });
    expect(otelSettings({ OTEL_SERVICE_NAME: 'flags' })).toEqual({ enabled: false, serviceName: 'flags' });
  });

  it('is on with an OTLP endpoint, or OTEL_TRACES_EXPORTER=otlp', () => {
    expect(otelSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).enabled).toBe(true);
    expect(otelSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://c/v1/traces' }).enabled).toBe(true);
    expect(otelSettings({ OTEL_TRACES_EXPORTER: 'otlp' }).enabled).toBe(true);
  });

  it('is off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, whatever else is set', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(otelSettings({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(otelSettings({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).enabled).toBe(false);
    expect(otelSettings({ ...endpoint, OTEL_SDK_DISABLED: 'false' }).enabled).toBe(true);
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, /OTEL_TRACES_EXPORTER/],
    [{ OTEL_SDK_DISABLED: 'yes' }, /OTEL_SDK_DISABLED/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /OTEL_EXPORTER_OTLP_PROTOCOL/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /endpoint/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => otelSettings(env)).toThrow(message);
  });
});
