import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configureLogging, getLogger } from '../common/logger';
import { RemotingClient } from '../remoting/remoting-client';
import { RequestCode } from '../remoting/request-code';
import { ResponseCode } from '../remoting/response-code';
import { createRequest, SerializeType } from '../remoting/remoting-command';
import { decodeMessage } from '../store/message-decoder';
import { formatProperties } from '../store/message-properties';
import { batchBody } from '../store/testing/helpers';
import { BrokerController } from './broker';
import { loadBrokerConfigs } from './broker-config';

configureLogging({ level: process.env.TSMQ_LOG_LEVEL ?? 'error' });
const logger = getLogger('test');

/** A port p with p and p - 2 free (the broker also listens on the VIP port). */
async function freePort(): Promise<number> {
  const probe = (p: number) =>
    new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '0.0.0.0', () => s.close(() => resolve(true)));
    });
  for (;;) {
    const p = 20000 + Math.floor(Math.random() * 30000);
    if ((await probe(p)) && (await probe(p - 2))) return p;
  }
}

async function withBroker(fn: (addr: string, broker: BrokerController, client: RemotingClient) => Promise<void>, over: Record<string, string> = {}): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmq-broker-'));
  const port = await freePort();
  const configs = loadBrokerConfigs({
    overrides: new Map(Object.entries({ brokerIP1: '127.0.0.1', brokerName: 'broker-t', listenPort: String(port), storePathRootDir: dir, mappedFileSizeCommitLog: String(1024 * 1024), ...over })),
  });
  const broker = new BrokerController(configs);
  await broker.start();
  const client = new RemotingClient(logger);
  try {
    await fn(`127.0.0.1:${port}`, broker, client);
  } finally {
    client.close();
    await broker.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function sendV2(topic: string, queueId: number, body: string, props: Record<string, string>, serializeType = SerializeType.JSON) {
  return createRequest(
    RequestCode.SEND_MESSAGE_V2,
    { a: 'pg', b: topic, c: 'TBW102', d: '4', e: String(queueId), f: '0', g: String(Date.now()), h: '0', i: formatProperties(Object.entries(props)), j: '0', k: 'false', m: 'false' },
    Buffer.from(body),
    serializeType,
  );
}

function pull(topic: string, queueId: number, offset: number, sysFlag = 0x4, suspendMs = 1000, sub = '*') {
  return createRequest(RequestCode.PULL_MESSAGE, {
    consumerGroup: 'cg',
    topic,
    queueId: String(queueId),
    queueOffset: String(offset),
    maxMsgNums: '32',
    sysFlag: String(sysFlag),
    commitOffset: '0',
    suspendTimeoutMillis: String(suspendMs),
    subscription: sub,
    subVersion: '0',
    expressionType: 'TAG',
  });
}

test('send V1 and V2 in both serializations, auto-creating the topic; the answer carries msgId, offsets, MSG_REGION and TRACE_ON', () =>
  withBroker(async (addr, broker, client) => {
    const r1 = await client.invoke(addr, sendV2('AutoTopic', 1, 'one', { TAGS: 'a', KEYS: 'k1', UNIQ_KEY: 'U1' }), 3000);
    assert.is(r1.code, ResponseCode.SUCCESS, r1.remark);
    assert.is(r1.extFields?.queueOffset, '0');
    assert.is(r1.extFields?.MSG_REGION, 'DefaultRegion');
    assert.is(r1.extFields?.TRACE_ON, 'true');
    assert.is(r1.extFields?.msgId?.length, 32);
    assert.is(broker.topics.get('AutoTopic')?.writeQueueNums, 4);
    const v1 = createRequest(
      RequestCode.SEND_MESSAGE,
      { producerGroup: 'pg', topic: 'AutoTopic', defaultTopic: 'TBW102', defaultTopicQueueNums: '4', queueId: '1', sysFlag: '0', bornTimestamp: '1', flag: '0', properties: '', bname: 'broker-t' },
      Buffer.from('two'),
      SerializeType.ROCKETMQ,
    );
    const r2 = await client.invoke(addr, v1, 3000);
    assert.is(r2.code, ResponseCode.SUCCESS);
    assert.is(r2.serializeType, SerializeType.ROCKETMQ);
    assert.is(r2.extFields?.queueOffset, '1');
  }),
);

test('send refusals: bad topic name, forbidden system topic, unknown topic without auto-create, bad queue', () =>
  withBroker(
    async (addr, _b, client) => {
      const old = sendV2('bad topic!', 0, 'x', {});
      old.version = 409;
      const bad = await client.invoke(addr, old, 3000);
      assert.is(bad.code, ResponseCode.SYSTEM_ERROR, 'a 4.9 client gets 1');
      const bad5 = await client.invoke(addr, sendV2('bad topic!', 0, 'x', {}), 3000);
      assert.is(bad5.code, ResponseCode.INVALID_PARAMETER, 'a 5.x client gets 29');
      assert.is(bad.extFields?.MSG_REGION, 'DefaultRegion');
      const sched = await client.invoke(addr, sendV2('SCHEDULE_TOPIC_XXXX', 0, 'x', {}), 3000);
      assert.is(sched.code, ResponseCode.NO_PERMISSION);
      const unknown = await client.invoke(addr, sendV2('NoSuchTopic', 0, 'x', {}), 3000);
      assert.is(unknown.code, ResponseCode.TOPIC_NOT_EXIST);
    },
    { autoCreateTopicEnable: 'false' },
  ),
);

test('pull: found, caught up (held, then woken by a send), moved, filtered', () =>
  withBroker(async (addr, _b, client) => {
    for (let i = 0; i < 5; i++) await client.invoke(addr, sendV2('PullTopic', 0, `m${i}`, { TAGS: i % 2 ? 'odd' : 'even' }), 3000);
    const found = await client.invoke(addr, pull('PullTopic', 0, 0), 3000);
    assert.is(found.code, ResponseCode.SUCCESS);
    assert.is(found.remark, 'FOUND');
    assert.is(found.extFields?.nextBeginOffset, '5');
    const bodies: string[] = [];
    let at = 0;
    while (at < found.body!.length) {
      const m = decodeMessage(found.body!, at);
      bodies.push(m.body.toString());
      at += m.storeSize;
    }
    assert.equal(bodies, ['m0', 'm1', 'm2', 'm3', 'm4']);
    const odd = await client.invoke(addr, pull('PullTopic', 0, 0, 0x4, 1000, 'odd'), 3000);
    assert.is(odd.body!.length > 0, true);
    const none = await client.invoke(addr, pull('PullTopic', 0, 0, 0x4, 1000, 'nothing'), 3000);
    assert.is(none.code, ResponseCode.PULL_RETRY_IMMEDIATELY);
    const moved = await client.invoke(addr, pull('PullTopic', 0, 99), 3000);
    assert.is(moved.code, ResponseCode.PULL_OFFSET_MOVED);
    assert.is(moved.extFields?.nextBeginOffset, '5');
    // Caught up with the suspend flag: no answer until a message arrives.
    const t0 = Date.now();
    const held = client.invoke(addr, pull('PullTopic', 0, 5, 0x6, 10000), 15000);
    await new Promise((r) => setTimeout(r, 300));
    await client.invoke(addr, sendV2('PullTopic', 0, 'late', {}), 3000);
    const woken = await held;
    assert.is(woken.code, ResponseCode.SUCCESS);
    assert.ok(Date.now() - t0 < 3000, 'woken by the arrival, not the timeout');
    // Nothing arrives: answered PULL_NOT_FOUND at the timeout.
    const t1 = Date.now();
    const timedOut = await client.invoke(addr, pull('PullTopic', 0, 6, 0x6, 1200), 10000);
    assert.is(timedOut.code, ResponseCode.PULL_NOT_FOUND);
    assert.ok(Date.now() - t1 >= 1100, 'held until its timeout');
  }),
);

test('offsets reset on the broker (useServerSideResetOffset): committed at once, handed to the next pull, older commits ignored until then', () =>
  withBroker(async (addr, broker, client) => {
    for (let i = 0; i < 6; i++) assert.is((await client.invoke(addr, sendV2('ResetTopic', 0, `m${i}`, {}), 3000)).code, 0);
    broker.groups.find('cg');
    const reset = (ext: Record<string, string>) => client.invoke(addr, createRequest(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'ResetTopic', group: 'cg', isForce: 'true', ...ext }), 3000);
    const unknown = await client.invoke(addr, createRequest(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'ResetTopic', group: 'nobody', timestamp: '0', isForce: 'true' }), 3000);
    assert.is(unknown.code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, 'no consumer need be online, but the group must exist');
    const outOfRange = await reset({ timestamp: '0', queueId: '0', offset: '9' });
    assert.is(outOfRange.code, ResponseCode.SYSTEM_ERROR);
    const r = await reset({ timestamp: '0', queueId: '0', offset: '2' });
    assert.is(r.code, 0, r.remark);
    assert.match(r.body!.toString(), /"queueId":0,"topic":"ResetTopic"\}:2/);
    assert.is(broker.offsets.queryOffset('cg', 'ResetTopic', 0), 2, 'committed at once');
    const stale = await client.invoke(addr, createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: 'ResetTopic', queueId: '0', commitOffset: '6' }), 3000);
    assert.is(stale.remark, 'Offset has been previously reset');
    assert.is(broker.offsets.queryOffset('cg', 'ResetTopic', 0), 2, 'a commit from before the reset does not undo it');
    const moved = await client.invoke(addr, pull('ResetTopic', 0, 6), 3000);
    assert.is(moved.code, ResponseCode.PULL_OFFSET_MOVED);
    assert.is(moved.remark, 'OFFSET_RESET');
    assert.is(moved.extFields?.nextBeginOffset, '2');
    const after = await client.invoke(addr, pull('ResetTopic', 0, 2), 3000);
    assert.is(after.code, ResponseCode.SUCCESS, 'the reset is handed out once');
    // every read queue, by time: after the newest message means the end of each queue
    const all = await reset({ timestamp: String(Date.now() + 60_000) });
    assert.is(all.code, 0, all.remark);
    assert.is(broker.offsets.queryOffset('cg', 'ResetTopic', 0), 6);
  }),
);

