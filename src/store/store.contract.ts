import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { javaStringHashCode } from '../common/java-hash';
import { GetMessageStatus } from './get-message-result';
import { decodeMessage } from './message-decoder';
import { decodeMessageId } from './message-id';
import type { MessageStore } from './message-store';
import { PutMessageStatus } from './put-message-result';
import type { StoreConfig } from './store-config';
import { BORN_HOST, STORE_HOST, batchBody, message, openStore, smallConfig, tempDir } from './testing/helpers';

/**
 * The store contract: one suite of behaviour that must hold whatever happened to the store before. `prepare` brings
 * a store into the state under test (fresh, reopened after a clean shutdown, reopened after a crash) with the
 * messages written by `writeBaseline` already in it.
 */
export interface StoreScenario {
  name: string;
  flushDiskType: 'SYNC_FLUSH' | 'ASYNC_FLUSH';
  prepare(config: StoreConfig): Promise<MessageStore>;
}

export const TOPIC = 'ContractTopic';
export const BASELINE = 120;

/** 120 messages over 4 queues, tagged and keyed, plus a batch of 5 on queue 0; bodies large enough to roll files. */
export async function writeBaseline(store: MessageStore): Promise<void> {
  const puts = [];
  for (let i = 0; i < BASELINE; i++) {
    const props: Record<string, string> = { TAGS: i % 2 === 0 ? 'even' : 'odd', KEYS: `key-${i} shared`, UNIQ_KEY: `UNIQ${String(i).padStart(8, '0')}` };
    puts.push(store.putMessage(message(TOPIC, i % 4, `body-${i}-${'x'.repeat(i * 13)}`, props)));
  }
  const results = await Promise.all(puts);
  for (const r of results) assert.is(r.status, PutMessageStatus.PUT_OK);
  const batch = await store.putMessages({
    topic: TOPIC,
    queueId: 0,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: BORN_HOST,
    storeHost: STORE_HOST,
    reconsumeTimes: 0,
    body: batchBody([0, 1, 2, 3, 4].map((k) => ({ body: `batch-${k}`, flag: k, props: { TAGS: 'batch', KEYS: `bkey-${k}` } }))),
    batchPropertiesString: 'CLUSTER\u0001DefaultCluster\u0002',
  });
  assert.is(batch.status, PutMessageStatus.PUT_OK);
  assert.is(batch.appendResult!.msgNum, 5);
  assert.is(batch.appendResult!.logicsOffset, BASELINE / 4);
  await store.whenIdle();
}

async function readQueue(store: MessageStore, queueId: number, from = 0): Promise<ReturnType<typeof decodeMessage>[]> {
  const out: ReturnType<typeof decodeMessage>[] = [];
  let offset = from;
  for (;;) {
    const r = await store.getMessage('g', TOPIC, queueId, offset, 32);
    if (r.status !== GetMessageStatus.FOUND) break;
    for (const m of r.messages) out.push(decodeMessage(m));
    offset = r.nextBeginOffset;
  }
  return out;
}

