import fs from 'node:fs';
import { formatProperties, parseProperties } from '../../common/java-properties';
import { parseLenientJson } from '../../common/lenient-json';
import { PERM_INHERIT, PERM_READ, PERM_WRITE, type TopicConfig } from '../../remoting/bodies/route-data';
import { subscriptionDataJson } from '../../remoting/bodies/heartbeat-data';
import { messageQueueJson, mqKeyedMapJson, type MessageQueue } from '../../remoting/bodies/message-queue';
import { LANGUAGE_NAMES } from '../../remoting/language-code';
import { MQVersion, TSMQ_VERSION, TSMQ_VERSION_DESC } from '../../remoting/mq-version';
import { optionalBool, optionalInt, optionalString, requiredInt, requiredLong, requiredString } from '../../remoting/headers/header-fields';
import { requestCodeNotSupported, type RequestContext, type RequestProcessor } from '../../remoting/processor-table';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import type { BrokerContext } from '../broker-context';
import { toSubscriptionGroupConfig } from '../subscription-group-manager';
import { callConsumer, getConsumerStatus, resetOffset, resetOffsetOnServer } from '../client/broker-to-client';
import { decodeMessageId } from '../../store/message-id';
import { commitLogDir as commitLogDirOf } from '../../store/store-config';
import { javaDoubleString } from '../../common/typed-config';
import { isSystemTopic, TopicValidator, validateTopic } from '../topic-validator';

const json = (req: RemotingCommand, body: string | object, ext?: Record<string, string>): RemotingCommand => {
  const res = createResponse(req, ResponseCode.SUCCESS, undefined, ext);
  res.body = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  return res;
};

/**
 * The admin family and the default processor (Java: AdminBrokerProcessor): topics, groups, offsets by queue,
 * statistics, connections, the broker's config. Codes nobody serves are answered as Java does.
 */
export class AdminBrokerProcessor implements RequestProcessor {
  readonly name = 'admin';

  constructor(private readonly b: BrokerContext) {}

