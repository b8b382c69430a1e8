import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeMessage } from './message-decoder';
import { readMessages, verifyStore } from './store-inspector';
import { message, openStore, smallConfig, tempDir } from './testing/helpers';

test('verify reports a clean store, then the first bad record of a corrupted one, without writing to it', async () => {
  const dir = tempDir();
  const store = await openStore(smallConfig(dir));
  for (let i = 0; i < 300; i++) await store.putMessage(message('T', i % 2, `hello ${i}`, { TAGS: 'a', KEYS: `k${i}` }));
  await store.shutdown();
  const ok = await verifyStore(dir);
  assert.equal(ok.problems, []);
  assert.is(ok.commitLog.records, 300);
  assert.ok(ok.commitLog.blanks >= 1);
  assert.equal(ok.consumeQueues.map((q) => [q.topic, q.queueId, q.maxOffset, q.units]), [['T', 0, 150, 150], ['T', 1, 150, 150]]);
  // Flip one body byte of record 10: its CRC no longer matches, and every unit pointing past it is reported.
  const recs = await readMessages(dir, { topic: 'T', queueId: 0, offset: 5, count: 1 });
  const target = decodeMessage(recs[0]!);
  const file = path.join(dir, 'commitlog', '00000000000000000000');
  const before = fs.statSync(file).mtimeMs;
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.from('Z'), 0, 1, target.commitLogOffset + 88);
  fs.closeSync(fd);
  const bad = await verifyStore(dir);
  assert.is(bad.commitLog.firstBadRecord?.offset, target.commitLogOffset);
  assert.match(bad.commitLog.firstBadRecord!.reason, /CRC/);
  assert.ok(bad.problems.length >= 2);
  assert.ok(fs.statSync(file).mtimeMs >= before);
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
