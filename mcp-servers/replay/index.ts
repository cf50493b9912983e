#!/usr/bin/env node
import { serveStdio } from '../shared/stdio.js';
import { loadRecording, RecordingError } from './recording.js';
import { createServer, SERVER_NAME } from './server.js';

/** REPLAY_FILE: a replay case's recording.json; REPLAY_SERVER (optional): serve only that server's calls. */
const file = process.env.REPLAY_FILE?.trim();
if (!file) {
  console.error(`${SERVER_NAME}: set REPLAY_FILE to a replay case's recording.json`);
  process.exit(2);
}
serveStdio(
  SERVER_NAME,
  () => {
    const only = process.env.REPLAY_SERVER?.trim();
    return createServer({ recording: loadRecording(file), ...(only ? { server: only } : {}) });
  },
  (error) => (error instanceof RecordingError ? error.message : undefined),
);
