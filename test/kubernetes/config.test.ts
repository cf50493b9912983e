import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KUBE_TIMEOUT_MS, KubeConfigError, loadConfig, SERVICE_ACCOUNT_TOKEN } from '../../mcp-servers/kubernetes/config.js';
import { FIXTURE_DIR } from './helpers.js';

function kubeconfigFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'kcfg-')), 'config');
  writeFileSync(file, '{}');
  return file;
}

describe('kubernetes server configuration', () => {
  it('KUBECONFIG (and KUBE_CONTEXT, KUBE_NAMESPACES, KUBE_TIMEOUT_MS) selects the live cluster', () => {
    const file = kubeconfigFile();
    expect(loadConfig({ KUBECONFIG: file, KUBE_CONTEXT: 'prod', KUBE_NAMESPACES: 'shop, payments ,', KUBE_TIMEOUT_MS: '2500' })).toEqual({
      backend: 'api',
      kubeconfig: file,
      inCluster: false,
      context: 'prod',
      namespaces: ['shop', 'payments'],
      timeoutMs: 2500,
    });
    expect(loadConfig({ KUBECONFIG: file })).toEqual({
      backend: 'api',
      kubeconfig: file,
      inCluster: false,
      timeoutMs: DEFAULT_KUBE_TIMEOUT_MS,
    });
  });

  it('KUBE_CONTEXT alone reads the default kubeconfig, and says so when it is missing', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'home-'));
    expect(() => loadConfig({ HOME: home, KUBE_CONTEXT: 'prod' })).toThrow(
      /KUBECONFIG file .*\.kube\/config does not exist \(KUBE_CONTEXT is set/,
    );
    mkdirSync(path.join(home, '.kube'));
    writeFileSync(path.join(home, '.kube', 'config'), '{}');
    expect(loadConfig({ HOME: home, KUBE_CONTEXT: 'prod' })).toMatchObject({
      backend: 'api',
      kubeconfig: path.join(home, '.kube', 'config'),
      context: 'prod',
    });
  });

  it('KUBE_IN_CLUSTER=true needs a pod (its service host and token); not together with KUBECONFIG', () => {
    expect(() => loadConfig({ KUBE_IN_CLUSTER: 'true' })).toThrow('KUBE_IN_CLUSTER=true but KUBERNETES_SERVICE_HOST is unset');
    // This machine is no pod: the token is not mounted.
    expect(existsSync(SERVICE_ACCOUNT_TOKEN)).toBe(false);
    expect(() => loadConfig({ KUBE_IN_CLUSTER: 'true', KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toThrow(
      `${SERVICE_ACCOUNT_TOKEN} is missing`,
    );
    expect(() => loadConfig({ KUBE_IN_CLUSTER: 'true', KUBECONFIG: kubeconfigFile() })).toThrow(
      'set either KUBECONFIG or KUBE_IN_CLUSTER=true, not both',
    );
    // Running inside a pod is not enough: a bot without a Role would only collect 403s.
    expect(loadConfig({ KUBERNETES_SERVICE_HOST: '10.0.0.1', LOGS_PATH: '/var/log' }).backend).toBe('none');
    expect(loadConfig({ KUBE_IN_CLUSTER: 'false', LOGS_PATH: '/var/log' }).backend).toBe('none');
  });

  it('each mistake names its variable', () => {
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [{ KUBECONFIG: '/nonexistent/kubeconfig' }, /KUBECONFIG file \/nonexistent\/kubeconfig does not exist/],
      [{ KUBE_IN_CLUSTER: 'maybe' }, /KUBE_IN_CLUSTER must be true or false/],
      [{ KUBE_NAMESPACES: 'Shop' }, /KUBE_NAMESPACES must be comma-separated namespace names/],
      [{ KUBE_TIMEOUT_MS: '0' }, /KUBE_TIMEOUT_MS must be a positive integer/],
      [{ KUBE_TIMEOUT_MS: '1.5' }, /KUBE_TIMEOUT_MS must be a positive integer/],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig(env)).toThrow(KubeConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    }
    expect(loadConfig({ KUBE_TIMEOUT_MS: '1', DATA_DIR: FIXTURE_DIR }).backend).toBe('dataset');
  });

  it('DATA_DIR/kubernetes is the dataset; a dataset without one, or live servers without DATA_DIR, is none', () => {
    expect(loadConfig({ DATA_DIR: FIXTURE_DIR })).toEqual({ backend: 'dataset', dataDir: FIXTURE_DIR });
    // An explicit DATA_DIR wins over the live switches of the other servers.
    expect(loadConfig({ DATA_DIR: FIXTURE_DIR, LOGS_PATH: '/var/log' }).backend).toBe('dataset');
    const empty = mkdtempSync(path.join(os.tmpdir(), 'ds-'));
    expect(loadConfig({ DATA_DIR: empty })).toMatchObject({ backend: 'none', reason: expect.stringContaining('set KUBECONFIG') });
    // mcp-servers.json passes unset variables as '': they count as unset.
    expect(
      loadConfig({
        DATA_DIR: '',
        KUBECONFIG: '',
        KUBE_CONTEXT: '',
        KUBE_IN_CLUSTER: '',
        KUBE_NAMESPACES: '',
        KUBE_TIMEOUT_MS: '',
        PROMETHEUS_URL: 'http://p:9090',
      }).backend,
    ).toBe('none');
  });
});
