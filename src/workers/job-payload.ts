const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Job payloads come from Redis: check them like any other input before use. */
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
