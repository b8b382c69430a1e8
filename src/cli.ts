import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError, TsmqError } from './common/errors';
import { configureLogging, getLogger } from './common/logger';
import { NamesrvController } from './namesrv/namesrv';
import { loadNamesrvConfig } from './namesrv/namesrv-config';
import os from 'node:os';
import path from 'node:path';
import { BrokerController } from './broker/broker';
import { brokerConfigText, loadBrokerConfigs } from './broker/broker-config';
import { decodeMessageId } from './store/message-id';
import { probe, targetOfProcess, type ServerRole } from './ops/health-check';
import { describeMessage, readMessages, verifyStore, type VerifyReport } from './store/store-inspector';

/** Command-line options that are config keys (`--key value`, any key of the config file), in the file's spelling. */
function configOverrides(argv: Record<string, unknown>): Map<string, string> {
  const overrides = new Map<string, string>();
  for (const [k, v] of Object.entries(argv)) {
    if (CLI_ONLY_OPTIONS.has(k) || k.includes('-') || v === undefined) continue;
    overrides.set(k, String(v));
  }
  return overrides;
}

const CLI_ONLY_OPTIONS = new Set(['_', '$0', 'c', 'n', 'configFile', 'logLevel', 'logFile', 'p', 'printConfigItem']);

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
  const { config, metrics, unknown } = loadNamesrvConfig({ configFile: argv.configFile as string | undefined, overrides: configOverrides(argv) });
  const logger = getLogger('namesrv');
  if (unknown.length > 0) logger.warn('unknown config keys ignored', { file: argv.configFile, keys: unknown });
  if (argv.printConfigItem) {
    process.stdout.write(Object.entries(config).map(([k, v]) => `${k}=${String(v)}`).join('\n') + '\n');
    return;
  }
  const namesrv = new NamesrvController(config, metrics);
  await namesrv.start();
  runUntilSignalled('namesrv', () => namesrv.shutdown());
}

async function startBroker(argv: Record<string, unknown>): Promise<void> {
  configureLogging({ level: argv.logLevel as string | undefined, file: argv.logFile as string | undefined });
  const configs = loadBrokerConfigs({ configFile: argv.configFile as string | undefined, overrides: configOverrides(argv) });
  if (argv.printConfigItem) {
    process.stdout.write(brokerConfigText(configs));
    return;
  }
  const broker = new BrokerController(configs);
  await broker.start();
  runUntilSignalled('broker', () => broker.shutdown());
}

async function startDev(argv: Record<string, unknown>): Promise<void> {
  configureLogging({ level: argv.logLevel as string | undefined });
  const t0 = Date.now();
  const home = String(argv.home ?? path.join(os.homedir(), '.tsmq', 'dev'));
  const namesrvPort = Number(argv.namesrvPort ?? 9876);
  const { config: nsConfig } = loadNamesrvConfig({
    overrides: new Map([
      ['listenPort', String(namesrvPort)],
      ['kvConfigPath', path.join(home, 'namesrv', 'kvConfig.json')],
      ['configStorePath', path.join(home, 'namesrv', 'namesrv.properties')],
    ]),
  });
  const namesrv = new NamesrvController(nsConfig);
  await namesrv.start();
  const configs = loadBrokerConfigs({
    overrides: new Map([
      ['namesrvAddr', `127.0.0.1:${namesrv.port}`],
      ['brokerIP1', '127.0.0.1'],
      ['brokerName', 'broker-a'],
      ['listenPort', String(argv.listenPort ?? 10911)],
      ['storePathRootDir', path.join(home, 'store')],
      ['flushDiskType', String(argv.flushDiskType ?? 'ASYNC_FLUSH')],
    ]),
  });
  const broker = new BrokerController(configs);
  await broker.start();
  getLogger('dev').info('tsmq dev ready', { namesrv: `127.0.0.1:${namesrv.port}`, broker: broker.brokerAddr, home, startupMs: Date.now() - t0 });
  runUntilSignalled('dev', async () => {
    await broker.shutdown();
    await namesrv.shutdown();
  });
}

