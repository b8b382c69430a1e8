import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom } from '../common/seeded-random';
import { MappedFileQueue, READ_BLOCK_SIZE } from './mapped-file-queue';
import { tempDir } from './testing/helpers';

const FILE = 4 * READ_BLOCK_SIZE;

class Rnd {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  /** 0 <= n < bound */
  nextInt(bound: number): number {
    return Math.floor(this.next() * bound);
  }
}

/** Appends `data` in pieces of random sizes that never cross a file, committing now and then. */
async function fill(q: MappedFileQueue, data: Buffer, rnd: Rnd): Promise<void> {
  let at = 0;
  while (at < data.length) {
    const left = FILE - (q.wrotePosition % FILE);
    const n = Math.min(left, data.length - at, 1 + rnd.nextInt(20_000));
    const { buf, pos } = q.reserve(n);
    data.copy(buf, pos, at, at + n);
    at += n;
    if (rnd.nextInt(4) === 0) await q.commit();
  }
  await q.commit();
}

test('reads behind the in-memory tail come from cached blocks and match what was written', async () => {
  const dir = tempDir();
  const rnd = new Rnd(7);
  const data = Buffer.alloc(3 * FILE + 12_345);
  for (let i = 0; i < data.length; i++) data[i] = rnd.nextInt(256);
  // No read cache beyond the last chunk, 3 blocks cached: most reads go to the files and the blocks churn.
  const q = new MappedFileQueue(dir, FILE, 64 * 1024, 0, 0, 3);
  await fill(q, data, rnd);
  let hits = 0;
  for (let k = 0; k < 3000; k++) {
    const off = rnd.nextInt(data.length - 1);
    const fileLeft = FILE - (off % FILE);
    const len = 1 + rnd.nextInt(Math.min(fileLeft, data.length - off, k % 10 === 0 ? 2 * READ_BLOCK_SIZE : 4096));
    const cached = q.readCached(off, len);
    if (cached && !cached.equals(data.subarray(off, off + len))) assert.unreachable(`readCached(${off}, ${len}) differs`);
    const got = await q.read(off, len);
    if (!got.equals(data.subarray(off, off + len))) assert.unreachable(`read(${off}, ${len}) differs`);
    if (cached) hits++;
  }
  assert.ok(hits > 100, `readCached served ${hits} reads from memory`);
  // Two reads inside one block far from the tail share the block's memory (views, no copy).
  const a = await q.read(READ_BLOCK_SIZE + 10, 100);
  const b = await q.read(READ_BLOCK_SIZE + 5000, 100);
  assert.is(a.buffer, b.buffer, 'views of one cached block');
  assert.is(a.buffer.byteLength, READ_BLOCK_SIZE, 'the memory is the block');
  assert.is(b.byteOffset - a.byteOffset, 4990);
  // Retention drops the first file and its blocks; the rest still reads right.
  await q.deleteFirstFile();
  for (let k = 0; k < 500; k++) {
    const off = FILE + rnd.nextInt(data.length - FILE - 1);
    const len = 1 + rnd.nextInt(Math.min(FILE - (off % FILE), data.length - off, 8192));
    const got = await q.read(off, len);
    if (!got.equals(data.subarray(off, off + len))) assert.unreachable(`after retention: read(${off}, ${len}) differs`);
  }
  await q.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a queue whose file size is not a multiple of the block size reads without blocks', async () => {
  const dir = tempDir();
  const rnd = new Rnd(11);
  const size = READ_BLOCK_SIZE + 1000;
  const data = Buffer.alloc(2 * size);
  for (let i = 0; i < data.length; i++) data[i] = rnd.nextInt(256);
  const q = new MappedFileQueue(dir, size, 16 * 1024, 0, 0, 8);
  let at = 0;
  while (at < data.length) {
    const n = Math.min(size - (q.wrotePosition % size), data.length - at, 7000);
    const { buf, pos } = q.reserve(n);
    data.copy(buf, pos, at, at + n);
    at += n;
  }
  await q.commit();
  const a = await q.read(100, 50);
  assert.ok(a.equals(data.subarray(100, 150)));
  assert.is.not(a.buffer.byteLength, READ_BLOCK_SIZE, 'not a view of a block');
  await q.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
