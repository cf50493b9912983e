#!/usr/bin/env node
import { runStdio } from '../shared/stdio.js';
import { loadRecording, RecordingError } from './recording.js';
import { createServer, SERVER_NAME } from './server.js';

/** REPLAY_FILE: a replay case's recording.json; REPLAY_SERVER (optional): serve only that server's calls. */
async function main(): Promise<void> {
  const file = process.env.REPLAY_FILE?.trim();
  if (!file) {
    console.error(`${SERVER_NAME}: set REPLAY_FILE to a replay case's recording.json`);
    process.exit(2);
  }
  let server: ReturnType<typeof createServer>;
  try {
    const only = process.env.REPLAY_SERVER?.trim();
    server = createServer({ recording: loadRecording(file), ...(only ? { server: only } : {}) });
  } catch (error) {
    if (error instanceof RecordingError) {
      console.error(`${SERVER_NAME}: invalid configuration: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  await runStdio(server, SERVER_NAME);
}

main().catch((error: unknown) => {
  console.error(`${SERVER_NAME}: fatal:`, error);
  process.exit(1);
});
