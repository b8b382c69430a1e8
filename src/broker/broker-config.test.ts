import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseProperties } from '../common/java-properties';
import { ConfigError } from '../common/errors';
import { applyBrokerProperties, bloomFilterBits, brokerConfigText, defaultBrokerConfig, defaultBrokerNettyConfig, loadBrokerConfigs, localAddress } from './broker-config';
import { defaultStoreConfig } from '../store/store-config';

const JAVA_533 = parseProperties(fs.readFileSync(path.resolve(__dirname, '..', '..', 'src', 'broker', 'testing', 'broker-config-5.3.3.properties'), 'utf8'));
/** tsmq's own keys, reported besides Java's. */
const TSMQ_ONLY = ['readCacheSizeCommitLog'];
/** Keys whose 5.3.3 default depends on the CPU count (the fixture is from 2 CPUs). */
const CPU_KEYS = [
  'sendMessageThreadPoolNums',
  'putMessageFutureThreadPoolNums',
  'pullMessageThreadPoolNums',
  'litePullMessageThreadPoolNums',
  'processReplyMessageThreadPoolNums',
  'queryMessageThreadPoolNums',
  'heartbeatThreadPoolNums',
  'endTransactionThreadPoolNums',
  'clientCallbackExecutorThreads',
];

/** Defaults only; the broker name set because a host name with dots is no valid one. */
function bareConfigs() {
  return loadBrokerConfigs({ overrides: new Map([['brokerName', 'b']]) });
}

const dirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmq-broker-config-'));
  dirs.push(dir);
  return dir;
}
test.after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function writeConf(dir: string, lines: string[]): string {
  const file = path.join(dir, 'broker.conf');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** The broker.conf the fixture was taken with, the store under `dir`. */
function fixtureConf(dir: string, extra: string[] = []): string {
  return writeConf(dir, [
    'brokerClusterName=CompatCluster',
    'brokerName=broker-a',
    'brokerId=0',
    'brokerIP1=127.0.0.1',
    'namesrvAddr=127.0.0.1:19647',
    'listenPort=21775',
    `storePathRootDir=${dir}/store`,
    `storePathCommitLog=${dir}/store/commitlog`,
    'autoCreateTopicEnable=true',
    'mappedFileSizeCommitLog=104857600',
    'flushDiskType=ASYNC_FLUSH',
    'brokerRole=ASYNC_MASTER',
    'waitTimeMillsInSendQueue=1000',
    ...extra,
  ]);
}

test('GET_BROKER_CONFIG has the keys and defaults of the 5.3.3 broker', () => {
  const dir = tmpDir();
  const saved = process.env.ROCKETMQ_HOME;
  process.env.ROCKETMQ_HOME = '/opt/rocketmq';
  try {
    const body = parseProperties(brokerConfigText(loadBrokerConfigs({ configFile: fixtureConf(dir) })));
    const ours = [...body.keys()].filter((k) => !TSMQ_ONLY.includes(k)).sort();
    assert.equal(ours, [...JAVA_533.keys()].sort());
    for (const k of TSMQ_ONLY) assert.ok(body.has(k), k);
    const differ: Record<string, string> = {
      storePathRootDir: `${dir}/store`,
      storePathCommitLog: `${dir}/store/commitlog`,
      rocketmqHome: '/opt/rocketmq',
      brokerIP2: localAddress(),
    };
    const cpusAsFixture = os.cpus().length === 2;
    for (const [k, javaValue] of JAVA_533) {
      if (!cpusAsFixture && CPU_KEYS.includes(k)) continue;
      assert.is(body.get(k), differ[k] ?? javaValue, k);
    }
  } finally {
    if (saved === undefined) delete process.env.ROCKETMQ_HOME;
    else process.env.ROCKETMQ_HOME = saved;
  }
});

test('CPU-derived thread counts follow the 5.3.3 formulas', () => {
  const cpus = os.cpus().length;
  const b = defaultBrokerConfig();
  const n = defaultBrokerNettyConfig();
  assert.is(b.sendMessageThreadPoolNums, Math.min(cpus, 4));
  assert.is(b.litePullMessageThreadPoolNums, 16 + cpus * 2);
  assert.is(b.heartbeatThreadPoolNums, Math.min(32, cpus));
  assert.is(b.endTransactionThreadPoolNums, Math.max(8 + cpus * 2, Math.min(cpus, 4) * 4));
  assert.is(n.clientCallbackExecutorThreads, cpus);
});

test('no key is in two config objects', () => {
  const seen = new Set<string>();
  for (const o of [defaultBrokerConfig(), defaultBrokerNettyConfig(), defaultStoreConfig()]) {
    for (const k of Object.keys(o)) {
      assert.not.ok(seen.has(k), k);
      seen.add(k);
    }
  }
});

test('derived values: store paths, haListenPort, broker addresses, null keys, bloom filter bits', () => {
  const dir = tmpDir();
  const c = loadBrokerConfigs({ configFile: writeConf(dir, ['brokerName=b', `storePathRootDir=${dir}/s`, 'listenPort=20911']) });
  const body = parseProperties(brokerConfigText(c));
  assert.is(c.store.haListenPort, 20912);
  assert.is(c.broker.brokerIP1, localAddress());
  assert.is(c.broker.brokerIP2, localAddress());
  // Java's null fields are left out until set: the CommitLog path (getStorePathCommitLog derives it), DLedger, HA
  for (const k of ['storePathCommitLog', 'storePathEpochFile', 'haMasterAddress', 'dLegerPeers', 'brokerConfigPath']) assert.not.ok(body.has(k), k);
  assert.is(c.store.bitMapLengthConsumeQueueExt, 112);
  assert.is(bloomFilterBits(20, 64), 216);
  assert.is(bloomFilterBits(0, 32), undefined);

  const set = loadBrokerConfigs({ configFile: writeConf(dir, ['brokerName=b', 'listenPort=20911', 'haListenPort=30000', 'brokerIP2=10.0.0.2', 'haMasterAddress=10.0.0.1:30000']) });
  assert.is(set.store.haListenPort, 30000);
  assert.is(set.broker.brokerIP2, '10.0.0.2');
  assert.is(parseProperties(brokerConfigText(set)).get('haMasterAddress'), '10.0.0.1:30000');

  const slave = loadBrokerConfigs({ configFile: writeConf(dir, ['brokerName=b', 'brokerRole=SLAVE', 'brokerId=1']) });
  assert.is(slave.store.accessMessageInMemoryMaxRatio, 30);
});

test('4.9 keys load silently and are reported only as the file gave them; unknown keys are logged and reported too', () => {
  const dir = tmpDir();
  const c = loadBrokerConfigs({ configFile: writeConf(dir, ['brokerName=b', 'commercialEnable=true', 'filterServerNums=0', 'noSuchKey=1']) });
  assert.equal(c.unknownKeys, ['noSuchKey']);
  const body = parseProperties(brokerConfigText(c));
  assert.is(body.get('commercialEnable'), 'true');
  assert.is(body.get('filterServerNums'), '0');
  assert.is(body.get('noSuchKey'), '1');
  assert.not.ok(body.has('maxDelayTime'));
  const bare = parseProperties(brokerConfigText(bareConfigs()));
  for (const k of ['commercialEnable', 'filterServerNums', 'maxDelayTime']) assert.not.ok(bare.has(k), k);
  const cli = loadBrokerConfigs({ overrides: new Map([['brokerName', 'b'], ['maxDelayTime', '40'], ['nope', 'x']]) });
  assert.equal(cli.unknownKeys, ['nope']);
  assert.is(cli.fileOnly.size, 0);
});

test('every key is settable, typed by its default; accepted-only and netty keys included', () => {
  const c = bareConfigs();
  applyBrokerProperties(c, new Map([
    ['reviveQueueNum', '4'],
    ['enableControllerMode', 'true'],
    ['rocksdbCompressionType', 'zstd'],
    ['logicalDiskSpaceCleanForciblyThreshold', '0.75'],
    ['clientCloseSocketIfTimeout', 'false'],
    ['defaultMessageRequestMode', 'pop'],
  ]), 'UPDATE_BROKER_CONFIG');
  assert.is(c.broker.reviveQueueNum, 4);
  assert.is(c.broker.enableControllerMode, true);
  assert.is(c.store.rocksdbCompressionType, 'zstd');
  assert.is(c.store.logicalDiskSpaceCleanForciblyThreshold, 0.75);
  assert.is(c.netty.clientCloseSocketIfTimeout, false);
  assert.is(c.broker.defaultMessageRequestMode, 'POP');
  applyBrokerProperties(c, new Map([['logicalDiskSpaceCleanForciblyThreshold', '1']]), 'x');
  assert.is(parseProperties(brokerConfigText(c)).get('logicalDiskSpaceCleanForciblyThreshold'), '1.0');
});

test('a bad value names the key and the file, and an update with one changes nothing', () => {
  const dir = tmpDir();
  const cases: Array<[string, RegExp]> = [
    ['popPollingSize=many', /broker\.conf: popPollingSize=many is not an integer/],
    ['enableLmq=yes', /broker\.conf: enableLmq=yes is not true or false/],
    ['logicalDiskSpaceCleanForciblyThreshold=high', /broker\.conf: logicalDiskSpaceCleanForciblyThreshold=high is not a number/],
    ['defaultMessageRequestMode=PUSH', /broker\.conf: defaultMessageRequestMode=PUSH is not one of PULL, POP/],
    ['flushDiskType=FAST', /broker\.conf: flushDiskType=FAST is not one of ASYNC_FLUSH, SYNC_FLUSH/],
  ];
  for (const [line, message] of cases) {
    try {
      loadBrokerConfigs({ configFile: writeConf(dir, ['brokerName=b', line]) });
      assert.unreachable(line);
    } catch (err) {
      assert.instance(err, ConfigError);
      assert.match((err as Error).message, message);
    }
  }
  const c = bareConfigs();
  assert.throws(() => applyBrokerProperties(c, new Map([['reviveQueueNum', '3'], ['enableLmq', 'maybe']]), 'UPDATE_BROKER_CONFIG'), /UPDATE_BROKER_CONFIG: enableLmq=maybe/);
  assert.is(c.broker.reviveQueueNum, 8);
});

test.run();