function printVerifyReport(r: VerifyReport): void {
  const t = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : '-');
  const out: string[] = [];
  out.push(`store ${r.root}`);
  out.push(`  abort file: ${r.abortFilePresent ? 'present (the last shutdown was not clean)' : 'absent'}`);
  if (r.checkpoint) out.push(`  checkpoint: physic ${t(r.checkpoint.physicMsgTimestamp)}, logics ${t(r.checkpoint.logicsMsgTimestamp)}, index ${t(r.checkpoint.indexMsgTimestamp)}`);
  const c = r.commitLog;
  out.push(`  commitlog: ${c.files.length} file(s) of ${c.fileSize} bytes, ${c.records} record(s), ${c.blanks} BLANK(s), offsets ${c.minOffset}..${c.endOffset}, stored ${t(c.firstStoreTimestamp)} .. ${t(c.lastStoreTimestamp)}`);
  if (c.firstBadRecord) out.push(`    first bad record at ${c.firstBadRecord.offset}: ${c.firstBadRecord.reason}`);
  out.push(`  consumequeues: ${r.consumeQueues.length}`);
  for (const q of r.consumeQueues) {
    out.push(`    ${q.topic}/${q.queueId}: offsets ${q.minOffset}..${q.maxOffset}, ${q.units} unit(s)${q.firstBadUnit ? `, first bad unit at ${q.firstBadUnit.offset}: ${q.firstBadUnit.reason}` : ''}`);
  }
  out.push(`  index files: ${r.indexFiles.length}`);
  for (const f of r.indexFiles) out.push(`    ${f.name}: ${f.indexCount - 1} key(s), ${t(f.beginTimestamp)} .. ${t(f.endTimestamp)}`);
  out.push(r.problems.length === 0 ? 'OK: no problems found' : `${r.problems.length} problem(s):`);
  for (const p of r.problems) out.push(`  - ${p}`);
  process.stdout.write(out.join('\n') + '\n');
}