  processRequest(_ctx: RequestContext, req: RemotingCommand): RemotingCommand | Promise<RemotingCommand> {
    const ext = req.extFields;
    const b = this.b;
    switch (req.code) {
      case RequestCode.UPDATE_AND_CREATE_TOPIC:
        return this.updateAndCreateTopic(req);
      case RequestCode.DELETE_TOPIC_IN_BROKER:
        return this.deleteTopic(req);
      case RequestCode.GET_ALL_TOPIC_CONFIG:
        return json(req, { ...b.topics.serializeWrapper(), mappingDataVersion: b.topics.dataVersion.toJSON(), topicQueueMappingDetailMap: {}, topicQueueMappingInfoMap: {} });
      case RequestCode.GET_TOPIC_CONFIG: {
        const topic = requiredString(ext, 'topic');
        const tc = b.topics.get(topic);
        if (!tc) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `No topic in this broker. topic: ${topic}`);
        return json(req, { topicConfig: tc });
      }
      case RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER:
        return json(req, { topicList: [...b.topics.table.keys()].filter(isSystemTopic) });
      case RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP: {
        let c;
        try {
          c = toSubscriptionGroupConfig(req.body ? parseLenientJson(req.body.toString('utf8')) : undefined);
        } catch (err) {
          return createResponse(req, ResponseCode.SYSTEM_ERROR, `bad SubscriptionGroupConfig body: ${(err as Error).message}`);
        }
        if (!c) return createResponse(req, ResponseCode.SYSTEM_ERROR, 'the SubscriptionGroupConfig body names no group');
        b.groups.update(c);
        return createResponse(req, ResponseCode.SUCCESS);
      }
      case RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG:
        return json(req, { dataVersion: b.groups.dataVersion.toJSON(), forbiddenTable: {}, subscriptionGroupTable: Object.fromEntries(b.groups.table) });
      case RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG: {
        const c = b.groups.table.get(requiredString(ext, 'group'));
        if (!c) return createResponse(req, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, 'The subscription group does not exist');
        return json(req, c);
      }
      case RequestCode.DELETE_SUBSCRIPTIONGROUP: {
        const group = requiredString(ext, 'groupName');
        b.groups.delete(group);
        if (optionalBool(ext, 'cleanOffset') || optionalBool(ext, 'removeOffset')) b.offsets.removeGroup(group);
        return createResponse(req, ResponseCode.SUCCESS);
      }
      case RequestCode.GET_MAX_OFFSET:
        return createResponse(req, ResponseCode.SUCCESS, undefined, { offset: String(b.store.maxOffsetInQueue(requiredString(ext, 'topic'), requiredInt(ext, 'queueId'))) });
      case RequestCode.GET_MIN_OFFSET:
        return createResponse(req, ResponseCode.SUCCESS, undefined, { offset: String(b.store.minOffsetInQueue(requiredString(ext, 'topic'), requiredInt(ext, 'queueId'))) });
      case RequestCode.SEARCH_OFFSET_BY_TIMESTAMP:
        return this.searchOffset(req);
      case RequestCode.GET_EARLIEST_MSG_STORETIME:
        return b.store
          .earliestMessageTime(requiredString(ext, 'topic'), requiredInt(ext, 'queueId'))
          .then((t) => createResponse(req, ResponseCode.SUCCESS, undefined, { timestamp: String(t) }));
      case RequestCode.GET_TOPIC_STATS_INFO:
        return this.topicStats(req);
      case RequestCode.GET_BROKER_RUNTIME_INFO:
        return this.runtimeInfo(req);
      case RequestCode.GET_CONSUMER_CONNECTION_LIST:
        return this.consumerConnections(req);
      case RequestCode.GET_PRODUCER_CONNECTION_LIST: {
        const group = requiredString(ext, 'producerGroup');
        const g = b.producers.groups.get(group);
        if (!g) return createResponse(req, ResponseCode.SYSTEM_ERROR, `the producer group[${group}] not exist`);
        return json(req, { connectionSet: [...g.values()].map((c) => connectionJson(c)) });
      }
      case RequestCode.GET_CONSUME_STATS:
        return this.consumeStats(req);
      case RequestCode.QUERY_TOPIC_CONSUME_BY_WHO: {
        const topic = requiredString(ext, 'topic');
        const groups = new Set([...b.consumers.groupsOfTopic(topic), ...b.offsets.groupsOfTopic(topic)]);
        return json(req, { groupList: [...groups] });
      }
      case RequestCode.GET_BROKER_CONFIG:
        return json(req, b.configText(), { version: JSON.stringify(b.topics.dataVersion.toJSON()) });
      case RequestCode.UPDATE_BROKER_CONFIG:
        return this.updateBrokerConfig(req);
      case RequestCode.LOCK_BATCH_MQ:
        return this.lockBatch(req);
      case RequestCode.UNLOCK_BATCH_MQ:
        return this.unlockBatch(req);
      case RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE:
        return b.store.cleanExpiredConsumeQueues().then(() => createResponse(req, ResponseCode.SUCCESS));
      case RequestCode.CLEAN_UNUSED_TOPIC:
        return b.store.cleanUnusedTopics(new Set(b.topics.table.keys())).then(() => createResponse(req, ResponseCode.SUCCESS));
      case RequestCode.GET_CONSUMER_RUNNING_INFO:
        return callConsumer(b, req, requiredString(ext, 'consumerGroup'), requiredString(ext, 'clientId'), { ...ext });
      case RequestCode.CONSUME_MESSAGE_DIRECTLY:
        return this.consumeMessageDirectly(req);
      case RequestCode.INVOKE_BROKER_TO_RESET_OFFSET: {
        const topic = requiredString(ext, 'topic');
        const group = requiredString(ext, 'group');
        const timestamp = requiredLong(ext, 'timestamp');
        if (b.config.useServerSideResetOffset) {
          const offset = optionalString(ext, 'offset');
          return resetOffsetOnServer(b, req, topic, group, optionalInt(ext, 'queueId') ?? -1, timestamp, offset === undefined ? undefined : requiredLong(ext, 'offset'));
        }
        return resetOffset(b, req, topic, group, timestamp, optionalBool(ext, 'isForce') ?? false);
      }
      case RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS:
        return getConsumerStatus(b, req, requiredString(ext, 'topic'), requiredString(ext, 'group'), optionalString(ext, 'clientAddr'));
      case RequestCode.VIEW_BROKER_STATS_DATA: {
        const name = requiredString(ext, 'statsName');
        const key = requiredString(ext, 'statsKey');
        const data = b.statsItems.statsData(name, key);
        if (!data) return createResponse(req, ResponseCode.SYSTEM_ERROR, `The stats <${name}> <${key}> not exist`);
        return json(req, data);
      }
      case RequestCode.GET_BROKER_CONSUME_STATS:
        return this.brokerConsumeStats(req);
      case RequestCode.QUERY_CONSUME_QUEUE:
        return this.queryConsumeQueue(req);
      case RequestCode.GET_ALL_PRODUCER_INFO:
        return json(req, { data: Object.fromEntries([...b.producers.groups].map(([g, m]) => [g, [...m.values()].map(producerInfoJson)])) });
      case RequestCode.DELETE_EXPIRED_COMMITLOG:
        return b.store.cleanFiles(true).then(() => createResponse(req, ResponseCode.SUCCESS));
      default:
        return requestCodeNotSupported(req);
    }
  }

  private lockBody(req: RemotingCommand): { clientId: string; consumerGroup: string; mqSet: MessageQueue[] } {
    const o = (req.body ? parseLenientJson(req.body.toString('utf8')) : {}) as { clientId?: string; consumerGroup?: string; mqSet?: Array<Record<string, unknown>> };
    return {
      clientId: String(o.clientId ?? ''),
      consumerGroup: String(o.consumerGroup ?? ''),
      mqSet: (o.mqSet ?? []).map((m) => ({ topic: String(m.topic), brokerName: String(m.brokerName), queueId: Number(m.queueId) })),
    };
  }

  /** LOCK_BATCH_MQ (Java: lockBatchMQ): the answer lists the queues this client now holds. */
  private lockBatch(req: RemotingCommand): RemotingCommand {
    const body = this.lockBody(req);
    const ok = this.b.locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId);
    return json(req, `{"lockOKMQSet":[${ok.map(messageQueueJson).join(',')}]}`);
  }

  private unlockBatch(req: RemotingCommand): RemotingCommand {
    const body = this.lockBody(req);
    this.b.locks.unlockBatch(body.consumerGroup, body.mqSet, body.clientId);
    return createResponse(req, ResponseCode.SUCCESS);
  }

  private updateAndCreateTopic(req: RemotingCommand): RemotingCommand {
    const ext = req.extFields;
    const topic = requiredString(ext, 'topic');
    const invalid = validateTopic(topic, req.version);
    if (invalid) return createResponse(req, invalid.code, invalid.remark);
    if (this.b.config.validateSystemTopicWhenUpdateTopic && isSystemTopic(topic)) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, `The topic[${topic}] is conflict with system topic.`);
    }
    const topicFilterType = (optionalString(ext, 'topicFilterType') ?? 'SINGLE_TAG').toUpperCase();
    if (topicFilterType !== 'SINGLE_TAG' && topicFilterType !== 'MULTI_TAG') {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, `topicFilterType = [${topicFilterType}] value invalid`);
    }
    const old = this.b.topics.get(topic);
    const attributes: Record<string, string> = { ...(old?.attributes ?? {}) };
    for (const kv of (optionalString(ext, 'attributes') ?? '').split(',').filter(Boolean)) {
      const [k, v] = kv.split('=');
      if (!k) continue;
      if (k.startsWith('+')) attributes[k.slice(1)] = v ?? '';
      else if (k.startsWith('-')) delete attributes[k.slice(1)];
    }
    const tc: TopicConfig = {
      topicName: topic,
      readQueueNums: requiredInt(ext, 'readQueueNums'),
      writeQueueNums: requiredInt(ext, 'writeQueueNums'),
      perm: optionalInt(ext, 'perm') ?? PERM_READ | PERM_WRITE,
      topicFilterType,
      topicSysFlag: optionalInt(ext, 'topicSysFlag') ?? 0,
      order: optionalBool(ext, 'order') ?? false,
      attributes,
    };
    this.b.topics.updateTopicConfig(tc);
    return createResponse(req, ResponseCode.SUCCESS);
  }

  private async deleteTopic(req: RemotingCommand): Promise<RemotingCommand> {
    const topic = requiredString(req.extFields, 'topic');
    if (isSystemTopic(topic) && topic !== TopicValidator.RMQ_SYS_BENCHMARK_TOPIC) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, `The topic[${topic}] is conflict with system topic.`);
    }
    this.b.topics.deleteTopicConfig(topic);
    this.b.offsets.removeTopic(topic);
    await this.b.store.deleteTopics([topic]);
    return createResponse(req, ResponseCode.SUCCESS);
  }

  private async searchOffset(req: RemotingCommand): Promise<RemotingCommand> {
    const ext = req.extFields;
    const topic = optionalString(ext, 'topic') ?? requiredString(ext, 'Topic');
    const queueId = optionalInt(ext, 'queueId') ?? requiredInt(ext, 'QueueId');
    const timestamp = requiredLong(ext, 'timestamp');
    // RocketMQ 5 clients may name the boundary (BoundaryType, sent by its name); older ones mean LOWER
    const boundary = optionalString(ext, 'boundaryType')?.toLowerCase() === 'upper' ? 'upper' : 'lower';
    const offset = await this.b.store.offsetInQueueByTime(topic, queueId, timestamp, boundary);
    return createResponse(req, ResponseCode.SUCCESS, undefined, { offset: String(offset) });
  }

  private async topicStats(req: RemotingCommand): Promise<RemotingCommand> {
    const topic = requiredString(req.extFields, 'topic');
    const tc = this.b.topics.get(topic);
    if (!tc) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
    const entries: Array<[MessageQueue, string]> = [];
    for (let q = 0; q < Math.max(tc.readQueueNums, tc.writeQueueNums); q++) {
      const max = this.b.store.maxOffsetInQueue(topic, q);
      const min = this.b.store.minOffsetInQueue(topic, q);
      const last = max > 0 ? await this.b.store.messageStoreTimestamp(topic, q, max - 1) : 0;
      entries.push([{ topic, brokerName: this.b.config.brokerName, queueId: q }, `{"lastUpdateTimestamp":${Math.max(0, last)},"maxOffset":${max},"minOffset":${min}}`]);
    }
    const tps = req.version >= MQVersion.V5_0_0 ? ',"topicPutTps":0.0' : '';
    return json(req, `{"offsetTable":${mqKeyedMapJson(entries)}${tps}}`);
  }

  private async runtimeInfo(req: RemotingCommand): Promise<RemotingCommand> {
    const b = this.b;
    const s = b.stats;
    const uptime = Date.now() - b.bootTimestamp;
    const days = Math.floor(uptime / 86400000);
    const hours = Math.floor((uptime % 86400000) / 3600000);
    const minutes = Math.floor((uptime % 3600000) / 60000);
    const seconds = Math.floor((uptime % 60000) / 1000);
    const commitLogDir = commitLogDirOf(b.storeConfig);
    let ratio = -1;
    try {
      ratio = await b.store.diskUsage(b.storeConfig.storePathRootDir);
    } catch {
      ratio = -1;
    }
    const table: Record<string, string> = {
      brokerVersionDesc: TSMQ_VERSION_DESC,
      brokerVersion: String(TSMQ_VERSION),
      brokerActive: 'true',
      msgPutTotalYesterdayMorning: String(s.putTotalYesterdayMorning),
      msgPutTotalTodayMorning: String(s.putTotalTodayMorning),
      msgPutTotalTodayNow: String(s.putTotal),
      msgGetTotalYesterdayMorning: String(s.getTotalYesterdayMorning),
      msgGetTotalTodayMorning: String(s.getTotalTodayMorning),
      msgGetTotalTodayNow: String(s.getTotal),
      putTps: s.tps('put'),
      getFoundTps: s.tps('found'),
      getMissTps: s.tps('miss'),
      getTotalTps: s.tps('pulls'),
      getTransferredTps: s.tps('get'),
      // Java counts one put when there was none, so the average divides by at least 1
      putMessageTimesTotal: String(Math.max(1, s.putTotal)),
      putMessageSizeTotal: String(s.putSizeTotal),
      putMessageFailedTimes: String(s.putFailedTimes),
      putMessageAverageSize: javaDouble(s.putSizeTotal / Math.max(1, s.putTotal)),
      putMessageEntireTimeMax: String(s.putMessageEntireTimeMax),
      putMessageDistributeTime: s.putDistribution(),
      putLatency99: s.putLatencyPx(0.99).toFixed(2),
      putLatency999: s.putLatencyPx(0.999).toFixed(2),
      getMessageEntireTimeMax: String(s.getMessageEntireTimeMax),
      dispatchMaxBuffer: '0',
      // One event loop, no thread-pool queues: nothing ever waits in one.
      sendThreadPoolQueueSize: '0',
      sendThreadPoolQueueCapacity: String(b.config.sendThreadPoolQueueCapacity),
      pullThreadPoolQueueSize: '0',
      pullThreadPoolQueueCapacity: String(b.config.pullThreadPoolQueueCapacity),
      litePullThreadPoolQueueSize: '0',
      litePullThreadPoolQueueCapacity: String(b.config.litePullThreadPoolQueueCapacity),
      queryThreadPoolQueueSize: '0',
      queryThreadPoolQueueCapacity: String(b.config.queryThreadPoolQueueCapacity),
      ackThreadPoolQueueSize: '0',
      ackThreadPoolQueueCapacity: String(b.config.ackThreadPoolQueueCapacity),
      EndTransactionQueueSize: '0',
      EndTransactionThreadPoolQueueCapacity: String(b.config.endTransactionPoolQueueCapacity),
      sendThreadPoolQueueHeadWaitTimeMills: '0',
      pullThreadPoolQueueHeadWaitTimeMills: '0',
      litePullThreadPoolQueueHeadWaitTimeMills: '0',
      queryThreadPoolQueueHeadWaitTimeMills: '0',
      ackThreadPoolQueueHeadWaitTimeMills: '0',
      pageCacheLockTimeMills: '0',
      earliestMessageTimeStamp: String(await b.store.earliestStoreTime()),
      commitLogDiskRatio: String(ratio),
      // 5.x also gives the ratio per commit-log directory (storePathCommitLog may list several)
      [`commitLogDiskRatio_${commitLogDir}`]: String(ratio),
      consumeQueueDiskRatio: String(ratio),
      commitLogDirCapacity: dirCapacity(commitLogDir),
      commitLogMinOffset: String(b.store.minPhyOffset),
      commitLogMaxOffset: String(b.store.maxPhyOffset),
      dispatchBehindBytes: String(b.store.dispatchBehindBytes),
      bootTimestamp: String(b.bootTimestamp),
      runtime: `[ ${days} days, ${hours} hours, ${minutes} minutes, ${seconds} seconds ]`,
      startAcceptSendRequestTimeStamp: String(b.config.startAcceptSendRequestTimeStamp),
      // Java's count without a transient store pool (tsmq has none) is Integer.MAX_VALUE
      remainTransientStoreBufferNumbs: '2147483647',
      remainHowManyDataToFlush: humanReadableBytes(b.store.flushBehindBytes),
      timerReadBehind: '0',
      timerOffsetBehind: '0',
      timerCongestNum: '0',
      timerEnqueueTps: '0.0',
      timerDequeueTps: '0.0',
    };
    // RocketMQ 4.x spelled the transferred rate with one r; its clusterList reads that key and fails without it
    if (req.version < MQVersion.V5_0_0) table.getTransferedTps = table.getTransferredTps!;
    return json(req, { table });
  }

  private consumerConnections(req: RemotingCommand): RemotingCommand {
    const group = requiredString(req.extFields, 'consumerGroup');
    const info = this.b.consumers.get(group);
    if (!info) return createResponse(req, ResponseCode.CONSUMER_NOT_ONLINE, `the consumer group[${group}] not online`);
    const subscriptionTable = Object.fromEntries([...info.subscriptions].map(([t, s]) => [t, subscriptionDataJson(s)]));
    return json(req, {
      connectionSet: [...info.channels.values()].map((c) => connectionJson(c)),
      consumeFromWhere: info.consumeFromWhere,
      consumeType: info.consumeType,
      messageModel: info.messageModel,
      subscriptionTable,
    });
  }

  private async consumeStats(req: RemotingCommand): Promise<RemotingCommand> {
    const b = this.b;
    const group = requiredString(req.extFields, 'consumerGroup');
    const onlyTopic = optionalString(req.extFields, 'topic');
    const topics = onlyTopic ? [onlyTopic] : [...new Set([...b.offsets.topicsOfGroup(group), ...(b.consumers.get(group) ? [...b.consumers.get(group)!.subscriptions.keys()] : [])])];
    const entries: Array<[MessageQueue, string]> = [];
    let consumeTps = 0;
    for (const topic of topics) {
      const tc = b.topics.get(topic);
      if (!tc) continue;
      consumeTps += b.statsItems.minuteTps('GROUP_GET_NUMS', `${topic}@${group}`);
      if (!onlyTopic && b.consumers.get(group) && !b.consumers.get(group)!.subscriptions.has(topic) && b.offsets.queryOffset(group, topic, 0) < 0) continue;
      for (let q = 0; q < tc.readQueueNums; q++) {
        const brokerOffset = Math.max(0, b.store.maxOffsetInQueue(topic, q));
        const consumerOffset = Math.max(0, b.offsets.queryOffset(group, topic, q));
        const pullOffset = Math.max(consumerOffset, b.offsets.queryPullOffset(group, topic, q));
        const last = consumerOffset > 0 ? Math.max(0, await b.store.messageStoreTimestamp(topic, q, consumerOffset - 1)) : 0;
        entries.push([{ topic, brokerName: b.config.brokerName, queueId: q }, `{"brokerOffset":${brokerOffset},"consumerOffset":${consumerOffset},"lastTimestamp":${last},"pullOffset":${pullOffset}}`]);
      }
    }
    return json(req, `{"consumeTps":${javaDouble(consumeTps)},"offsetTable":${mqKeyedMapJson(entries)}}`);
  }

  /** CONSUME_MESSAGE_DIRECTLY: the stored record named by an offset message id goes to one client to consume. */
  private async consumeMessageDirectly(req: RemotingCommand): Promise<RemotingCommand> {
    const ext = req.extFields;
    const group = requiredString(ext, 'consumerGroup');
    const clientId = optionalString(ext, 'clientId') ?? '';
    const msgId = requiredString(ext, 'msgId');
    let offset: number;
    try {
      offset = decodeMessageId(msgId).commitLogOffset;
    } catch (err) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, `bad msgId ${msgId}: ${(err as Error).message}`);
    }
    const record = await this.b.store.selectOneMessageByOffset(offset);
    if (!record) return createResponse(req, ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${offset}`);
    return callConsumer(this.b, req, group, clientId, { ...ext, brokerName: this.b.config.brokerName }, record);
  }

  /**
   * GET_BROKER_CONSUME_STATS (Java: fetchAllConsumeStatsInBroker): every subscription group's committed topics, per
   * write queue, with the group's pull rate over the last minute.
   */
  private async brokerConsumeStats(req: RemotingCommand): Promise<RemotingCommand> {
    const b = this.b;
    const isOrder = optionalBool(req.extFields, 'isOrder') ?? false;
    const groups: string[] = [];
    let totalDiff = 0;
    for (const group of b.groups.table.keys()) {
      const stats: string[] = [];
      const online = b.consumers.get(group);
      for (const topic of b.offsets.topicsOfGroup(group)) {
        const tc = b.topics.get(topic);
        if (!tc || (isOrder && !tc.order)) continue;
        if (online && online.subscriptions.size > 0 && !online.subscriptions.has(topic)) continue;
        const entries: Array<[MessageQueue, string]> = [];
        for (let q = 0; q < tc.writeQueueNums; q++) {
          const brokerOffset = Math.max(0, b.store.maxOffsetInQueue(topic, q));
          const consumerOffset = Math.max(0, b.offsets.queryOffset(group, topic, q));
          const last = consumerOffset > 0 ? Math.max(0, await b.store.messageStoreTimestamp(topic, q, consumerOffset - 1)) : 0;
          totalDiff += brokerOffset - consumerOffset;
          entries.push([{ topic, brokerName: b.config.brokerName, queueId: q }, `{"brokerOffset":${brokerOffset},"consumerOffset":${consumerOffset},"lastTimestamp":${last}}`]);
        }
        const tps = b.statsItems.minuteTps('GROUP_GET_NUMS', `${topic}@${group}`);
        stats.push(`{"consumeTps":${javaDouble(tps)},"offsetTable":${mqKeyedMapJson(entries)}}`);
      }
      groups.push(`{${JSON.stringify(group)}:[${stats.join(',')}]}`);
    }
    return json(req, `{"brokerAddr":${JSON.stringify(b.brokerAddr)},"consumeStatsList":[${groups.join(',')}],"totalDiff":${totalDiff}}`);
  }

  /** QUERY_CONSUME_QUEUE (Java: queryConsumeQueue): raw ConsumeQueue units from an index, for mqadmin queryCq. */
  private async queryConsumeQueue(req: RemotingCommand): Promise<RemotingCommand> {
    const b = this.b;
    const ext = req.extFields;
    const topic = requiredString(ext, 'topic');
    const queueId = requiredInt(ext, 'queueId');
    const index = requiredLong(ext, 'index');
    const count = requiredInt(ext, 'count');
    const group = optionalString(ext, 'consumerGroup');
    const cq = b.store.consumeQueues.find(topic, queueId);
    if (!cq) return createResponse(req, ResponseCode.SYSTEM_ERROR, `${queueId}@${topic} is not exist!`);
    const body: Record<string, unknown> = { maxQueueIndex: cq.maxOffsetInQueue, minQueueIndex: cq.minOffsetInQueue };
    if (group !== undefined) {
      const sub = b.consumers.get(group)?.subscriptions.get(topic);
      if (!sub) body.filterData = `${group}@${topic} is not online!`;
      else {
        body.subscriptionData = subscriptionDataJson(sub);
        body.filterData = 'null';
      }
    }
    if (index < cq.minOffsetInQueue || index >= cq.maxOffsetInQueue) {
      return createResponse(req, ResponseCode.SUCCESS, `Index ${index} of ${queueId}@${topic} is not exist!`);
    }
    const units: Array<Record<string, unknown>> = [];
    for (let i = index; i < cq.maxOffsetInQueue && units.length < count; i++) {
      const u = await cq.getUnit(i);
      if (!u) break;
      units.push({ eval: false, physicOffset: u[0], physicSize: u[1], tagsCode: u[2] });
    }
    body.queueData = units;
    return json(req, body);
  }

  private async updateBrokerConfig(req: RemotingCommand): Promise<RemotingCommand> {
    if (!req.body) return createResponse(req, ResponseCode.SUCCESS);
    const props = parseProperties(req.body.toString('utf8'));
    const black = this.b.config.configBlackList.split(';').map((s) => s.trim()).filter(Boolean);
    if (black.some((k) => props.has(k))) return createResponse(req, ResponseCode.NO_PERMISSION, 'Can not update config in black list.');
    await this.b.updateConfig(props, 'UPDATE_BROKER_CONFIG');
    return createResponse(req, ResponseCode.SUCCESS);
  }
}

/** A double as fastjson writes one: always with a fraction (0.0, 12.5). */
function javaDouble(v: number): string {
  return Number.isFinite(v) ? javaDoubleString(v) : 'null';
}

/** Java MixAll.humanReadableByteCount(bytes, false): "512 B", "1.5 KiB", "3.0 MiB". */
export function humanReadableBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const exp = Math.min(6, Math.floor(Math.log(bytes) / Math.log(1024)));
  return `${(bytes / 1024 ** exp).toFixed(1)} ${'KMGTPE'[exp - 1]}iB`;
}

/** Java: "Total : <h>, Free : <h>." of the store's file system. */
function dirCapacity(dir: string): string {
  try {
    const s = fs.statfsSync(dir);
    // Java's File#getFreeSpace: every free block, the root-reserved ones included
    return `Total : ${humanReadableBytes(s.blocks * s.bsize)}, Free : ${humanReadableBytes(s.bfree * s.bsize)}.`;
  } catch {
    return 'Total : 0 B, Free : 0 B.';
  }
}

/** Java ProducerInfo: remoteIP is the channel's address as Java prints it, with a leading "/". */
function producerInfoJson(c: { conn: { remoteAddress: string }; clientId: string; language: number; version: number; lastUpdateTimestamp: number }): Record<string, unknown> {
  return { clientId: c.clientId, language: LANGUAGE_NAMES[c.language] ?? 'OTHER', lastUpdateTimestamp: c.lastUpdateTimestamp, remoteIP: `/${c.conn.remoteAddress}`, version: c.version };
}

function connectionJson(c: { conn: { remoteAddress: string }; clientId: string; language: number; version: number }): Record<string, unknown> {
  return { clientAddr: c.conn.remoteAddress, clientId: c.clientId, language: LANGUAGE_NAMES[c.language] ?? 'OTHER', version: c.version };
}

export { formatProperties, PERM_INHERIT };
