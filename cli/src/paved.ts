import { closest, reportError, type Io } from './cli-io.js';
import { main as createService } from './main.js';
export { processIo } from './cli-io.js';
import { UsageError } from './errors.js';
import { PAVED_VERSION } from './version.js';

export const PAVED_HELP = `Usage: paved <command> [options]

Service commands:
  create <name> ...          scaffold a service (same as create-service; see paved create --help)
  publish [<dir>] --owner    create and configure the service's GitHub repository, push it
  update [<dir>]             bring a generated service up to date with its template

Pipeline commands (from @paved/pipelines, installed beside create-service):
  release [--dry-run] [--json]                          next version, changelog and tag
  promote --env <env> --image <ref> [--dry-run] [--json] set an overlay's image on a branch

Platform commands (from @paved/platform, installed beside create-service):
  platform check --config <dir>                validate team config and run the guardrails
  platform render --config <dir> --out <dir>   write the desired objects as YAML
  platform stacks --config <dir> [--json] [--changed-from <dir>]
                                               the Pulumi stacks (those a change touches)

Run \`paved <command> --help\` for a command's options. Exit codes: 0 success, 2 invalid usage
or input, 1 anything else.`;

/** @paved/pipelines' command front (pipelines/src/cli.ts): output as text chunks. */
interface PipelinesCli {
  run(argv: string[], io: { stdout: (text: string) => void; stderr: (text: string) => void; cwd: string }): Promise<number>;
}
/** @paved/platform's command front (platform/src/cli.ts): output as lines. */
interface PlatformCli {
  run(argv: string[], io: { out: (line: string) => void; err: (line: string) => void }): Promise<number>;
}

const COMMANDS = ['create', 'publish', 'update', 'release', 'promote', 'platform'];

/**
 * Pipelines and platform commands live in their own packages so that `create-service` never
 * pulls in Pulumi; the specifier is a variable so bundlers and tsc leave it alone.
 */
async function external<T>(pkg: string, command: string): Promise<T> {
  try {
    return (await import(`${pkg}/cli`)) as T;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new UsageError(
        `paved ${command} needs the ${pkg} package, which is not installed beside create-service`,
        `install it: npm install --save-dev ${pkg}`,
      );
    }
    throw cause;
  }
}

export async function paved(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(`${PAVED_HELP}\n`);
        return command === undefined ? 2 : 0;
      case '-v':
      case '--version':
        io.stdout.write(`${PAVED_VERSION}\n`);
        return 0;
      case 'create':
        return await createService(rest, io);
      case 'update': {
        const { runUpdateCommand } = await import('./update/command.js');
        return await runUpdateCommand(rest, io);
      }
      case 'publish': {
        const { runPublishCommand } = await import('./publish/command.js');
        return await runPublishCommand(rest, io);
      }
      case 'release':
      case 'promote': {
        const pipelines = await external<PipelinesCli>('@paved/pipelines', command);
        return await pipelines.run(argv, { stdout: (text) => io.stdout.write(text), stderr: (text) => io.stderr.write(text), cwd: io.cwd });
      }
      case 'platform': {
        const platform = await external<PlatformCli>('@paved/platform', command);
        return await platform.run(rest, { out: (line) => io.stdout.write(`${line}\n`), err: (line) => io.stderr.write(`${line}\n`) });
      }
      default: {
        const near = closest(command, COMMANDS);
        throw new UsageError(`unknown command ${JSON.stringify(command)}${near ? `; did you mean ${near}?` : ''}`, 'run `paved --help` for the commands');
      }
    }
  } catch (error) {
    return reportError(error, io, 'paved');
  }
}