async function storeVerify(argv: Record<string, unknown>): Promise<void> {
  const report = await verifyStore(String(argv.dir), argv.commitLogDir as string | undefined);
  if (argv.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else printVerifyReport(report);
  process.exitCode = report.problems.length === 0 ? 0 : 1;
}

async function storePrint(argv: Record<string, unknown>): Promise<void> {
  const dir = String(argv.dir);
  let records: Buffer[];
  if (argv.msgId !== undefined) records = await readMessages(dir, { commitLogOffset: decodeMessageId(String(argv.msgId)).commitLogOffset }, argv.commitLogDir as string | undefined);
  else if (argv.commitLogOffset !== undefined) records = await readMessages(dir, { commitLogOffset: Number(argv.commitLogOffset) }, argv.commitLogDir as string | undefined);
  else if (argv.topic !== undefined) {
    records = await readMessages(
      dir,
      { topic: String(argv.topic), queueId: Number(argv.queue ?? 0), offset: Number(argv.offset ?? 0), count: Number(argv.count ?? 10) },
      argv.commitLogDir as string | undefined,
    );
  } else throw new ConfigError('tsmq store print: give --topic (with --queue, --offset, --count), --commitLogOffset or --msgId');
  for (const r of records) process.stdout.write(JSON.stringify(describeMessage(r)) + '\n');
  if (records.length === 0) {
    process.stderr.write('no message found\n');
    process.exitCode = 1;
  }
}

async function health(argv: Record<string, unknown>): Promise<void> {
  configureLogging({ level: 'error' });
  const target = argv.addr !== undefined ? { role: (argv.role ?? 'broker') as ServerRole, addr: String(argv.addr) } : targetOfProcess(Number(argv.pid));
  const r = await probe(target, Number(argv.timeout), getLogger('health'));
  process.stdout.write(`${r.healthy ? 'healthy' : 'unhealthy'}: ${r.detail}\n`);
  process.exitCode = r.healthy ? 0 : 1;
}

export function main(args: string[]): void {
  void yargs(args)
    .scriptName('tsmq')
    // A key given twice (a container's environment, then the operator's own argument) takes the last value.
    .parserConfiguration({ 'duplicate-arguments-array': false })
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
          .strict(false)
          .example('$0 namesrv', 'listen on 9876 with the defaults')
          .example('$0 namesrv -c conf/namesrv.conf --listenPort 9877', 'read a config file, then override the port; any namesrv.conf key also works as --key value'),
      (argv) => startNamesrv(argv).catch(fail),
    )
    .command(
      'broker',
      'Run a broker (Java: mqbroker) over a RocketMQ-compatible store; it registers with the name servers of namesrvAddr.',
      (y) =>
        y
          .option('configFile', { alias: 'c', type: 'string', describe: 'broker.conf with the property keys of RocketMQ BrokerConfig, MessageStoreConfig and NettyServerConfig' })
          .option('namesrvAddr', { alias: 'n', type: 'string', describe: 'name server addresses, "host:port;host:port"; overrides the file' })
          .option('printConfigItem', { alias: 'p', type: 'boolean', describe: 'print the effective config and exit' })
          .option('logLevel', { type: 'string', choices: ['error', 'warn', 'info', 'debug'], describe: 'log level (default info, or TSMQ_LOG_LEVEL)' })
          .option('logFile', { type: 'string', describe: 'also write logs to this file' })
          .strict(false)
          .example('$0 broker -c conf/broker.conf -n 127.0.0.1:9876', 'start a broker with a config file')
          .example('$0 broker --listenPort 10921 --storePathRootDir /data/store', 'any broker.conf key also works as --key value'),
      (argv) => startBroker(argv).catch(fail),
    )
    .command(
      'dev',
      'Run a name server and a broker in one process, for a laptop or CI: name server 127.0.0.1:9876, broker 127.0.0.1:10911, store under ~/.tsmq/dev.',
      (y) =>
        y
          .option('home', { type: 'string', describe: 'where the dev store and name server files live (default ~/.tsmq/dev)' })
          .option('namesrvPort', { type: 'number', describe: 'name server port (default 9876)' })
          .option('listenPort', { type: 'number', describe: 'broker port (default 10911; the VIP port is this minus 2)' })
          .option('flushDiskType', { type: 'string', choices: ['ASYNC_FLUSH', 'SYNC_FLUSH'], describe: 'flush mode (default ASYNC_FLUSH)' })
          .option('logLevel', { type: 'string', choices: ['error', 'warn', 'info', 'debug'], describe: 'log level (default info)' }),
      (argv) => startDev(argv).catch(fail),
    )
    .command(
      'health',
      'Ask a running name server or broker whether it answers (exit status 0 if it does, 1 if not): the container health check.',
      (y) =>
        y
          .option('addr', { type: 'string', describe: 'host:port to ask; by default the port of the server whose process is --pid' })
          .option('role', { type: 'string', choices: ['namesrv', 'broker'], describe: 'what listens at --addr (default broker)' })
          .option('pid', { type: 'number', default: 1, describe: 'read role, config file and port from this process\'s command line (1: the server of a container)' })
          .option('timeout', { type: 'number', default: 3000, describe: 'milliseconds to wait for the connection and for the answer' })
          .example('$0 health', 'in a container: probe the server it runs')
          .example('$0 health --addr 127.0.0.1:9876 --role namesrv', 'probe a name server'),
      (argv) => health(argv).catch(fail),
    )
    .command('store', 'Look inside a store directory without a running broker (read-only).', (y) =>
      y
        .command(
          'verify <dir>',
          'Walk every CommitLog record and ConsumeQueue unit: counts, offset ranges, times, and the first bad record and why. Exit status 1 when a problem is found.',
          (v) =>
            v
              .positional('dir', { type: 'string', demandOption: true, describe: 'the store root (storePathRootDir)' })
              .option('commitLogDir', { type: 'string', describe: 'CommitLog directory when not <dir>/commitlog (storePathCommitLog)' })
              .option('json', { type: 'boolean', describe: 'print the report as JSON' }),
          (argv) => storeVerify(argv).catch(fail),
        )
        .command(
          'print <dir>',
          'Print messages as JSON lines: a queue range through its ConsumeQueue, or the record at a CommitLog offset or offset message id.',
          (v) =>
            v
              .positional('dir', { type: 'string', demandOption: true, describe: 'the store root (storePathRootDir)' })
              .option('topic', { alias: 't', type: 'string', describe: 'topic to read' })
              .option('queue', { alias: 'q', type: 'number', describe: 'queue id (default 0)' })
              .option('offset', { alias: 'o', type: 'number', describe: 'first queue offset (default 0)' })
              .option('count', { alias: 'n', type: 'number', describe: 'how many messages (default 10)' })
              .option('commitLogOffset', { type: 'number', describe: 'print the record at this CommitLog offset' })
              .option('msgId', { type: 'string', describe: 'print the record named by an offset message id' })
              .option('commitLogDir', { type: 'string', describe: 'CommitLog directory when not <dir>/commitlog' })
              .example('$0 store print ~/store -t TopicTest -q 0 -o 100 -n 5', 'five messages of queue 0 from offset 100'),
          (argv) => storePrint(argv).catch(fail),
        )
        .demandCommand(1, 'Name a store command: verify or print'),
    )
    .demandCommand(1, 'Name a command: dev, namesrv, broker, health or store')
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
