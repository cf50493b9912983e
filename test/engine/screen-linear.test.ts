import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The report screen and the alert label parser read text an attacker wrote (log lines, alert messages). Each
 * adversarial input runs in a child process on the built modules, killed after a hard timeout: a pattern that
 * backtracks super-linearly ("AI" + 128,000 spaces took ~10 s, 20,000 spaces in an alert 0.5 s) fails here instead
 * of hanging the suite. Speed itself is measured in the bench, not asserted.
 */

const REPO = path.resolve(import.meta.dirname, '../..');
const SCREEN = path.join(REPO, 'dist/src/report/screen.js');
const LABELS = path.join(REPO, 'dist/src/slack/alerts/labels.js');
/** Generous for a loaded CI core; the quadratic patterns this guards against take tens of seconds on these inputs. */
const HARD_TIMEOUT_MS = 20_000;
const SIZE = 128_000;

const repeat = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
const spaces = repeat(' ');

const ADVERSARIAL: Record<string, string> = {
  aiSpaces: `AI${spaces}`,
  assistantSpacesComma: `assistant${spaces},`,
  systemSpaces: `system${spaces}prompt${spaces}`,
  roleWords: repeat('system prompt override note '),
  ignoreSpaces: `ignore${spaces}all${spaces}`,
  noteFor: repeat('note for the '),
  dearRepeat: repeat('dear incident '),
  aiRepeat: repeat('AI '),
  pipes: repeat('| '),
  pipeSudo: repeat('|sudo '),
  slashes: `| ${repeat('a/')}`,
  pathRun: `curl ${repeat('/x')}`,
  substitutions: repeat('$('),
  kubectlFlags: `kubectl ${repeat('-n x ')}`,
  rmFlags: `rm ${repeat('-- ')}`,
  commandWords: repeat('curl '),
  quotes: repeat("'"),
  urls: repeat('https://'),
  backticks: repeat('`curl '),
  labelSpaces: `${spaces}x`,
  labelStars: `${repeat('*')}annotations`,
  labelEquals: `key${spaces}=${spaces}value${spaces}`,
  labelHeader: `annotations${spaces}:`,
};

describe('screen and label parsing are linear-time (child process, hard kill)', () => {
  it('decides every adversarial line', () => {
    expect(existsSync(SCREEN), `${SCREEN} is missing: run \`npm run build\` first`).toBe(true);
    const script = `
      import { addressesModel, screenText } from ${JSON.stringify(SCREEN)};
      import { parseLabelLines } from ${JSON.stringify(LABELS)};
      import { readFileSync } from 'node:fs';
      const inputs = JSON.parse(readFileSync(0, 'utf8'));
      for (const [name, text] of Object.entries(inputs)) {
        const addresses = addressesModel(text);
        const screened = screenText(text, 'trusted output');
        const labels = parseLabelLines(text + '\\n' + text);
        process.stdout.write(name + ' ' + addresses + ' ' + screened.text.length + ' ' + Object.keys(labels).length + '\\n');
      }
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      input: JSON.stringify(ADVERSARIAL),
      timeout: HARD_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      encoding: 'utf8',
    });
    expect(result.signal, `killed after ${HARD_TIMEOUT_MS} ms: ${result.stdout}`).toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((line) => line.split(' ')[0])).toEqual(Object.keys(ADVERSARIAL));
  });
});
