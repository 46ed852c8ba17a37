import { join } from 'node:path';
import { toolPath } from './tools-dir.js';

/**
 * The environment for the Pulumi engine the tools installer builds: its CLI, language host and
 * Kubernetes provider first on PATH, a private PULUMI_HOME, a file backend with a passphrase, and
 * no plugin downloads (there is no network to download from).
 */
export function pulumiEnv(options: { home: string; backend: string; kubeconfig: string }): NodeJS.ProcessEnv {
  return {
    PATH: `${toolPath('bin')}:${process.env.PATH ?? ''}`,
    HOME: options.home,
    PULUMI_HOME: join(options.home, '.pulumi'),
    PULUMI_BACKEND_URL: `file://${options.backend}`,
    PULUMI_CONFIG_PASSPHRASE: 'paved-test-passphrase',
    PULUMI_ACCESS_TOKEN: '',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    KUBECONFIG: options.kubeconfig,
  };
}
