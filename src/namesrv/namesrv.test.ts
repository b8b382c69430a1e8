import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configureLogging, getLogger } from '../common/logger';
import { encodeFrame } from '../remoting/command-codec';
import { RemotingClient } from '../remoting/remoting-client';
import { RequestCode } from '../remoting/request-code';
import { ResponseCode } from '../remoting/response-code';
import { createRequest, SerializeType, type RemotingCommand } from '../remoting/remoting-command';
import { buildFrame } from '../remoting/testing/frame-builder';
import { RawClient } from '../remoting/testing/raw-client';
import { NamesrvController } from './namesrv';
import { defaultNamesrvConfig } from './namesrv-config';

configureLogging({ level: process.env.TSMQ_LOG_LEVEL ?? 'error' });
const logger = getLogger('test');

async function withNamesrv(fn: (addr: string, ns: NamesrvController, dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmq-ns-'));
  const config = { ...defaultNamesrvConfig(), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(dir, 'kvConfig.json'), configStorePath: path.join(dir, 'namesrv.properties') };
  const ns = new NamesrvController(config);
  await ns.start();
  try {
    await fn(`127.0.0.1:${ns.port}`, ns, dir);
  } finally {
    await ns.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const registerBody = (counter: number) =>
  JSON.stringify({
    filterServerList: [],
    topicConfigSerializeWrapper: {
      dataVersion: { counter, stateVersion: 0, timestamp: 1700000000000 },
      topicConfigTable: {
        TopicTest: { attributes: {}, order: false, perm: 6, readQueueNums: 4, topicFilterType: 'SINGLE_TAG', topicName: 'TopicTest', topicSysFlag: 0, writeQueueNums: 4 },
      },
      // 5.x sends fastjson's unquoted numeric keys in static-topic mapping tables
      topicQueueMappingInfoMap: {},
    },
  }).replace('"topicQueueMappingInfoMap":{}', '"topicQueueMappingInfoMap":{"T":{"currIdMap":{0:1}}}');

function registerRequest(body: Buffer, ext: Record<string, string> = {}): RemotingCommand {
  return createRequest(RequestCode.REGISTER_BROKER, {
    brokerName: 'broker-a',
    brokerAddr: '127.0.0.1:10911',
    clusterName: 'DefaultCluster',
    haServerAddr: '127.0.0.1:10912',
    brokerId: '0',
    compressed: 'false',
    bodyCrc32: String(zlib.crc32(body) & 0x7fffffff),
    ...ext,
  }, body);
}

test('register, route, cluster info, topic lists, unregister', () =>
  withNamesrv(async (addr) => {
    const client = new RemotingClient(logger);
    const res = await client.invoke(addr, registerRequest(Buffer.from(registerBody(1))), 3000);
    assert.is(res.code, ResponseCode.SUCCESS, res.remark);
    const route = await client.invoke(addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicTest' }), 3000);
    assert.is(route.code, ResponseCode.SUCCESS);
    const r = JSON.parse(route.body!.toString());
    assert.equal(r.brokerDatas[0].brokerAddrs, { '0': '127.0.0.1:10911' });
    assert.is(r.queueDatas[0].writeQueueNums, 4);
    const missing = await client.invoke(addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Nope' }), 3000);
    assert.is(missing.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.ok(missing.remark!.startsWith('No topic route info in name server for the topic: Nope'));
    const cluster = JSON.parse((await client.invoke(addr, createRequest(RequestCode.GET_BROKER_CLUSTER_INFO), 3000)).body!.toString());
    assert.equal(cluster.clusterAddrTable, { DefaultCluster: ['broker-a'] });
    const all = JSON.parse((await client.invoke(addr, createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER), 3000)).body!.toString());
    assert.equal(all.topicList, ['TopicTest']);
    const byCluster = JSON.parse((await client.invoke(addr, createRequest(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'DefaultCluster' }), 3000)).body!.toString());
    assert.equal(byCluster.topicList, ['TopicTest']);
    const dv = await client.invoke(addr, createRequest(RequestCode.QUERY_DATA_VERSION, { brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', clusterName: 'DefaultCluster', brokerId: '0' }, Buffer.from('{"counter":1,"stateVersion":0,"timestamp":1700000000000}')), 3000);
    assert.is(dv.extFields?.changed, 'false');
    await client.invoke(addr, createRequest(RequestCode.UNREGISTER_BROKER, { brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', clusterName: 'DefaultCluster', brokerId: '0' }), 3000);
    assert.is((await client.invoke(addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicTest' }), 3000)).code, ResponseCode.TOPIC_NOT_EXIST);
    client.close();
  }),
);

test('a compressed registration body (Java compressedRegister=true) is read', () =>
  withNamesrv(async (addr) => {
    const parts: Buffer[] = [];
    const text = (s: string) => {
      const b = Buffer.from(s);
      const len = Buffer.alloc(4);
      len.writeInt32BE(b.length);
      parts.push(len, b);
    };
    const int = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(n);
      parts.push(b);
    };
    text('{"counter":3,"timestamp":1700000000000}');
    int(1);
    text('Compressed 2 2 6 SINGLE_TAG {"+message.type":"NORMAL"}');
    text('[]');
    const body = zlib.deflateSync(Buffer.concat(parts));
    const client = new RemotingClient(logger);
    const res = await client.invoke(addr, registerRequest(body, { compressed: 'true' }), 3000);
    assert.is(res.code, ResponseCode.SUCCESS, res.remark);
    const route = JSON.parse((await client.invoke(addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Compressed' }), 3000)).body!.toString());
    assert.is(route.queueDatas[0].readQueueNums, 2);
    client.close();
  }),
);

test('a registration whose body checksum does not match is refused', () =>
  withNamesrv(async (addr) => {
    const client = new RemotingClient(logger);
    const res = await client.invoke(addr, registerRequest(Buffer.from(registerBody(1)), { bodyCrc32: '12345' }), 3000);
    assert.is(res.code, ResponseCode.SYSTEM_ERROR);
    assert.is(res.remark, 'crc32 not match');
    client.close();
  }),
);

test('when the broker\'s connection closes, its routes leave at once', () =>
  withNamesrv(async (addr) => {
    const broker = new RemotingClient(logger);
    await broker.invoke(addr, registerRequest(Buffer.from(registerBody(1))), 3000);
    const client = new RemotingClient(logger);
    assert.is((await client.invoke(addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicTest' }), 3000)).code, ResponseCode.SUCCESS);
    broker.close();
    let code = 0;
    for (let i = 0; i < 50 && code !== ResponseCode.TOPIC_NOT_EXIST; i++) {
      await new Promise((r) => setTimeout(r, 20));
      code = (await client.invoke(addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicTest' }), 3000)).code;
    }
    assert.is(code, ResponseCode.TOPIC_NOT_EXIST);
    client.close();
  }),
);

test('KV config: put, get, list, delete, persisted in Java\'s file format and reloaded', async () => {
  let kvFile = '';
  await withNamesrv(async (addr, ns) => {
    kvFile = ns.config.kvConfigPath;
    const client = new RemotingClient(logger);
    const call = (code: number, ext: Record<string, string>) => client.invoke(addr, createRequest(code, ext), 3000);
    assert.is((await call(RequestCode.PUT_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T', value: 'broker-a:4' })).code, 0);
    assert.is((await call(RequestCode.PUT_KV_CONFIG, { namespace: 'ns', key: 'k2', value: 'v2' })).code, 0);
    const got = await call(RequestCode.GET_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T' });
    assert.is(got.extFields?.value, 'broker-a:4');
    const miss = await call(RequestCode.GET_KV_CONFIG, { namespace: 'ns', key: 'nope' });
    assert.is(miss.code, ResponseCode.QUERY_NOT_FOUND);
    assert.is(miss.remark, 'No config item, Namespace: ns Key: nope');
    assert.equal(JSON.parse((await call(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'ns' })).body!.toString()), { table: { k2: 'v2' } });
    assert.is((await call(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'none' })).code, ResponseCode.QUERY_NOT_FOUND);
    assert.is((await call(RequestCode.PUT_KV_CONFIG, { key: 'x' })).remark, 'namespace or key is null');
    await call(RequestCode.DELETE_KV_CONFIG, { namespace: 'ns', key: 'k2' });
    assert.is((await call(RequestCode.GET_KV_CONFIG, { namespace: 'ns', key: 'k2' })).code, ResponseCode.QUERY_NOT_FOUND);
    assert.equal(JSON.parse(fs.readFileSync(kvFile, 'utf8')), { configTable: { ORDER_TOPIC_CONFIG: { T: 'broker-a:4' }, ns: {} } });
    // The order config is handed to brokers when they register, and to clients in routes when enabled.
    const reg = await client.invoke(addr, registerRequest(Buffer.from(registerBody(1))), 3000);
    assert.equal(JSON.parse(reg.body!.toString()), { table: { T: 'broker-a:4' } });
    client.close();
  });
});

test('name server config: get as properties text, update persists, black-listed keys refused', () =>
  withNamesrv(async (addr, ns) => {
    const client = new RemotingClient(logger);
    const text = (await client.invoke(addr, createRequest(RequestCode.GET_NAMESRV_CONFIG), 3000)).body!.toString();
    assert.match(text, /^listenPort=0$/m);
    assert.match(text, /^orderMessageEnable=false$/m);
    const upd = await client.invoke(addr, createRequest(RequestCode.UPDATE_NAMESRV_CONFIG, undefined, Buffer.from('orderMessageEnable=true\n')), 3000);
    assert.is(upd.code, 0);
    assert.is(ns.config.orderMessageEnable, true);
    assert.match(fs.readFileSync(ns.config.configStorePath, 'utf8'), /^orderMessageEnable=true$/m);
    const refused = await client.invoke(addr, createRequest(RequestCode.UPDATE_NAMESRV_CONFIG, undefined, Buffer.from('kvConfigPath=/etc/passwd\n')), 3000);
    assert.is(refused.code, ResponseCode.NO_PERMISSION);
    client.close();
  }),
);

test('bad input: each bad frame closes only its own connection and the name server keeps serving', () =>
  withNamesrv(async (addr) => {
    const port = Number(addr.split(':')[1]);
    const good = await RawClient.connect(port);
    const hundredMiB = Buffer.alloc(8);
    hundredMiB.writeInt32BE(100 * 1024 * 1024);
    const cases: Array<[string, Buffer]> = [
      ['100 MiB length prefix', hundredMiB],
      ['header that is not JSON', buildFrame({ header: '{"code":105, nope' })],
      ['unknown serialize type', buildFrame({ type: 7, header: '{"code":105}' })],
      ['header length beyond frame', buildFrame({ header: '{}', headerLength: 1000 })],
      ['negative length', Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])],
      ['truncated binary header', buildFrame({ type: 1, header: Buffer.from([0, 105, 0]) })],
    ];
    for (const [what, bytes] of cases) {
      const bad = await RawClient.connect(port);
      bad.write(bytes);
      await bad.until(() => bad.closed, 3000, `close after ${what}`);
      assert.ok(bad.closed, what);
    }
    // Unknown code and a request missing a required header field get responses, and the connection stays open.
    const c = await RawClient.connect(port);
    c.write(encodeFrame({ code: 7777, language: 0, version: 409, opaque: 1, flag: 0, serializeType: SerializeType.JSON }));
    c.write(encodeFrame({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, language: 0, version: 409, opaque: 2, flag: 0, serializeType: SerializeType.ROCKETMQ }));
    c.write(encodeFrame({ code: RequestCode.REGISTER_BROKER, language: 0, version: 409, opaque: 3, flag: 0, serializeType: SerializeType.JSON, extFields: { brokerName: 'b' } }));
    c.write(encodeFrame({ code: RequestCode.REGISTER_BROKER, language: 0, version: 409, opaque: 4, flag: 0, serializeType: SerializeType.JSON,
      extFields: { brokerName: 'b', brokerAddr: 'x:1', clusterName: 'c', brokerId: '0', bodyCrc32: '0' }, body: Buffer.from('{garbage') }));
    assert.is((await c.response(1)).code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    assert.is((await c.response(1)).remark, ' request type 7777 not supported');
    const noTopic = await c.response(2);
    assert.is(noTopic.code, ResponseCode.SYSTEM_ERROR);
    assert.is(noTopic.remark, 'the custom field <topic> is null');
    assert.is((await c.response(3)).code, ResponseCode.SYSTEM_ERROR);
    assert.is((await c.response(4)).code, ResponseCode.SYSTEM_ERROR);
    assert.not.ok(c.closed);
    good.write(encodeFrame({ code: RequestCode.GET_BROKER_CLUSTER_INFO, language: 0, version: 409, opaque: 9, flag: 0, serializeType: SerializeType.JSON }));
    assert.is((await good.response(9)).code, ResponseCode.SUCCESS);
    c.close();
    good.close();
  }),
);

test.run();
