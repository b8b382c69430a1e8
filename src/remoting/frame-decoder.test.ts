import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError } from './errors';
import { FrameDecoder } from './frame-decoder';
import { buildFrame, jsonFrame } from './testing/frame-builder';

const f1 = jsonFrame({ code: 105, opaque: 1, extFields: { topic: 'TopicTest' } });
const f2 = jsonFrame({ code: 10, opaque: 2 }, Buffer.from('hello body'));
const f3 = buildFrame({ type: 1, header: Buffer.alloc(21), body: Buffer.from([1, 2, 3]) });

function collect(decoder: FrameDecoder, chunks: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const c of chunks) decoder.push(c, (f) => out.push(Buffer.from(f)));
  return out;
}

test('a whole frame in one chunk comes out as a view of that chunk', () => {
  const seen: Buffer[] = [];
  new FrameDecoder().push(f1, (f) => seen.push(f));
  assert.is(seen.length, 1);
  assert.is(seen[0]!.buffer, f1.buffer, 'no copy for a frame inside one chunk');
  assert.equal(Buffer.compare(seen[0]!, f1), 0);
});

test('every split point of every frame yields the same frame', () => {
  for (const frame of [f1, f2, f3]) {
    for (let i = 0; i <= frame.length; i++) {
      const out = collect(new FrameDecoder(), [frame.subarray(0, i), frame.subarray(i)]);
      assert.is(out.length, 1, `split at ${i}`);
      assert.equal(out[0], frame, `split at ${i}`);
    }
  }
});

test('a one-byte drip yields the same frames', () => {
  const all = Buffer.concat([f1, f2, f3]);
  const chunks = [...all].map((b) => Buffer.from([b]));
  assert.equal(collect(new FrameDecoder(), chunks), [f1, f2, f3]);
});

test('three frames in one chunk yield three frames in order', () => {
  assert.equal(collect(new FrameDecoder(), [Buffer.concat([f1, f2, f3])]), [f1, f2, f3]);
});

test('every split of three coalesced frames yields the three frames', () => {
  const all = Buffer.concat([f1, f2, f3]);
  for (let i = 0; i <= all.length; i++) {
    for (const j of [i, Math.min(all.length, i + 1), Math.min(all.length, i + 17)]) {
      const out = collect(new FrameDecoder(), [all.subarray(0, i), all.subarray(i, j), all.subarray(j)]);
      assert.equal(out, [f1, f2, f3], `splits at ${i}, ${j}`);
    }
  }
});

test('a length prefix of 100 MiB fails as soon as its 4 bytes arrive', () => {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(100 * 1024 * 1024);
  try {
    new FrameDecoder().push(prefix, () => assert.unreachable('no frame'));
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, ProtocolError);
    assert.is((e as ProtocolError).code, 'TSMQ_ERR_FRAME_TOO_LARGE');
  }
});

test('the limit is Java\'s: length + 4 may equal the maximum but not exceed it', () => {
  const d = new FrameDecoder(64);
  const ok = buildFrame({ header: Buffer.alloc(56) });
  assert.is(ok.length, 64);
  assert.is(collect(d, [ok]).length, 1);
  assert.throws(() => collect(new FrameDecoder(64), [buildFrame({ header: Buffer.alloc(57) })]), (e: unknown) => e instanceof ProtocolError);
});

test('a length below 4 and a negative length are protocol errors', () => {
  for (const total of [0, 3, -1, -2147483648]) {
    const b = Buffer.alloc(8);
    b.writeInt32BE(total);
    assert.throws(() => new FrameDecoder().push(b, () => undefined), (e: unknown) => (e as ProtocolError).code === 'TSMQ_ERR_FRAME_TOO_SHORT');
  }
});

test.run();