test('heartbeat, consumer list, offsets, batch send, query by key and view by offset', () =>
  withBroker(async (addr, broker, client) => {
    const hb = {
      clientID: '10.0.0.1@1',
      producerDataSet: [{ groupName: 'pg' }],
      consumerDataSet: [{ groupName: 'cg', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', unitMode: false, subscriptionDataSet: [{ topic: 'T', subString: '*', tagsSet: [], codeSet: [], subVersion: 1, expressionType: 'TAG', classFilterMode: false }] }],
    };
    assert.is((await client.invoke(addr, createRequest(RequestCode.HEART_BEAT, undefined, Buffer.from(JSON.stringify(hb))), 3000)).code, 0);
    assert.ok(broker.topics.get('%RETRY%cg'), 'the retry topic exists after the heartbeat');
    const list = await client.invoke(addr, createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'cg' }), 3000);
    assert.equal(JSON.parse(list.body!.toString()), { consumerIdList: ['10.0.0.1@1'] });
    const q0 = await client.invoke(addr, createRequest(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: 'T', queueId: '0' }), 3000);
    assert.is(q0.extFields?.offset, '0', 'a young queue starts at 0');
    // 5.x keeps offsets only for known groups and topics
    const unknownGroup = await client.invoke(addr, createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'nobody', topic: 'T', queueId: '0', commitOffset: '7' }), 3000);
    assert.is(unknownGroup.code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    assert.is(unknownGroup.remark, 'Group nobody not exist!');
    const unknownTopic = await client.invoke(addr, createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: 'NoSuchTopic', queueId: '0', commitOffset: '7' }), 3000);
    assert.is(unknownTopic.code, ResponseCode.TOPIC_NOT_EXIST);
    broker.topics.createTopicIfAbsent('T', 4, 6);
    const updated = await client.invoke(addr, createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: 'T', queueId: '0', commitOffset: '7' }), 3000);
    assert.is(updated.code, 0, updated.remark);
    assert.is((await client.invoke(addr, createRequest(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: 'T', queueId: '0' }), 3000)).extFields?.offset, '7');
    const batch = createRequest(
      RequestCode.SEND_BATCH_MESSAGE,
      { a: 'pg', b: 'T2', c: 'TBW102', d: '4', e: '2', f: '0', g: '1', h: '0', i: 'WAIT\u0001true\u0002', m: 'true' },
      batchBody([{ body: 'b0', props: { KEYS: 'bk0', UNIQ_KEY: 'B0' } }, { body: 'b1', props: { KEYS: 'bk1', UNIQ_KEY: 'B1' } }]),
    );
    const br = await client.invoke(addr, batch, 3000);
    assert.is(br.code, 0, br.remark);
    assert.is(br.extFields?.msgId?.split(',').length, 2);
    // Java clients ask for keys up to Long.MAX_VALUE.
    const query = createRequest(RequestCode.QUERY_MESSAGE, { topic: 'T2', key: 'bk1', maxNum: '32', beginTimestamp: '0', endTimestamp: '9223372036854775807', _UNIQUE_KEY_QUERY: 'false' });
    const qr = await client.invoke(addr, query, 3000);
    assert.is(qr.code, 0);
    assert.is(decodeMessage(qr.body!).body.toString(), 'b1');
    const offset = parseInt(br.extFields!.msgId!.split(',')[0]!.slice(16), 16);
    const view = await client.invoke(addr, createRequest(RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(offset) }), 3000);
    assert.is(decodeMessage(view.body!).body.toString(), 'b0');
    assert.is((await client.invoke(addr, createRequest(RequestCode.VIEW_MESSAGE_BY_ID, { offset: '999999' }), 3000)).code, ResponseCode.SYSTEM_ERROR);
    const none = await client.invoke(addr, createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'nobody' }), 3000);
    assert.is(none.code, ResponseCode.CONSUMER_NOT_ONLINE);
  }),
);

