// Preloaded into the bot process by the closed-stream test: SIGUSR2 throws an error whose `stack` throws another such
// error, so anything that handles it by reading its stack fails inside the handler, again and again.
function hostile(depth) {
  const error = new Error(`hostile error ${depth}`);
  Object.defineProperty(error, 'stack', {
    get() {
      throw hostile(depth + 1);
    },
  });
  return error;
}
process.on('SIGUSR2', () => {
  setImmediate(() => {
    throw hostile(0);
  });
});
