// Benchmark-only preload (node --expose-gc -r bench/lib/gc-on-signal.js): a full garbage
// collection on SIGWINCH (ignored by default, and not one of the signals Nest's shutdown hooks
// listen to, unlike SIGUSR2), so a benchmark can read a process's memory without its garbage.
process.on('SIGWINCH', () => {
  if (typeof global.gc === 'function') global.gc();
});
