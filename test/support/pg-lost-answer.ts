import { connect, createServer, type Socket } from 'node:net';

/**
 * A loopback proxy in front of PostgreSQL that, once armed, lets the next committed `INSERT 0 1` happen and then cuts
 * the connection before its answer reaches the client: the failure where a retry must not mistake its own earlier
 * commit for someone else's. It reads the server's messages in the protocol's framing (a type byte, then an int32
 * length that counts itself) to find CommandComplete ('C') and the ReadyForQuery ('Z') that follows the commit.
 */
export interface LostAnswerProxy {
  port: number;
  /** Drop the answer of the next successful single-row INSERT. */
  arm(): void;
  /** How many answers were dropped. */
  dropped(): number;
  close(): Promise<void>;
}

export async function lostAnswerProxy(targetPort: number): Promise<LostAnswerProxy> {
  let armed = false;
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    let pending = Buffer.alloc(0);
    let holding = false;
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // Each pass consumes one whole message; a partial one waits for the next chunk.
      while (pending.length >= 5) {
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) break;
        const message = pending.subarray(0, 1 + length);
        pending = pending.subarray(1 + length);
        const type = String.fromCharCode(message[0] ?? 0);
        if (armed && type === 'C' && message.subarray(5).toString('latin1').startsWith('INSERT 0 1')) holding = true;
        if (holding && type === 'Z') {
          armed = false;
          dropped += 1;
          client.destroy();
          upstream.destroy();
          return;
        }
        if (!holding) client.write(message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    arm: () => {
      armed = true;
    },
    dropped: () => dropped,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
