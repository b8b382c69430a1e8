import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCommand, encodeFrame } from './command-codec';
import { FrameDecoder } from './frame-decoder';
import { LANGUAGE_NAMES } from './language-code';
import { SerializeType } from './remoting-command';
import { binaryHeader, buildFrame } from './testing/frame-builder';

/**
 * Frames written by the real Java RemotingCommand (compat-tests/java GoldenFrames, one folder per client version):
 * each decodes to the fields Java reports, re-encodes to the same bytes, and survives every split point.
 */
const GOLDEN = path.resolve(__dirname, '..', '..', 'compat-tests', 'golden');

interface GoldenFrame {
  file: string;
  serializeType: 'JSON' | 'ROCKETMQ';
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  extFields: Record<string, string> | null;
  bodyHex: string | null;
}

const versions = fs.readdirSync(GOLDEN, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

test('golden frames exist for the 4.9.8 and 5.3.3 clients', () => {
  assert.ok(versions.includes('4.9.8') && versions.includes('5.3.3'), `found ${versions.join(', ')}`);
});

/** The binary header with earlier duplicates of a key dropped: what a decoder that keeps the last value can re-encode. */
function withoutEarlierDuplicates(frame: Buffer): Buffer {
  const headerLen = frame.readInt32BE(4) & 0xffffff;
  const h = frame.subarray(8, 8 + headerLen);
  const remarkLen = h.readInt32BE(13);
  let pos = 17 + remarkLen + 4;
  const entries: Array<[string, string]> = [];
  while (pos < h.length) {
    const kl = h.readInt16BE(pos);
    const k = h.toString('utf8', pos + 2, pos + 2 + kl);
    const vl = h.readInt32BE(pos + 2 + kl);
    const v = h.toString('utf8', pos + 6 + kl, pos + 6 + kl + vl);
    pos += 6 + kl + vl;
    const at = entries.findIndex(([ek]) => ek === k);
    if (at >= 0) entries[at]![1] = v;
    else entries.push([k, v]);
  }
  const header = binaryHeader({
    code: h.readInt16BE(0),
    language: h.readInt8(2),
    version: h.readInt16BE(3),
    opaque: h.readInt32BE(5),
    flag: h.readInt32BE(9),
    remark: h.toString('utf8', 17, 17 + remarkLen),
    ext: entries,
  });
  return buildFrame({ type: 1, header, body: frame.subarray(8 + headerLen) });
}

for (const version of versions) {
  const manifest = JSON.parse(fs.readFileSync(path.join(GOLDEN, version, 'MANIFEST.json'), 'utf8')) as { clientVersion: string; frames: GoldenFrame[] };

  test(`${version}: every golden frame decodes to the fields Java reports`, () => {
    assert.ok(manifest.frames.length >= 20, 'a full set of frames');
    for (const g of manifest.frames) {
      const bytes = Buffer.from(fs.readFileSync(path.join(GOLDEN, version, g.file), 'utf8').trim(), 'hex');
      const c = decodeCommand(bytes);
      const where = `${version}/${g.file}`;
      assert.is(c.serializeType, g.serializeType === 'JSON' ? SerializeType.JSON : SerializeType.ROCKETMQ, where);
      assert.is(c.code, g.code, where);
      assert.is(LANGUAGE_NAMES[c.language], g.language, where);
      assert.is(c.version, g.version, where);
      assert.is(c.opaque, g.opaque, where);
      assert.is(c.flag, g.flag, where);
      assert.is(c.remark ?? null, g.remark, where);
      assert.equal(c.extFields ?? null, g.extFields, where);
      assert.is(c.body ? c.body.toString('hex') : null, g.bodyHex, where);
    }
  });

  test(`${version}: every golden frame re-encodes byte for byte`, () => {
    for (const g of manifest.frames) {
      const bytes = Buffer.from(fs.readFileSync(path.join(GOLDEN, version, g.file), 'utf8').trim(), 'hex');
      const again = encodeFrame(decodeCommand(bytes));
      // Java's fast encoder may write a key twice (header field, then extFields); the decoder keeps the last.
      const expected = g.serializeType === 'ROCKETMQ' ? withoutEarlierDuplicates(bytes) : bytes;
      assert.is(again.toString('hex'), expected.toString('hex'), `${version}/${g.file}`);
    }
  });

  test(`${version}: every golden frame survives every split point`, () => {
    for (const g of manifest.frames) {
      const bytes = Buffer.from(fs.readFileSync(path.join(GOLDEN, version, g.file), 'utf8').trim(), 'hex');
      for (let i = 0; i <= bytes.length; i++) {
        const out: Buffer[] = [];
        const d = new FrameDecoder();
        d.push(bytes.subarray(0, i), (f) => out.push(Buffer.from(f)));
        d.push(bytes.subarray(i), (f) => out.push(Buffer.from(f)));
        assert.is(out.length, 1);
        assert.ok(out[0]!.equals(bytes), `${g.file} split at ${i}`);
      }
    }
  });
}

test.run();
