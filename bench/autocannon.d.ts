// autocannon ships no types; this is the part the benches use.
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      body?: string;
      setupRequest?: (req: Request) => Request;
    }
    interface Result {
      requests: { average: number; total: number };
      latency: { p50: number; p90: number; p99: number; max: number; average: number };
      throughput: { average: number };
      errors: number;
      timeouts: number;
      non2xx: number;
      duration: number;
      statusCodeStats?: Record<string, { count: number }>;
    }
  }
  function autocannon(opts: Record<string, unknown>): Promise<autocannon.Result>;
  export = autocannon;
}
