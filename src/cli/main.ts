/**
 * The CLI: dispatch to a command, turn errors into messages and exit codes
 * (0 ok, 1 the job failed, 2 the command line was wrong).
 */
import { readFileSync } from 'node:fs';
import { TensorhiveError } from '../errors/index.js';
import { benchCommand } from './commands/bench.js';
import { codecsCommand } from './commands/codecs.js';
import { compressCommand, decompressCommand } from './commands/compress.js';
import { demoCommand } from './commands/demo.js';
import { inspectCommand } from './commands/inspect.js';
import { USAGE, UsageError } from './usage.js';

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  demo: demoCommand,
  compress: compressCommand,
  decompress: decompressCommand,
  inspect: inspectCommand,
  bench: benchCommand,
  codecs: codecsCommand,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    console.log(version());
    return 0;
  }
  const run = COMMANDS[cmd];
  if (!run) {
    console.error(`tensorhive: unknown command ${JSON.stringify(cmd)}\n`);
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    return await run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`tensorhive ${cmd}: ${err.message}\n(see tensorhive --help)`);
      return 2;
    }
    if (err instanceof TensorhiveError) {
      console.error(`tensorhive ${cmd}: ${err.message}`);
      return err.code === 'ERR_ARGUMENT' ? 2 : 1;
    }
    console.error(`tensorhive ${cmd}: internal error: ${(err as Error)?.stack ?? String(err)}`);
    return 1;
  }
}