test('UPDATE_BROKER_CONFIG sets any key, accepted-only and netty ones too; GET_BROKER_CONFIG and the persisted file show it', () =>
  withBroker(async (addr, broker, client) => {
    const body = (props: string) => Buffer.from(props, 'utf8');
    const up = await client.invoke(addr, createRequest(RequestCode.UPDATE_BROKER_CONFIG, {}, body('enablePopLog=true\nclientCloseSocketIfTimeout=false\nnoSuchKey=1\n')), 3000);
    assert.is(up.code, ResponseCode.SUCCESS, up.remark);
    const get = await client.invoke(addr, createRequest(RequestCode.GET_BROKER_CONFIG, {}), 3000);
    assert.is(get.code, ResponseCode.SUCCESS);
    const text = get.body!.toString('utf8');
    assert.match(text, /^enablePopLog=true$/m);
    assert.match(text, /^clientCloseSocketIfTimeout=false$/m);
    assert.match(text, /^haListenPort=\d+$/m);
    assert.not.match(text, /^noSuchKey=/m);
    assert.not.match(text, /^storePathCommitLog=/m);
    assert.is(broker.storeConfig.haListenPort, broker.nettyConfig.listenPort + 1);
    const saved = fs.readFileSync(path.join(broker.storeConfig.storePathRootDir, 'config', 'broker.properties'), 'utf8');
    assert.match(saved, /^enablePopLog=true$/m);
  }),
);

test.run();
