/**
 * @slack/socket-mode logs at error level whenever a socket ends without a close reason. The tests end sockets on
 * purpose (the fake Slack's close() and dropSocket() terminate them; bot.stop() races the fake's close), so those two
 * lines are expected there. Only the reason-less form is matched: a socket error that carries a message (refused,
 * reset, TLS) still reaches the output.
 */
const EXPECTED_SOCKET_NOISE: readonly RegExp[] = [
  /^\[ERROR\]\s+socket-mode:SlackWebSocket:\d+ WebSocket error occurred:\s*$/,
  /^\[ERROR\]\s+socket-mode:SocketModeClient:\d+ WebSocket error! SMWebsocketError\s*$/,
];

/**
 * For vitest's onConsoleLog hook (true: drop it). vitest hands over a burst of writes as one log, so a log is dropped
 * only when every line in it is expected noise; one other line and the whole burst is printed.
 */
export function isExpectedSocketNoise(log: string, type: 'stdout' | 'stderr'): boolean {
  if (type !== 'stderr') return false;
  const lines = log.split('\n').filter((line) => line.trim() !== '');
  return lines.length > 0 && lines.every((line) => EXPECTED_SOCKET_NOISE.some((pattern) => pattern.test(line.trim())));
}
