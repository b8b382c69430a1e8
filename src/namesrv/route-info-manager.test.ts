import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configureLogging, getLogger } from '../common/logger';
import { encodeTopicRouteData, type TopicConfig } from '../remoting/bodies/route-data';
import { BROKER_CHANNEL_EXPIRED_MS, RouteInfoManager, type RegisterBrokerInput } from './route-info-manager';

configureLogging({ level: process.env.TSMQ_LOG_LEVEL ?? 'error' });

function topic(name: string, queues = 4, perm = 6): TopicConfig {
  return { topicName: name, readQueueNums: queues, writeQueueNums: queues, perm, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
}

function reg(over: Partial<RegisterBrokerInput> = {}): RegisterBrokerInput {
  return {
    clusterName: 'DefaultCluster',
    brokerAddr: '10.0.0.1:10911',
    brokerName: 'broker-a',
    brokerId: 0,
    haServerAddr: '10.0.0.1:10912',
    dataVersion: { counter: 1, timestamp: 1000 },
    topicConfigTable: new Map([['TopicTest', topic('TopicTest')]]),
    filterServerList: [],
    conn: undefined,
    ...over,
  };
}

function manager(clock: { now: number }) {
  return new RouteInfoManager(getLogger('test'), () => clock.now);
}

test('a registered master\'s topics route to it, in the JSON form clients read', () => {
  const r = manager({ now: 0 });
  r.registerBroker(reg());
  const route = r.pickupTopicRouteData('TopicTest')!;
  assert.is(
    encodeTopicRouteData(route),
    '{"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],' +
      '"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}',
  );
  assert.is(r.pickupTopicRouteData('Nope'), undefined);
});

test('topic config changes are taken only when the data version changes', () => {
  const r = manager({ now: 0 });
  r.registerBroker(reg());
  r.registerBroker(reg({ topicConfigTable: new Map([['TopicTest', topic('TopicTest', 8)]]) }));
  assert.is(r.pickupTopicRouteData('TopicTest')!.queueDatas[0]!.readQueueNums, 4, 'same version: unchanged');
  r.registerBroker(reg({ dataVersion: { counter: 2, timestamp: 1000 }, topicConfigTable: new Map([['TopicTest', topic('TopicTest', 8)]]) }));
  assert.is(r.pickupTopicRouteData('TopicTest')!.queueDatas[0]!.readQueueNums, 8);
});

test('a slave learns its master\'s address and HA address; a slave does not change topics', () => {
  const r = manager({ now: 0 });
  r.registerBroker(reg());
  const res = r.registerBroker(reg({ brokerId: 1, brokerAddr: '10.0.0.2:10911', topicConfigTable: new Map([['Other', topic('Other')]]) }));
  assert.equal(res, { masterAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:10912' });
  assert.is(r.pickupTopicRouteData('Other'), undefined);
  assert.equal([...r.brokerAddrTable.get('broker-a')!.brokerAddrs.keys()], [0, 1]);
});

test('a broker silent for 120 s leaves the routes; one that keeps registering stays', () => {
  const clock = { now: 0 };
  const r = manager(clock);
  r.registerBroker(reg());
  r.registerBroker(reg({ brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911' }));
  clock.now = BROKER_CHANNEL_EXPIRED_MS - 1000;
  r.registerBroker(reg({ brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911' }));
  clock.now = BROKER_CHANNEL_EXPIRED_MS + 1;
  assert.is(r.scanNotActiveBroker(), 1);
  const route = r.pickupTopicRouteData('TopicTest')!;
  assert.equal(route.brokerDatas.map((b) => b.brokerName), ['broker-b']);
  assert.equal(route.queueDatas.map((q) => q.brokerName), ['broker-b']);
  clock.now = 2 * BROKER_CHANNEL_EXPIRED_MS;
  r.scanNotActiveBroker();
  assert.is(r.pickupTopicRouteData('TopicTest'), undefined);
  assert.is(r.clusterAddrTable.size, 0);
});

test('a 5.x heartbeatTimeoutMillis replaces the 120 s window', () => {
  const clock = { now: 0 };
  const r = manager(clock);
  r.registerBroker(reg({ heartbeatTimeoutMs: 10_000 }));
  clock.now = 10_001;
  assert.is(r.scanNotActiveBroker(), 1);
});

test('unregister removes the broker, its cluster entry and the topics only it served', () => {
  const r = manager({ now: 0 });
  r.registerBroker(reg());
  r.unregisterBroker('DefaultCluster', '10.0.0.1:10911', 'broker-a', 0);
  assert.is(r.pickupTopicRouteData('TopicTest'), undefined);
  assert.is(r.brokerAddrTable.size, 0);
  assert.is(r.clusterAddrTable.size, 0);
});

test('topic lists, system topics, delete by cluster, write permission', () => {
  const r = manager({ now: 0 });
  r.registerBroker(reg({ topicConfigTable: new Map([['A', topic('A')], ['B', { ...topic('B'), topicSysFlag: 1 }]]) }));
  r.registerBroker(reg({ clusterName: 'Other', brokerName: 'broker-x', brokerAddr: '10.0.0.9:10911', topicConfigTable: new Map([['A', topic('A')]]) }));
  assert.equal(r.allTopics().sort(), ['A', 'B']);
  assert.equal(r.topicsByCluster('Other'), ['A']);
  assert.equal(r.unitTopics(), ['B']);
  const sys = r.systemTopicList();
  assert.equal(sys.topics, ['DefaultCluster', 'broker-a', 'Other', 'broker-x']);
  assert.is(sys.brokerAddr, '10.0.0.1:10911');
  assert.is(r.wipeWritePerm('broker-a'), 2);
  assert.is(r.pickupTopicRouteData('A')!.queueDatas.find((q) => q.brokerName === 'broker-a')!.perm, 4);
  assert.is(r.addWritePerm('broker-a'), 2);
  assert.is(r.pickupTopicRouteData('A')!.queueDatas.find((q) => q.brokerName === 'broker-a')!.perm, 6);
  r.deleteTopic('A', 'Other');
  assert.equal(r.pickupTopicRouteData('A')!.queueDatas.map((q) => q.brokerName), ['broker-a']);
  r.deleteTopic('A');
  assert.is(r.pickupTopicRouteData('A'), undefined);
});

test.run();
