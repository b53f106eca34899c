#!/usr/bin/env node
import { COMMON_OPTIONS, CommandError, contextFor, describeFailure, parseCommandArgs, UsageError, type Command, type Io } from './cli-context';
import { deliveriesCommand, resendCommand } from './deliveries.command';
import { jobsCommand } from './jobs.command';
import { listenCommand } from './listen.command';
import { queuesCommand } from './queues.command';
import { startCommand } from './start.command';
import { submitCommand } from './submit.command';
import { tailCommand } from './tail.command';

const COMMANDS: Command[] = [startCommand, submitCommand, tailCommand, listenCommand, deliveriesCommand, resendCommand, queuesCommand, jobsCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: herald <command> [arguments] [--url <url>] [--key <key>] [--json] [--help]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    '--url (HERALD_URL, default http://localhost:3000) and --key (HERALD_API_KEY) choose the Herald;',
    '--json prints machine-readable JSON (one document, or one per line for tail and listen).',
    '`herald <command> --help` shows the command\'s arguments.',
  ].join('\n');
}

/** Runs one command line; resolves to the exit code (0 ok, 1 failed, 2 bad usage). */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command) throw new UsageError(`unknown command "${name}" (herald --help lists them)`);
    const { positionals, values } = parseCommandArgs(command, rest);
    if (values.help) {
      const flags = Object.keys({ ...COMMON_OPTIONS, ...command.options }).map((f) => `--${f}`);
      io.out.write(`usage: ${command.usage}\n${command.summary}\noptions: ${flags.join(' ')}\n`);
      return 0;
    }
    return await command.run(contextFor(io, positionals, values));
  } catch (err) {
    if (err instanceof UsageError) {
      io.err.write(`herald: ${err.message}\n`);
      return 2;
    }
    io.err.write(`herald ${name}: ${err instanceof CommandError ? err.message : describeFailure(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  const abort = new AbortController();
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
  };
  // `herald start` leaves signals to the service's own shutdown hooks.
  if (process.argv[2] !== 'start') {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env, signal: abort.signal }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
