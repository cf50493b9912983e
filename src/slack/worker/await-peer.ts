import { setTimeout as sleep } from 'node:timers/promises';

/** How often a replica that lost a claim looks for what the winner wrote. */
export const PEER_POLL_MS = 50;
/** Polls before giving up on the winner (10 s: it posts one Slack message before writing); the caller then answers busy. */
export const MAX_PEER_POLLS = 200;

/**
 * After losing a once-only claim to another replica: waits until the store shows what the winner started (`read`
 * answers it), so this delivery joins that instead of starting its own. Undefined when the winner never writes in
 * time (it died mid-way); the sender's retry then finds the claim expired or the winner's result.
 */
export async function awaitPeer<T>(read: () => Promise<T | undefined>, polls = MAX_PEER_POLLS): Promise<T | undefined> {
  for (let i = 0; i < polls; i++) {
    const found = await read();
    if (found !== undefined) return found;
    await sleep(PEER_POLL_MS);
  }
  return undefined;
}
