import { describeError, RemotingTimeoutError } from '../../remoting/errors';
import { LanguageCode } from '../../remoting/language-code';
import { mqKeyedMapJson, type MessageQueue } from '../../remoting/bodies/message-queue';
import { parseLenientJson } from '../../common/lenient-json';
import { versionDesc } from '../../remoting/mq-version';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { createRequest, createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import type { BrokerContext } from '../broker-context';

/**
 * Calls the broker makes to its clients on behalf of an admin tool (Java: Broker2Client and AdminBrokerProcessor's
 * callConsumer): consumer running info and direct consumption are forwarded to one client and its answer returned
 * as it is; offset resets are pushed to every client of a group; consumer status is gathered from them.
 */

/** Clients older than these cannot serve the call (Java: MQVersion.Version.V3_1_8_SNAPSHOT, V3_0_7_SNAPSHOT). */
const V3_1_8_SNAPSHOT = 62;
const V3_0_7_SNAPSHOT = 28;
const CALL_CLIENT_TIMEOUT_MS = 10_000;
const CONSUMER_STATUS_TIMEOUT_MS = 5_000;

/**
 * GET_CONSUMER_RUNNING_INFO and CONSUME_MESSAGE_DIRECTLY: the request goes to the client named by consumerGroup and
 * clientId with the admin's extFields (and `body`), and the client's answer comes back under the admin's opaque.
 */
export async function callConsumer(b: BrokerContext, req: RemotingCommand, group: string, clientId: string, ext: Record<string, string>, body?: Buffer): Promise<RemotingCommand> {
  const channel = b.consumers.get(group)?.findByClientId(clientId);
  if (!channel || !channel.conn.isOpen) return createResponse(req, ResponseCode.SYSTEM_ERROR, `The Consumer <${group}> <${clientId}> not online`);
  if (channel.version < V3_1_8_SNAPSHOT) {
    return createResponse(req, ResponseCode.SYSTEM_ERROR, `The Consumer <${clientId}> Version <${versionDesc(channel.version)}> too low to finish, please upgrade it to V3_1_8_SNAPSHOT`);
  }
  const call = createRequest(req.code, ext, body, req.serializeType);
  try {
    const answer = await channel.conn.invoke(call, CALL_CLIENT_TIMEOUT_MS);
    const res = createResponse(req, answer.code, answer.remark, answer.extFields);
    if (answer.body) res.body = answer.body;
    return res;
  } catch (err) {
    if (err instanceof RemotingTimeoutError) return createResponse(req, ResponseCode.CONSUME_MSG_TIMEOUT, `consumer <${group}> <${clientId}> Timeout: ${describeError(err)}`);
    return createResponse(req, ResponseCode.SYSTEM_ERROR, `invoke consumer <${group}> <${clientId}> Exception: ${describeError(err)}`);
  }
}

/**
 * INVOKE_BROKER_TO_RESET_OFFSET (Java: Broker2Client#resetOffset): the offset of every write queue at `timestamp`
 * (-1: the end), or the committed one when that is smaller and the reset is not forced; RESET_CONSUMER_CLIENT_OFFSET
 * to every client of the group, which apply and commit the offsets themselves. CONSUMER_NOT_ONLINE when the group
 * has no client: mqadmin then falls back to committing offsets itself.
 */
export async function resetOffset(b: BrokerContext, req: RemotingCommand, topic: string, group: string, timestamp: number, isForce: boolean): Promise<RemotingCommand> {
  const tc = b.topics.get(topic);
  if (!tc) return createResponse(req, ResponseCode.SYSTEM_ERROR, `[reset-offset] reset offset failed, no topic in this broker. topic=${topic}`);
  const table: Array<[MessageQueue, number]> = [];
  for (let q = 0; q < tc.writeQueueNums; q++) {
    const consumerOffset = b.offsets.queryOffset(group, topic, q);
    if (consumerOffset === -1) return createResponse(req, ResponseCode.SYSTEM_ERROR, `THe consumer group <${group}> not exist`);
    let target = timestamp === -1 ? b.store.maxOffsetInQueue(topic, q) : await b.store.offsetInQueueByTime(topic, q, timestamp);
    if (target < 0) target = 0;
    table.push([{ topic, brokerName: b.config.brokerName, queueId: q }, isForce || target < consumerOffset ? target : consumerOffset]);
  }
  const resetBody = `{"offsetTable":${mqKeyedMapJson(table.map(([mq, o]) => [mq, String(o)]))}}`;
  // C++ clients read the table as a list (Java: ResetOffsetBodyForC); the admin's answer keeps the map.
  const clientBody =
    req.language === LanguageCode.CPP
      ? JSON.stringify({ offsetTable: table.map(([mq, offset]) => ({ brokerName: mq.brokerName, offset, queueId: mq.queueId, topic: mq.topic })) })
      : resetBody;
  const info = b.consumers.get(group);
  if (!info || info.channels.size === 0) {
    return createResponse(req, ResponseCode.CONSUMER_NOT_ONLINE, `Consumer not online, so can not reset offset, Group: ${group} Topic: ${topic} Timestamp: ${timestamp}`);
  }
  for (const c of info.channels.values()) {
    if (c.version < V3_0_7_SNAPSHOT) return createResponse(req, ResponseCode.SYSTEM_ERROR, `the client does not support this feature. version=${versionDesc(c.version)}`);
    const push = createRequest(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, { topic, group, timestamp: String(timestamp), isForce: 'false' }, Buffer.from(clientBody, 'utf8'), req.serializeType);
    try {
      c.conn.invokeOneway(push);
      b.logger.info('offset reset pushed to a consumer', { group, topic, clientId: c.clientId, resetToMillis: timestamp });
    } catch (err) {
      b.logger.warn('offset reset could not be pushed', { group, topic, clientId: c.clientId, error: describeError(err) });
    }
  }
  const res = createResponse(req, ResponseCode.SUCCESS);
  res.body = Buffer.from(resetBody, 'utf8');
  return res;
}

/**
 * INVOKE_BROKER_TO_RESET_OFFSET with useServerSideResetOffset (RocketMQ 5's default; Java:
 * AdminBrokerProcessor#resetOffsetInner): the broker commits the offsets itself and hands each to the queue's next
 * pull, so the group need not be online. One queue (queueId >= 0, to `offset` when given) or every read queue; a
 * negative timestamp means the end of the queue.
 */
export async function resetOffsetOnServer(b: BrokerContext, req: RemotingCommand, topic: string, group: string, queueId: number, timestamp: number, offset: number | undefined): Promise<RemotingCommand> {
  if (b.storeConfig.brokerRole === 'SLAVE') return createResponse(req, ResponseCode.SYSTEM_ERROR, 'Can not reset offset in slave broker');
  const tc = b.topics.get(topic);
  if (!tc) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `Topic ${topic} does not exist`);
  if (!b.groups.contains(group)) return createResponse(req, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `Group ${group} does not exist`);
  const at = (q: number) => (timestamp < 0 ? b.store.maxOffsetInQueue(topic, q) : b.store.offsetInQueueByTime(topic, q, timestamp));
  const table: Array<[MessageQueue, number]> = [];
  const queues = queueId >= 0 ? [queueId] : Array.from({ length: tc.readQueueNums }, (_, q) => q);
  for (const q of queues) {
    let target: number;
    if (queueId >= 0 && offset !== undefined && offset !== -1) {
      const min = b.store.minOffsetInQueue(topic, q);
      const max = b.store.maxOffsetInQueue(topic, q);
      if ((min >= 0 && offset < min) || offset > max + 1) return createResponse(req, ResponseCode.SYSTEM_ERROR, `Target offset ${offset} not in consume queue range [${min}-${max}]`);
      target = offset;
    } else {
      target = await at(q);
    }
    table.push([{ topic, brokerName: b.config.brokerName, queueId: q }, target]);
  }
  for (const [mq, o] of table) b.offsets.assignResetOffset(group, topic, mq.queueId, o);
  b.logger.info('consumer offsets reset on the broker', { group, topic, queues: table.map(([mq, o]) => `${mq.queueId}:${o}`).join(' ') });
  const res = createResponse(req, ResponseCode.SUCCESS);
  res.body = Buffer.from(`{"offsetTable":${mqKeyedMapJson(table.map(([mq, o]) => [mq, String(o)]))}}`, 'utf8');
  return res;
}

