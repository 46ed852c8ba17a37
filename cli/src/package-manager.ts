/**
 * The package manager the user ran us with (`npx`, `pnpm dlx`, `yarn create`, `bunx`), read
 * from `npm_config_user_agent`, so next steps use the commands they already type.
 */
export interface PackageManager {
  name: 'npm' | 'pnpm' | 'yarn' | 'bun';
  /** Installs dependencies from the lock file. */
  install: string;
  /** Prefix that runs a package.json script: `<run> test`. */
  run: string;
}

const MANAGERS: Record<PackageManager['name'], PackageManager> = {
  npm: { name: 'npm', install: 'npm install', run: 'npm run' },
  pnpm: { name: 'pnpm', install: 'pnpm install', run: 'pnpm' },
  yarn: { name: 'yarn', install: 'yarn', run: 'yarn' },
  bun: { name: 'bun', install: 'bun install', run: 'bun run' },
};

export function detectPackageManager(userAgent: string | undefined): PackageManager {
  const name = userAgent?.split(' ')[0]?.split('/')[0];
  return name !== undefined && name in MANAGERS ? MANAGERS[name as PackageManager['name']] : MANAGERS.npm;
}
