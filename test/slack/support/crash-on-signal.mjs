// Preloaded into the bot process by the crash test: SIGUSR2 throws from a timer, an uncaught exception like any bug.
process.on('SIGUSR2', () => {
  setImmediate(() => {
    throw new Error('injected crash for the test');
  });
});
