import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configureLogging, getLogger } from '../common/logger';
import { NamesrvController } from '../namesrv/namesrv';
import { defaultNamesrvConfig } from '../namesrv/namesrv-config';
import { probe, targetFromCommandLine } from './health-check';

configureLogging({ level: process.env.TSMQ_LOG_LEVEL ?? 'error' });
const logger = getLogger('test');

test('the target comes from the server command line and its config file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmq-health-'));
  const conf = path.join(dir, 'broker.conf');
  fs.writeFileSync(conf, 'brokerName=b1\nlistenPort=10931\n');
  assert.equal(targetFromCommandLine(['/opt/tsmq/bin/tsmq', 'broker', '-c', conf]), { role: 'broker', addr: '127.0.0.1:10931' });
  assert.equal(targetFromCommandLine(['/opt/tsmq/bin/tsmq', 'broker', '-c', conf, '--listenPort=10941']), { role: 'broker', addr: '127.0.0.1:10941' });
  assert.equal(targetFromCommandLine(['dist/cli.js', 'broker', '-n', '127.0.0.1:9876']), { role: 'broker', addr: '127.0.0.1:10911' });
  assert.equal(targetFromCommandLine(['dist/cli.js', 'namesrv', '--listenPort', '9877']), { role: 'namesrv', addr: '127.0.0.1:9877' });
  assert.equal(targetFromCommandLine(['dist/cli.js', 'namesrv']), { role: 'namesrv', addr: '127.0.0.1:9876' });
  assert.throws(() => targetFromCommandLine(['dist/cli.js', 'store', 'verify', '/x']), /not a tsmq server command line/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('probe: healthy when the name server answers, unhealthy when nothing listens', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmq-health-'));
  const ns = new NamesrvController({ ...defaultNamesrvConfig(), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(dir, 'kv.json'), configStorePath: path.join(dir, 'ns.properties') });
  await ns.start();
  try {
    const ok = await probe({ role: 'namesrv', addr: `127.0.0.1:${ns.port}` }, 3000, logger);
    assert.ok(ok.healthy, ok.detail);
  } finally {
    await ns.shutdown();
  }
  const down = await probe({ role: 'namesrv', addr: `127.0.0.1:${ns.port}` }, 1000, logger);
  assert.not.ok(down.healthy);
  assert.match(down.detail, /cannot connect/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
