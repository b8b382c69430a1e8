import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { javaStringHashCode } from '../common/java-hash';
import { checkRecord, decodeMessage } from './message-decoder';
import { prepareBatch, prepareMessage, writeBlank, writeRecord } from './message-encoder';
import { createMessageId, decodeMessageId } from './message-id';
import { formatProperties, parseProperties } from './message-properties';
import { encodeSocketAddress } from './socket-address';

// VECTORS.md V1: a single send to a 5.2+ broker.
const V1_HEX =
  '000000D7DAA320A769C865ED0000000300000000000000000000002A0000000040000000000000000000018BCFE56800C0A8000A0000D4310000018BCFE5687BC0A8000100002A9F0000000000000000000000000000000E48656C6C6F20526F636B65744D5109546F706963546573740065554E49515F4B455901433041383030304131463930313233343536373830424542433230303030303102434C55535445520144656661756C74436C757374657202544147530154616741024B455953014F7264657249443138380257414954017472756502';

const v1Props = formatProperties([
  ['UNIQ_KEY', 'C0A8000A1F90123456780BEBC2000001'],
  ['CLUSTER', 'DefaultCluster'],
  ['TAGS', 'TagA'],
  ['KEYS', 'OrderID188'],
  ['WAIT', 'true'],
]);

test('V1: the encoder writes the reference record byte for byte', () => {
  const prepared = prepareMessage(
    {
      topic: 'TopicTest',
      queueId: 3,
      flag: 0,
      body: Buffer.from('Hello RocketMQ'),
      propertiesString: v1Props,
      sysFlag: 0,
      bornTimestamp: 1700000000000,
      bornHost: encodeSocketAddress('192.168.0.10', 54321),
      storeHost: encodeSocketAddress('192.168.0.1', 10911),
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
    },
    4 * 1024 * 1024,
  );
  assert.is(prepared.size, 215);
  const buf = Buffer.alloc(215);
  assert.is(writeRecord(buf, 0, prepared, 42, 1073741824, 1700000000123), 215);
  assert.is(buf.toString('hex').toUpperCase(), V1_HEX);
});

test('V1: the decoder reads back every field, and the checker gives the dispatch fields', () => {
  const rec = Buffer.from(V1_HEX, 'hex');
  const m = decodeMessage(rec);
  assert.is(m.topic, 'TopicTest');
  assert.is(m.queueId, 3);
  assert.is(m.queueOffset, 42);
  assert.is(m.commitLogOffset, 1073741824);
  assert.is(m.storeTimestamp, 1700000000123);
  assert.is(m.body.toString(), 'Hello RocketMQ');
  assert.is(m.properties.get('KEYS'), 'OrderID188');
  assert.is(m.msgId, 'C0A8000100002A9F0000000040000000');
  const c = checkRecord(rec, 0, rec.length, { checkCRC: true });
  assert.is(c.kind, 'ok');
  if (c.kind === 'ok') {
    assert.is(c.dispatch.tagsCode, 2598919);
    assert.is(c.dispatch.uniqKey, 'C0A8000A1F90123456780BEBC2000001');
    assert.is(c.dispatch.msgSize, 215);
  }
});

test('V1b: a 4.9.1-4.9.7 record (no trailing separator, WAIT stripped) yields the same map minus WAIT', () => {
  const props = 'KEYS\u0001OrderID188\u0002UNIQ_KEY\u0001C0A8000A1F90123456780BEBC2000001\u0002CLUSTER\u0001DefaultCluster\u0002TAGS\u0001TagA';
  assert.is(Buffer.byteLength(props), 90);
  const a = parseProperties(props);
  const b = parseProperties(v1Props);
  b.delete('WAIT');
  assert.equal(Object.fromEntries([...a].sort()), Object.fromEntries([...b].sort()));
});

