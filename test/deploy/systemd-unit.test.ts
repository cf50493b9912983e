import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');
const UNIT = path.join(REPO, 'deploy/incidentpilot.service');
// The journal backend's tests need Debian's systemd unpacked (scripts/fetch-journal.sh); its systemd-analyze serves here.
const TOOLS = path.join(REPO, '.tools/journal');

/** systemd-analyze from PATH, else the copy `npm run fetch-prometheus` unpacks (scripts/fetch-journal.sh). */
function analyzer(): { bin: string; env: NodeJS.ProcessEnv } {
  const found = spawnSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' }).stdout.trim();
  if (found) return { bin: found, env: process.env };
  const bin = path.join(TOOLS, 'usr/bin/systemd-analyze');
  if (!existsSync(bin)) throw new Error('systemd-analyze not found: run npm run fetch-prometheus (it runs scripts/fetch-journal.sh)');
  const libs = execFileSync('find', [TOOLS, '-name', 'libsystemd-shared*.so'], { encoding: 'utf8' }).trim().split('\n')[0] ?? '';
  return { bin, env: { ...process.env, LD_LIBRARY_PATH: path.dirname(libs) } };
}

/** The unit as an operator installs it, its node path pointed at this machine's Node (verify checks that it exists). */
function installedCopy(text = readFileSync(UNIT, 'utf8')): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-unit-'));
  const file = path.join(dir, 'incidentpilot.service');
  writeFileSync(file, text.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
  return file;
}

function verify(file: string): { status: number | null; output: string } {
  const { bin, env } = analyzer();
  const run = spawnSync(bin, ['verify', '--man=no', file], { encoding: 'utf8', env, timeout: 30_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

describe('deploy/incidentpilot.service', () => {
  it('passes systemd-analyze verify with no warnings', () => {
    expect(verify(installedCopy())).toEqual({ status: 0, output: '' });
  });

  it('the check can fail: StartLimit* under [Service] is reported', () => {
    const misplaced = readFileSync(UNIT, 'utf8').replace('Restart=on-failure', 'Restart=on-failure\nStartLimitIntervalSec=600');
    expect(verify(installedCopy(misplaced)).output).toMatch(/Unknown key 'StartLimitIntervalSec' in section \[Service\]/);
  });

  it('needs no user created by hand, keeps state in its StateDirectory, and does not restart a bad configuration', () => {
    const text = readFileSync(UNIT, 'utf8');
    expect(text).toMatch(/^DynamicUser=yes$/m);
    expect(text).not.toMatch(/^User=/m);
    expect(text).toMatch(/^StateDirectory=incidentpilot$/m);
    expect(text).toMatch(/^Environment=STATE_PATH=\/var\/lib\/incidentpilot\/incidentpilot\.db$/m);
    expect(text).toMatch(/^RestartPreventExitStatus=2$/m);
    expect(readdirSync(path.dirname(UNIT))).toContain('incidentpilot.service');
  });
});
