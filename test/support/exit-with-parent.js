// Preloaded (`node -r`) into the Gantry processes the e2e harness starts: when the test runner goes
// away without stopping them (killed, crashed), their stdin pipe closes and they exit instead of
// lingering with a connection to a database that the next run will drop.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
