import fs from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError, TsmqError } from './common/errors';
import { parseProperties } from './common/java-properties';
import { configureLogging, getLogger } from './common/logger';
import { applyProperties } from './common/typed-config';
import { NamesrvController } from './namesrv/namesrv';
import { defaultNamesrvConfig, type NamesrvConfig } from './namesrv/namesrv-config';

/** Builds the name server config: defaults, then the -c file, then command-line flags. */
export function loadNamesrvConfig(opts: { configFile?: string; overrides: Map<string, string> }): { config: NamesrvConfig; unknown: string[] } {
  const config = defaultNamesrvConfig();
  let unknown: string[] = [];
  if (opts.configFile) {
    let text: string;
    try {
      text = fs.readFileSync(opts.configFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${opts.configFile}: ${(err as Error).message}`);
    }
    unknown = applyProperties(config, parseProperties(text), opts.configFile);
  }
  applyProperties(config, opts.overrides, 'the command line');
  return { config, unknown };
}

function runUntilSignalled(name: string, stop: () => Promise<void>): void {
  const logger = getLogger(name);
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received, shutting down`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { error: (err as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

async function startNamesrv(argv: Record<string, unknown>): Promise<void> {
  configureLogging({ level: argv.logLevel as string | undefined, file: argv.logFile as string | undefined });
  const overrides = new Map<string, string>();
  for (const key of ['listenPort', 'bindAddress', 'kvConfigPath', 'configStorePath', 'rocketmqHome']) {
    if (argv[key] !== undefined) overrides.set(key, String(argv[key]));
  }
  const { config, unknown } = loadNamesrvConfig({ configFile: argv.configFile as string | undefined, overrides });
  const logger = getLogger('namesrv');
  if (unknown.length > 0) logger.warn('unknown config keys ignored', { file: argv.configFile, keys: unknown });
  if (argv.printConfigItem) {
    process.stdout.write(Object.entries(config).map(([k, v]) => `${k}=${String(v)}`).join('\n') + '\n');
    return;
  }
  const namesrv = new NamesrvController(config);
  await namesrv.start();
  runUntilSignalled('namesrv', () => namesrv.shutdown());
}

export function main(args: string[]): void {
  void yargs(args)
    .scriptName('tsmq')
    .usage('$0 <command> [options]\n\nA RocketMQ-compatible name server and broker.')
    .command(
      'namesrv',
      'Run a name server (Java: mqnamesrv). Brokers register with it; clients and mqadmin ask it for routes.',
      (y) =>
        y
          .option('configFile', {
            alias: 'c',
            type: 'string',
            describe: 'namesrv.conf in java.util.Properties form, with the keys of RocketMQ NamesrvConfig and NettyServerConfig',
          })
          .option('listenPort', { type: 'number', describe: 'TCP port for brokers and clients (default 9876); overrides the file' })
          .option('bindAddress', { type: 'string', describe: 'address to listen on (default 0.0.0.0)' })
          .option('kvConfigPath', { type: 'string', describe: 'where KV config is persisted (default ~/namesrv/kvConfig.json)' })
          .option('configStorePath', { type: 'string', describe: 'where UPDATE_NAMESRV_CONFIG persists the config (default ~/namesrv/namesrv.properties)' })
          .option('printConfigItem', { alias: 'p', type: 'boolean', describe: 'print the effective config and exit' })
          .option('logLevel', { type: 'string', choices: ['error', 'warn', 'info', 'debug'], describe: 'log level (default info, or TSMQ_LOG_LEVEL)' })
          .option('logFile', { type: 'string', describe: 'also write logs to this file' })
          .example('$0 namesrv', 'listen on 9876 with the defaults')
          .example('$0 namesrv -c conf/namesrv.conf --listenPort 9877', 'read a config file, then override the port'),
      (argv) => startNamesrv(argv).catch(fail),
    )
    .demandCommand(1, 'Name a command: namesrv')
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(120, process.stdout.columns || 100))
    .parse();
}

function fail(err: unknown): void {
  const msg = err instanceof TsmqError ? `${err.code}: ${err.message}` : err instanceof Error ? err.stack ?? err.message : String(err);
  process.stderr.write(`tsmq: ${msg}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}

if (require.main === module) main(hideBin(process.argv));
