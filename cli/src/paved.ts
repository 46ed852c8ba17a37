import { helpText, reportError, unknownCommand, type Io, UsageError } from '@paved/frame';
import { main as createService } from './main.js';
export { processIo } from '@paved/frame';
import { PAVED_VERSION } from './version.js';

export const PAVED_HELP = helpText({
  usage: 'paved <command> [options]',
  about: 'Paved: create, publish and update services; release and promote them; check and render the platform.',
  optionsHeading: 'Commands',
  options: `Service commands:
  create <name> ...          scaffold a service (same as create-service; see paved create --help)
  publish [<dir>] --owner    create and configure the service's GitHub repository, push it
  update [<dir>]             bring a generated service up to date with its template

Pipeline commands (from @paved/pipelines, installed beside create-service):
  release                    next version, changelog and tag
  promote --env --image      set an overlay's image, by digest, on a branch

Platform commands (from @paved/platform, installed beside create-service):
  platform check             validate team config and run the guardrails
  platform render            write the desired objects as YAML
  platform stacks            the Pulumi stacks, in rollout order (or those a change touches)

Run \`paved <command> --help\` (\`paved platform <command> --help\`) for a command's options.`,
  examples: ['paved create orders -t go --team payments --yes', 'paved update --dry-run', 'paved release --dry-run', 'paved platform check --config platform'],
  exitCodes: ['3 conflicts left to resolve (update)'],
}).trimEnd();

/** The command front of @paved/pipelines and of @paved/platform: the same frame, the same Io. */
interface CommandPackage {
  run(argv: string[], io: Io): Promise<number>;
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
        const pipelines = await external<CommandPackage>('@paved/pipelines', command);
        return await pipelines.run(argv, io);
      }
      case 'platform': {
        const platform = await external<CommandPackage>('@paved/platform', command);
        return await platform.run(rest, io);
      }
      default:
        throw unknownCommand(command, COMMANDS, 'paved');
    }
  } catch (error) {
    return reportError(error, io, 'paved');
  }
}