/**
 * INVOKE_BROKER_TO_GET_CONSUMER_STATUS (Java: Broker2Client#getConsumeStatus): GET_CONSUMER_STATUS_FROM_CLIENT to the
 * group's clients (or the one whose client id is `clientAddr`), their queue offsets gathered by client id.
 */
export async function getConsumerStatus(b: BrokerContext, req: RemotingCommand, topic: string, group: string, clientAddr: string | undefined): Promise<RemotingCommand> {
  const info = b.consumers.get(group);
  if (!info || info.channels.size === 0) return createResponse(req, ResponseCode.SYSTEM_ERROR, `No Any Consumer online in the consumer group: [${group}]`);
  const parts: string[] = [];
  for (const c of info.channels.values()) {
    if (c.version < V3_0_7_SNAPSHOT) return createResponse(req, ResponseCode.SYSTEM_ERROR, `the client does not support this feature. version=${versionDesc(c.version)}`);
    const wanted = !clientAddr || clientAddr === c.clientId;
    if (!wanted) continue;
    try {
      const answer = await c.conn.invoke(createRequest(RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT, { topic, group }, undefined, req.serializeType), CONSUMER_STATUS_TIMEOUT_MS);
      if (answer.code === ResponseCode.SUCCESS && answer.body) {
        const table = queueTableOf(answer.body.toString('utf8'));
        if (table !== undefined) parts.push(`${JSON.stringify(c.clientId)}:${table}`);
      }
    } catch (err) {
      b.logger.warn('consumer status not answered', { group, topic, clientId: c.clientId, error: describeError(err) });
    }
    if (clientAddr) break;
  }
  const res = createResponse(req, ResponseCode.SUCCESS);
  res.body = Buffer.from(`{"consumerTable":{${parts.join(',')}},"messageQueueTable":{}}`, 'utf8');
  return res;
}

/** The client's GetConsumerStatusBody.messageQueueTable (MQ-keyed: keys arrive as the queue's JSON text), re-written. */
function queueTableOf(text: string): string | undefined {
  let o: unknown;
  try {
    o = parseLenientJson(text);
  } catch {
    return undefined;
  }
  const t = (o as { messageQueueTable?: unknown } | null)?.messageQueueTable;
  if (!t || typeof t !== 'object') return undefined;
  const entries: Array<[MessageQueue, string]> = [];
  for (const [k, v] of Object.entries(t as Record<string, unknown>)) {
    let mq: { topic?: unknown; brokerName?: unknown; queueId?: unknown };
    try {
      mq = JSON.parse(k) as typeof mq;
    } catch {
      continue;
    }
    entries.push([{ topic: String(mq.topic), brokerName: String(mq.brokerName), queueId: Number(mq.queueId) }, String(Number(v))]);
  }
  return mqKeyedMapJson(entries);
}