export function defineContract(test: (name: string, fn: () => Promise<void>) => void, scenario: StoreScenario): void {
  const prefix = `${scenario.name} / ${scenario.flushDiskType}`;
  const withStore = async (fn: (store: MessageStore, config: StoreConfig) => Promise<void>) => {
    const dir = tempDir();
    const config = smallConfig(dir, { flushDiskType: scenario.flushDiskType });
    const store = await scenario.prepare(config);
    try {
      await fn(store, config);
    } finally {
      await store.shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  test(`${prefix}: every message reads back in queue order with its body and properties`, () =>
    withStore(async (store) => {
      for (let q = 0; q < 4; q++) {
        const msgs = await readQueue(store, q);
        const expected = Array.from({ length: BASELINE / 4 }, (_, k) => q + 4 * k);
        assert.equal(msgs.slice(0, BASELINE / 4).map((m) => m.body.toString().split('-')[1]), expected.map(String));
        msgs.forEach((m, k) => assert.is(m.queueOffset, k));
        if (q === 0) {
          assert.equal(msgs.slice(BASELINE / 4).map((m) => m.body.toString()), ['batch-0', 'batch-1', 'batch-2', 'batch-3', 'batch-4']);
          assert.equal(msgs.slice(BASELINE / 4).map((m) => m.flag), [0, 1, 2, 3, 4]);
          assert.is(msgs[BASELINE / 4]!.properties.get('CLUSTER'), 'DefaultCluster');
        }
        const first = msgs[0]!;
        assert.is(first.properties.get('TAGS'), q % 2 === 0 ? 'even' : 'odd');
        assert.is(first.topic, TOPIC);
        assert.equal(first.bornHost, BORN_HOST);
      }
    }),
  );

  test(`${prefix}: min and max offsets, and the CommitLog spans several files`, () =>
    withStore(async (store, config) => {
      assert.is(store.minOffsetInQueue(TOPIC, 0), 0);
      assert.is(store.maxOffsetInQueue(TOPIC, 0), BASELINE / 4 + 5);
      assert.is(store.maxOffsetInQueue(TOPIC, 3), BASELINE / 4);
      assert.is(store.maxOffsetInQueue('Nope', 0), 0);
      assert.ok(store.commitLog.queue.files.length >= 3, `files: ${store.commitLog.queue.files.length}`);
      const names = fs.readdirSync(path.join(config.storePathRootDir, 'commitlog'));
      for (const n of names) assert.is(fs.statSync(path.join(config.storePathRootDir, 'commitlog', n)).size, config.mappedFileSizeCommitLog);
    }),
  );

  test(`${prefix}: pull statuses at the edges of a queue`, () =>
    withStore(async (store) => {
      const max = store.maxOffsetInQueue(TOPIC, 1);
      const one = await store.getMessage('g', TOPIC, 1, max, 32);
      assert.is(one.status, GetMessageStatus.OFFSET_OVERFLOW_ONE);
      assert.is(one.nextBeginOffset, max);
      const badly = await store.getMessage('g', TOPIC, 1, max + 10, 32);
      assert.is(badly.status, GetMessageStatus.OFFSET_OVERFLOW_BADLY);
      assert.is(badly.nextBeginOffset, max);
      assert.is((await store.getMessage('g', 'Nope', 0, 0, 32)).status, GetMessageStatus.NO_MATCHED_LOGIC_QUEUE);
      const page = await store.getMessage('g', TOPIC, 1, 3, 4);
      assert.is(page.messages.length, 4);
      assert.is(page.nextBeginOffset, 7);
      assert.equal(page.queueOffsets, [3, 4, 5, 6]);
    }),
  );

  test(`${prefix}: tagsCode filtering returns only matches and skips ahead`, () =>
    withStore(async (store) => {
      const batchCode = javaStringHashCode('batch');
      const r = await store.getMessage('g', TOPIC, 0, 0, 32, { isMatchedByConsumeQueue: (c) => c === batchCode });
      assert.is(r.status, GetMessageStatus.FOUND);
      assert.equal(r.messages.map((m) => decodeMessage(m).body.toString()), ['batch-0', 'batch-1', 'batch-2', 'batch-3', 'batch-4']);
      const none = await store.getMessage('g', TOPIC, 1, 0, 32, { isMatchedByConsumeQueue: () => false });
      assert.is(none.status, GetMessageStatus.NO_MATCHED_MESSAGE);
      assert.is(none.nextBeginOffset, BASELINE / 4);
    }),
  );

  test(`${prefix}: view by offset message id, queries by key and by unique key, offset by time`, () =>
    withStore(async (store) => {
      const msgs = await readQueue(store, 2);
      const m = msgs[5]!;
      const { commitLogOffset } = decodeMessageId(m.msgId);
      const viewed = await store.lookMessageByOffset(commitLogOffset);
      assert.is(viewed?.body.toString(), m.body.toString());
      const byKey = await store.queryMessage(TOPIC, 'key-22', 32, 0, Date.now() + 1000);
      assert.equal(byKey.messages.map((b) => decodeMessage(b).properties.get('KEYS')), ['key-22 shared']);
      const byUniq = await store.queryMessage(TOPIC, 'UNIQ00000022', 32, 0, Date.now() + 1000);
      assert.is(byUniq.messages.length, 1);
      const shared = await store.queryMessage(TOPIC, 'shared', 32, 0, Date.now() + 1000);
      assert.is(shared.messages.length, 32, 'capped at the requested number');
      const batchKey = await store.queryMessage(TOPIC, 'bkey-3', 32, 0, Date.now() + 1000);
      assert.is(batchKey.messages.length, 1);
      // RocketMQ 5's boundaries: lower = first stored at or after, upper = last stored at or before
      const max = store.maxOffsetInQueue(TOPIC, 2);
      assert.is(await store.offsetInQueueByTime(TOPIC, 2, 0), 0);
      assert.is(await store.offsetInQueueByTime(TOPIC, 2, 0, 'upper'), 0);
      assert.is(await store.offsetInQueueByTime(TOPIC, 2, Date.now() + 60000), max, 'after the newest: the max offset');
      assert.is(await store.offsetInQueueByTime(TOPIC, 2, Date.now() + 60000, 'upper'), max - 1);
      const t5 = await store.messageStoreTimestamp(TOPIC, 2, 5);
      const lower = await store.offsetInQueueByTime(TOPIC, 2, t5);
      const upper = await store.offsetInQueueByTime(TOPIC, 2, t5, 'upper');
      assert.ok(lower <= 5 && upper >= 5, `5 lies in [${lower}, ${upper}]`);
      assert.is(await store.messageStoreTimestamp(TOPIC, 2, lower), t5);
      assert.is(await store.messageStoreTimestamp(TOPIC, 2, upper), t5);
      if (lower > 0) assert.ok((await store.messageStoreTimestamp(TOPIC, 2, lower - 1)) < t5);
      if (upper < max - 1) assert.ok((await store.messageStoreTimestamp(TOPIC, 2, upper + 1)) > t5);
      assert.ok((await store.earliestMessageTime(TOPIC, 2)) > 0);
    }),
  );

  test(`${prefix}: appends continue the queue offsets after whatever happened before`, () =>
    withStore(async (store) => {
      const before = store.maxOffsetInQueue(TOPIC, 3);
      const r = await store.putMessage(message(TOPIC, 3, 'after', { TAGS: 'odd' }));
      assert.is(r.status, PutMessageStatus.PUT_OK);
      assert.is(r.appendResult!.logicsOffset, before);
      await store.whenIdle();
      const got = await store.getMessage('g', TOPIC, 3, before, 1);
      assert.is(decodeMessage(got.messages[0]!).body.toString(), 'after');
    }),
  );
}

/** The permutations of STYLE.md: fresh, reopened after a clean shutdown, reopened after a crash. */
export const scenarios = (flushDiskType: 'SYNC_FLUSH' | 'ASYNC_FLUSH'): StoreScenario[] => [
  {
    name: 'fresh',
    flushDiskType,
    async prepare(config) {
      const s = await openStore(config);
      await writeBaseline(s);
      return s;
    },
  },
  {
    name: 'reopened after a clean shutdown',
    flushDiskType,
    async prepare(config) {
      const s = await openStore(config);
      await writeBaseline(s);
      await s.shutdown();
      assert.not.ok(fs.existsSync(path.join(config.storePathRootDir, 'abort')), 'no abort file after a clean shutdown');
      const again = await openStore(config);
      assert.ok(again.lastExitOK);
      return again;
    },
  },
  {
    name: 'reopened after a crash with a torn last record',
    flushDiskType,
    async prepare(config) {
      // The files as a crash leaves them: what reached the page cache, the abort file, and half a record at the end.
      const s = await openStore(config);
      await writeBaseline(s);
      const image = tempDir('tsmq-crash-');
      fs.cpSync(config.storePathRootDir, image, { recursive: true });
      await s.shutdown();
      fs.rmSync(config.storePathRootDir, { recursive: true, force: true });
      fs.cpSync(image, config.storePathRootDir, { recursive: true });
      fs.rmSync(image, { recursive: true, force: true });
      assert.ok(fs.existsSync(path.join(config.storePathRootDir, 'abort')));
      const end = s.commitLog.maxOffset;
      const fileSize = config.mappedFileSizeCommitLog;
      const file = path.join(config.storePathRootDir, 'commitlog', String(end - (end % fileSize)).padStart(20, '0'));
      const torn = Buffer.alloc(40);
      torn.writeInt32BE(300, 0);
      torn.writeInt32BE(-626843481, 4);
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, torn, 0, torn.length, end % fileSize);
      fs.closeSync(fd);
      const again = await openStore(config);
      assert.not.ok(again.lastExitOK);
      assert.is(again.commitLog.maxOffset, end, 'the torn record is truncated, nothing before it');
      return again;
    },
  },
];
