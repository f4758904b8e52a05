/**
 * At most `size` calls of `run` in progress at once in this process; the others wait their turn, in
 * order. For work that may hold more than one database connection at a time (PipelineRunner's
 * looks): with fewer such holders than connections, a holder waiting for its next connection always
 * gets one, where a pool full of holders would wait on each other until `maxWait`.
 */
export class InProcessLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a limit of ${size} lets nothing run`);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter (running stays counted), or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Calls waiting for a slot (diagnostics and tests). */
  get queued(): number {
    return this.waiting.length;
  }
}