test('a corrupted body fails the CRC check only when asked; a bad length formula is invalid; a short buffer is incomplete', () => {
  const rec = Buffer.from(V1_HEX, 'hex');
  rec[90] ^= 0xff;
  assert.is(checkRecord(rec, 0, rec.length, { checkCRC: true }).kind, 'invalid');
  assert.is(checkRecord(rec, 0, rec.length, { checkCRC: false }).kind, 'ok');
  const bad = Buffer.from(V1_HEX, 'hex');
  bad.writeInt32BE(216, 0);
  const padded = Buffer.concat([bad, Buffer.alloc(1)]);
  assert.is(checkRecord(padded, 0, padded.length, { checkCRC: false }).kind, 'invalid');
  assert.is(checkRecord(rec, 0, 100, { checkCRC: true }).kind, 'incomplete');
  assert.is(checkRecord(Buffer.alloc(16), 0, 16, { checkCRC: true }).kind, 'invalid', 'zeros are not a record');
});

test('V6: BLANK is 8 bytes, TOTALSIZE = bytes left', () => {
  const b = Buffer.alloc(8);
  writeBlank(b, 0, 100);
  assert.is(b.toString('hex').toUpperCase(), '00000064CBD43194');
  const c = checkRecord(b, 0, 8, { checkCRC: true });
  assert.equal(c, { kind: 'blank', size: 100 });
});

test('V3: Java String.hashCode over UTF-16 code units', () => {
  assert.is(javaStringHashCode('TagA'), 2598919);
  assert.is(javaStringHashCode('order-created'), -392709271);
  assert.is(javaStringHashCode('标签A'), 26572490);
  assert.is(javaStringHashCode('Tág🚀'), 86150749);
  assert.is(javaStringHashCode('TopicTest#OrderID188'), -1231271670);
  assert.is(javaStringHashCode('Aa'), javaStringHashCode('BB'));
  assert.is(javaStringHashCode('polygenelubricants'), -2147483648);
});

test('V5: offset message ids, IPv4 and IPv6', () => {
  assert.is(createMessageId(encodeSocketAddress('192.168.0.1', 10911), 1073741832), 'C0A8000100002A9F0000000040000008');
  assert.is(createMessageId(encodeSocketAddress('::1', 10911), 0), '0000000000000000000000000000000100002A9F0000000000000000');
  assert.is(createMessageId(encodeSocketAddress('::ffff:192.168.0.1', 10911), 0).length, 32, 'mapped IPv4 is stored as IPv4');
  const d = decodeMessageId('c0a8000100002a9f0000000040000008');
  assert.is(d.commitLogOffset, 1073741832);
});

test('V7: a client batch body splits into records with their own CRCs and properties', () => {
  const body = Buffer.from(
    '0000001F000000000000000000000000000000026869000754414753014102' + '00000020000000000000000000000007000000027' + '96F00084B455953016B3202',
    'hex',
  );
  const host = encodeSocketAddress('10.0.0.1', 1);
  const recs = prepareBatch({ topic: 'T', queueId: 0, sysFlag: 0, bornTimestamp: 1, bornHost: host, storeHost: host, reconsumeTimes: 0, body, batchPropertiesString: '' }, 4194304);
  assert.is(recs.length, 2);
  assert.equal(recs.map((r) => r.bodyCRC), [0x58932aac, 0x6229ac89]);
  assert.equal(recs.map((r) => r.flag), [0, 7]);
  const withBatchProps = prepareBatch(
    { topic: 'T', queueId: 0, sysFlag: 0, bornTimestamp: 1, bornHost: host, storeHost: host, reconsumeTimes: 0, body, batchPropertiesString: 'CLUSTER\u0001C\u0002' },
    4194304,
  );
  const buf = Buffer.alloc(withBatchProps[0]!.size);
  writeRecord(buf, 0, withBatchProps[0]!, 0, 0, 2);
  const m = decodeMessage(buf);
  assert.equal(Object.fromEntries(m.properties), { TAGS: 'A', CLUSTER: 'C' });
  assert.throws(() => prepareBatch({ topic: 'T', queueId: 0, sysFlag: 0, bornTimestamp: 1, bornHost: host, storeHost: host, reconsumeTimes: 0, body: body.subarray(0, 40), batchPropertiesString: '' }, 4194304));
});

test.run();
