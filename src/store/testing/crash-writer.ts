/**
 * Child process for the SIGKILL test: appends messages with SYNC_FLUSH, as fast as it can with 16 in flight, and
 * prints "ack <seq> <queueId>" for each one the store acknowledged. The parent kills it at a random moment.
 *   node crash-writer.js <storeDir> <firstSeq>
 */
import { PutMessageStatus } from '../put-message-result';
import { message, openStore, smallConfig } from './helpers';

async function main(): Promise<void> {
  const [dir, first] = process.argv.slice(2);
  const store = await openStore(smallConfig(dir!, { flushDiskType: 'SYNC_FLUSH', mappedFileSizeCommitLog: 256 * 1024, mappedFileSizeConsumeQueue: 20 * 1000, maxIndexNum: 2000, maxHashSlotNum: 500 }));
  process.stdout.write('ready\n');
  let seq = Number(first);
  const inFlight = new Set<Promise<void>>();
  for (;;) {
    const n = seq++;
    const queueId = n % 4;
    const p = store
      .putMessage(message('CrashTopic', queueId, `msg-${n}-${'y'.repeat(n % 500)}`, { KEYS: `k${n}`, UNIQ_KEY: `U${n}`, TAGS: 't' }))
      .then((r) => {
        if (r.status === PutMessageStatus.PUT_OK) process.stdout.write(`ack ${n} ${queueId}\n`);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 16) await Promise.race(inFlight);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`crash-writer failed: ${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
