import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GetMessageStatus } from './get-message-result';
import { checkRecord, decodeMessage } from './message-decoder';
import { openStore, smallConfig, tempDir } from './testing/helpers';
import { seededRandom } from '../common/seeded-random';

/**
 * A child appends with SYNC_FLUSH and is killed with SIGKILL at random moments, 20 times on the same store. After
 * each kill the store is recovered: every acknowledged message must be there, intact and in its ConsumeQueue, and
 * every unit in a ConsumeQueue must point at a whole, valid record (nothing half-visible).
 */
const WRITER = path.join(__dirname, 'testing', 'crash-writer.js');
const KILLS = 20;

function runUntilKilled(dir: string, firstSeq: number, killAfterMs: number): Promise<Map<number, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, String(firstSeq)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TSMQ_LOG_LEVEL: 'error' } });
    const acked = new Map<number, number>();
    let buf = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const m = /^ack (\d+) (\d+)$/.exec(line);
        if (m) acked.set(Number(m[1]), Number(m[2]));
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`writer exited with ${code ?? signal}`))));
  });
}

test('SIGKILL during SYNC_FLUSH appends loses no acknowledged message, 20 times', async () => {
  const dir = tempDir('tsmq-kill-');
  const rand = seededRandom(9);
  const allAcked = new Map<number, number>();
  let nextSeq = 0;
  try {
    for (let round = 0; round < KILLS; round++) {
      const acked = await runUntilKilled(dir, nextSeq, 100 + Math.floor(rand() * 250));
      for (const [k, v] of acked) allAcked.set(k, v);
      assert.ok(fs.existsSync(path.join(dir, 'abort')), 'a killed store leaves its abort file');
      const store = await openStore(smallConfig(dir, { flushDiskType: 'SYNC_FLUSH', mappedFileSizeCommitLog: 256 * 1024, mappedFileSizeConsumeQueue: 20 * 1000, maxIndexNum: 2000, maxHashSlotNum: 500 }));
      try {
        const present = new Set<number>();
        for (let q = 0; q < 4; q++) {
          let offset = store.minOffsetInQueue('CrashTopic', q);
          const max = store.maxOffsetInQueue('CrashTopic', q);
          while (offset < max) {
            const r = await store.getMessage('g', 'CrashTopic', q, offset, 32);
            assert.is(r.status, GetMessageStatus.FOUND, `round ${round}: queue ${q} offset ${offset} of ${max}`);
            r.messages.forEach((rec, k) => {
              assert.is(checkRecord(rec, 0, rec.length, { checkCRC: true }).kind, 'ok', 'every visible record is whole');
              const m = decodeMessage(rec);
              assert.is(m.queueOffset, r.queueOffsets[k]);
              const seq = Number(/^msg-(\d+)-/.exec(m.body.toString())![1]);
              assert.is(m.properties.get('UNIQ_KEY'), `U${seq}`);
              present.add(seq);
            });
            offset = r.nextBeginOffset;
          }
        }
        const missing = [...allAcked.keys()].filter((s) => !present.has(s));
        assert.equal(missing, [], `round ${round}: acknowledged but missing`);
        // Unacknowledged messages may or may not have made it; the next writer continues after all of them.
        for (const s of present) if (s >= nextSeq) nextSeq = s + 1;
        for (const s of allAcked.keys()) if (s >= nextSeq) nextSeq = s + 1;
      } finally {
        await store.shutdown();
      }
    }
    assert.ok(allAcked.size > KILLS * 10, `the writer got work done: ${allAcked.size} acknowledged`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
