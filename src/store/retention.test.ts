import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GetMessageStatus } from './get-message-result';
import { diskUsedRatio } from './message-store';
import { PutMessageStatus } from './put-message-result';
import { message, openStore, smallConfig, tempDir } from './testing/helpers';

test('expired CommitLog files go oldest first, never the last; ConsumeQueues and the index follow the new minimum', async () => {
  const dir = tempDir();
  const store = await openStore(smallConfig(dir, { fileReservedTime: 1, deleteWhen: String((new Date().getHours() + 12) % 24) }));
  for (let i = 0; i < 600; i++) await store.putMessage(message('T', 0, `m${i}-${'z'.repeat(200)}`, { KEYS: `k${i}` }));
  await store.whenIdle();
  const files = store.commitLog.queue.files.map((f) => f.file);
  assert.ok(files.length >= 4);
  assert.is(await store.cleanFiles(false), 0, 'not the hour, disk not full: nothing deleted');
  // Age the first two files past fileReservedTime.
  const old = new Date(Date.now() - 2 * 3600 * 1000);
  for (const f of files.slice(0, 2)) fs.utimesSync(f, old, old);
  assert.is(await store.cleanFiles(true), 2);
  assert.not.ok(fs.existsSync(files[0]!));
  assert.is(store.commitLog.minOffset, Number(path.basename(files[2]!)));
  const min = store.minOffsetInQueue('T', 0);
  assert.ok(min > 0, `queue min moved to ${min}`);
  const r = await store.getMessage('g', 'T', 0, 0, 32);
  assert.is(r.status, GetMessageStatus.OFFSET_TOO_SMALL);
  assert.is(r.nextBeginOffset, min);
  const first = await store.getMessage('g', 'T', 0, min, 1);
  assert.is(first.status, GetMessageStatus.FOUND);
  await store.shutdown();
  // A reopened store agrees.
  const again = await openStore(smallConfig(dir));
  assert.is(again.minOffsetInQueue('T', 0), min);
  await again.shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a nearly full disk refuses writes with SERVICE_NOT_AVAILABLE and cleans at once; writes resume when space returns', async () => {
  const dir = tempDir();
  const store = await openStore(smallConfig(dir));
  for (let i = 0; i < 400; i++) await store.putMessage(message('T', 0, `m${i}-${'z'.repeat(200)}`));
  await store.whenIdle();
  const filesBefore = store.commitLog.queue.files.length;
  store.diskUsage = async () => 0.93;
  await store.cleanFiles(false);
  const refused = await store.putMessage(message('T', 0, 'no room'));
  assert.is(refused.status, PutMessageStatus.SERVICE_NOT_AVAILABLE);
  assert.ok(store.commitLog.queue.files.length < filesBefore, 'files deleted without waiting for fileReservedTime');
  assert.ok(store.commitLog.queue.files.length >= 1);
  store.diskUsage = async () => 0.5;
  await store.cleanFiles(false);
  assert.is((await store.putMessage(message('T', 0, 'room again'))).status, PutMessageStatus.PUT_OK);
  await store.shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('disk ratio is Java\'s: used / (used + usable), rounded up to a whole percent (df\'s figure)', () => {
  // A file system with root-reserved blocks: 1000 blocks, 930 free, 280 usable by others.
  assert.is(diskUsedRatio({ blocks: 1000, bfree: 930, bavail: 280 }), 0.2);
  assert.is(diskUsedRatio({ blocks: 100, bfree: 50, bavail: 50 }), 0.5);
  assert.is(diskUsedRatio({ blocks: 3, bfree: 2, bavail: 2 }), 0.34);
  assert.is(diskUsedRatio({ blocks: 0, bfree: 0, bavail: 0 }), -1);
});

test.run();
