import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCommand, encodeFrame } from './command-codec';
import { ProtocolError } from './errors';
import { encodeJsonHeader } from './header-json';
import { UNKNOWN_LANGUAGE } from './language-code';
import { SerializeType, type RemotingCommand } from './remoting-command';
import { binaryHeader, buildFrame, jsonFrame } from './testing/frame-builder';

function cmd(over: Partial<RemotingCommand>): RemotingCommand {
  return { code: 10, language: 0, version: 409, opaque: 5, flag: 0, serializeType: SerializeType.JSON, ...over };
}

test('JSON header is written in fastjson\'s form: sorted keys, compact, nulls left out', () => {
  const header = encodeJsonHeader(cmd({ extFields: { a: 'pg', b: 'TopicTest', g: '1700000000000' } }));
  assert.is(
    header,
    '{"code":10,"extFields":{"a":"pg","b":"TopicTest","g":"1700000000000"},"flag":0,"language":"JAVA","opaque":5,"serializeTypeCurrentRPC":"JSON","version":409}',
  );
  assert.is(
    encodeJsonHeader(cmd({ code: 0, flag: 1, version: 0 })),
    '{"code":0,"flag":1,"language":"JAVA","opaque":5,"serializeTypeCurrentRPC":"JSON","version":0}',
  );
});

test('JSON: decode what Go and ali-ons send (any key order, numbers as strings, non-string extFields)', () => {
  const go = jsonFrame({ code: 105, language: 'GO', version: 317, opaque: 9, flag: 0, remark: '', extFields: { topic: 'T' } });
  const c = decodeCommand(go);
  assert.is(c.code, 105);
  assert.is(c.language, 9);
  assert.is(c.remark, '');
  assert.equal(c.extFields, { topic: 'T' });
  const ons = decodeCommand(jsonFrame({ code: '310', opaque: 3, extFields: { e: 3, f: true, n: null, x: 1700000000000 } }));
  assert.is(ons.code, 310);
  assert.equal(ons.extFields, { e: '3', f: 'true', x: '1700000000000' });
  assert.is(ons.language, 0, 'missing language defaults to JAVA');
});

test('JSON: an unknown language name decodes without failing the frame', () => {
  const c = decodeCommand(jsonFrame({ code: 34, opaque: 1, language: 'COBOL' }));
  assert.is(c.language, UNKNOWN_LANGUAGE);
});

test('JSON: a header that is not JSON, not an object, or with an opaque outside int32 is a protocol error', () => {
  for (const header of ['{not json', '[1,2]', '"str"', '{"code":10,"opaque":4294967296}', '{"code":"ten"}']) {
    assert.throws(() => decodeCommand(buildFrame({ header })), (e: unknown) => e instanceof ProtocolError, header);
  }
});

test('ROCKETMQ: decode a hand-built binary header with remark, extFields and body', () => {
  const header = binaryHeader({ code: 310, language: 9, version: 317, opaque: -7, flag: 2, remark: 'ré', ext: [['a', 'pg'], ['b', 'Tópic']] });
  const c = decodeCommand(buildFrame({ type: 1, header, body: Buffer.from('xyz') }));
  assert.is(c.code, 310);
  assert.is(c.language, 9);
  assert.is(c.version, 317);
  assert.is(c.opaque, -7);
  assert.is(c.flag, 2);
  assert.is(c.remark, 'ré');
  assert.equal(c.extFields, { a: 'pg', b: 'Tópic' });
  assert.is(c.body?.toString(), 'xyz');
  assert.is(c.serializeType, SerializeType.ROCKETMQ);
});

test('ROCKETMQ: empty values and keys decode as absent, duplicate keys keep the last value (Java 4.9.4+)', () => {
  const header = binaryHeader({ code: 11, opaque: 1, ext: [['a', ''], ['k', 'first'], ['k', 'last'], ['', 'v']] });
  const c = decodeCommand(buildFrame({ type: 1, header }));
  assert.equal(c.extFields, { k: 'last' });
});

test('ROCKETMQ: truncated or inconsistent lengths are protocol errors', () => {
  const good = binaryHeader({ code: 11, opaque: 1, remark: 'abc', ext: [['k', 'v']] });
  for (let cut = 0; cut < good.length; cut++) {
    assert.throws(() => decodeCommand(buildFrame({ type: 1, header: good.subarray(0, cut) })), (e: unknown) => e instanceof ProtocolError, `cut ${cut}`);
  }
  const negRemark = Buffer.from(good);
  negRemark.writeInt32BE(-5, 13);
  assert.throws(() => decodeCommand(buildFrame({ type: 1, header: negRemark })), (e: unknown) => e instanceof ProtocolError);
});

test('header length beyond the frame, and unknown serialize types, are protocol errors', () => {
  assert.throws(
    () => decodeCommand(buildFrame({ header: '{"code":1}', headerLength: 200 })),
    (e: unknown) => (e as ProtocolError).code === 'TSMQ_ERR_HEADER_LENGTH',
  );
  assert.throws(
    () => decodeCommand(buildFrame({ type: 2, header: '{"code":1}' })),
    (e: unknown) => (e as ProtocolError).code === 'TSMQ_ERR_SERIALIZE_TYPE',
  );
});

test('round trip in both serializations, body and body parts', () => {
  for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    const original = cmd({
      serializeType,
      code: 0,
      flag: 1,
      remark: 'näme \u0001\u0002 "quoted"',
      extFields: { msgId: 'C0A8', queueId: '3', props: 'k\u0001v\u0002' },
      body: Buffer.from([0, 1, 2, 255]),
    });
    const back = decodeCommand(encodeFrame(original));
    assert.is(back.code, 0);
    assert.is(back.remark, original.remark);
    assert.equal(back.extFields, original.extFields);
    assert.equal(back.body, original.body);
    const parts = decodeCommand(encodeFrame(cmd({ serializeType, bodyParts: [Buffer.from('ab'), Buffer.from('cde')] })));
    assert.is(parts.body?.toString(), 'abcde');
  }
});

test('codes and versions wrap to 16 bits in the binary header, as Java\'s writeShort does', () => {
  const back = decodeCommand(encodeFrame(cmd({ serializeType: SerializeType.ROCKETMQ, code: 200050 })));
  assert.is(back.code, (200050 << 16) >> 16);
});

test.run();
