import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCommand, encodeFrame } from './command-codec';
import { ProtocolError } from './errors';
import { FrameDecoder } from './frame-decoder';
import { SerializeType } from './remoting-command';
import { binaryHeader, buildFrame, seededRandom } from './testing/frame-builder';

/**
 * The decoder meets whatever a network delivers. Whatever the bytes, the only error it may raise is ProtocolError
 * (which closes that one connection); anything else would be a crash path. Seeds are fixed so failures replay.
 */

const seeds = [1, 7, 42, 2024, 99991];

function samples(rand: () => number): Buffer[] {
  const valid = [
    encodeFrame({ code: 310, language: 0, version: 409, opaque: 3, flag: 0, serializeType: SerializeType.JSON, extFields: { a: 'g', b: 'T' }, body: Buffer.from('body') }),
    encodeFrame({ code: 11, language: 9, version: 317, opaque: -1, flag: 2, serializeType: SerializeType.ROCKETMQ, remark: 'r', extFields: { k: 'v' } }),
    buildFrame({ type: 1, header: binaryHeader({ code: 1, opaque: 2, ext: [['x', 'y']] }) }),
  ];
  return valid.map((f) => {
    const m = Buffer.from(f);
    const flips = 1 + Math.floor(rand() * 6);
    for (let i = 0; i < flips; i++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
    return m;
  });
}

function randomBytes(rand: () => number, max: number): Buffer {
  const b = Buffer.alloc(Math.floor(rand() * max));
  for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
  // Keep many length prefixes small enough that the decoder goes on into the header.
  if (b.length >= 8 && rand() < 0.7) b.writeInt32BE(b.length - 4, 0);
  if (b.length >= 8 && rand() < 0.5) b[4] = rand() < 0.5 ? 0 : 1;
  return b;
}

function feed(chunks: Buffer[]): void {
  const d = new FrameDecoder(1 << 20);
  for (const c of chunks) d.push(c, (frame) => void decodeCommand(frame));
}

for (const seed of seeds) {
  test(`seed ${seed}: random and mutated input raises only ProtocolError`, () => {
    const rand = seededRandom(seed);
    let protocolErrors = 0;
    for (let i = 0; i < 4000; i++) {
      const input = rand() < 0.5 ? randomBytes(rand, 96) : samples(rand)[Math.floor(rand() * 3)]!;
      const cut = Math.floor(rand() * (input.length + 1));
      try {
        feed([input.subarray(0, cut), input.subarray(cut)]);
      } catch (e) {
        if (!(e instanceof ProtocolError)) {
          assert.unreachable(`seed ${seed} case ${i}: ${String(e)} for input ${input.toString('hex')}`);
        }
        protocolErrors++;
      }
    }
    assert.ok(protocolErrors > 100, 'the fuzzer does reach error paths');
  });
}

test.run();
