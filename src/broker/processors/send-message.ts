import { PERM_WRITE } from '../../remoting/bodies/route-data';
import { decodeSendMessageRequestHeader, type SendMessageRequestHeader } from '../../remoting/headers/send-message-request-header';
import type { RequestContext, RequestProcessor } from '../../remoting/processor-table';
import { requestCodeNotSupported } from '../../remoting/processor-table';
import { MQVersion } from '../../remoting/mq-version';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { createResponse, isOneway, type RemotingCommand } from '../../remoting/remoting-command';
import { MessageConst, parseProperties } from '../../store/message-properties';
import { PutMessageStatus, type PutMessageResult } from '../../store/put-message-result';
import { encodeSocketAddress, splitHostPort } from '../../store/socket-address';
import type { BrokerContext } from '../broker-context';
import { innerFromStored, putMessage } from '../message-put';
import { messageTypeOf } from '../broker-metrics';
import { dlqTopic, isNotAllowedSendTopic, isRetryTopic, retryTopic, validateTopic } from '../topic-validator';
import { optionalInt, requiredLong, requiredString } from '../../remoting/headers/header-fields';

const FAQ = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';

/**
 * SEND_MESSAGE, SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE (Java: SendMessageProcessor). Every answer, errors included,
 * carries MSG_REGION and TRACE_ON: the Java client reads MSG_REGION without a null check.
 */
export class SendMessageProcessor implements RequestProcessor {
  readonly name = 'send';
  private readonly bornHosts = new Map<string, Buffer>();

  constructor(private readonly b: BrokerContext) {}

  processRequest(ctx: RequestContext, req: RemotingCommand): RemotingCommand | Promise<RemotingCommand | null> | null {
    switch (req.code) {
      case RequestCode.SEND_MESSAGE:
      case RequestCode.SEND_MESSAGE_V2:
      case RequestCode.SEND_BATCH_MESSAGE:
        return this.send(ctx, req);
      case RequestCode.CONSUMER_SEND_MSG_BACK:
        return this.consumerSendMsgBack(req);
      default:
        return requestCodeNotSupported(req);
    }
  }

  /** Adds MSG_REGION and TRACE_ON to `ext` (which the caller hands over) as Java's send responses carry them. */
  private response(req: RemotingCommand, code: number, remark?: string, ext: Record<string, string> = {}): RemotingCommand {
    ext.MSG_REGION = this.b.config.regionId;
    ext.TRACE_ON = this.b.config.traceOn ? 'true' : 'false';
    return createResponse(req, code, remark, ext);
  }

  /** The producer's address as a stored host, cached per connection address (one per producer). */
  private bornHost(remote: string): Buffer {
    let h = this.bornHosts.get(remote);
    if (!h) {
      const { host, port } = splitHostPort(remote);
      h = encodeSocketAddress(host, port);
      if (this.bornHosts.size > 10000) this.bornHosts.clear();
      this.bornHosts.set(remote, h);
    }
    return h;
  }

  /** Java: AbstractSendMessageProcessor#msgCheck. Undefined when the message may go on. */
  private check(ctx: RequestContext, req: RemotingCommand, h: SendMessageRequestHeader): RemotingCommand | { queueId: number } {
    const b = this.b;
    if ((b.config.brokerPermission & PERM_WRITE) === 0 && !isRetryTopic(h.topic)) {
      return this.response(req, ResponseCode.NO_PERMISSION, `the broker[${b.brokerAddr}] sending message is forbidden`);
    }
    const invalid = validateTopic(h.topic, req.version);
    if (invalid) return this.response(req, invalid.code, invalid.remark);
    if (isNotAllowedSendTopic(h.topic)) return this.response(req, ResponseCode.NO_PERMISSION, `Sending message to topic[${h.topic}] is forbidden.`);
    let tc = b.topics.get(h.topic);
    if (!tc) {
      if (isRetryTopic(h.topic)) tc = b.topics.createTopicIfAbsent(h.topic, 1, 6);
      else tc = b.topics.createTopicInSendMessageMethod(h.topic, h.defaultTopic, ctx.conn.remoteAddress, h.defaultTopicQueueNums, h.unitMode ? 1 : 0);
    }
    if (!tc) return this.response(req, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!${FAQ}`);
    if ((tc.perm & PERM_WRITE) === 0) return this.response(req, ResponseCode.NO_PERMISSION, `the topic[${h.topic}] sending message is forbidden`);
    const queues = Math.max(tc.writeQueueNums, tc.readQueueNums);
    let queueId = h.queueId;
    if (queueId >= queues) {
      const code = req.version >= MQVersion.V5_0_0 ? ResponseCode.INVALID_PARAMETER : ResponseCode.SYSTEM_ERROR;
      return this.response(req, code, `request queueId[${queueId}] is illegal, ${JSON.stringify(tc)} Producer: ${ctx.conn.remoteAddress}`);
    }
    if (queueId < 0) queueId = Math.floor(Math.random() * Math.max(1, tc.writeQueueNums));
    return { queueId };
  }

  private async send(ctx: RequestContext, req: RemotingCommand): Promise<RemotingCommand | null> {
    const b = this.b;
    const h = decodeSendMessageRequestHeader(req.code, req.extFields);
    const checked = this.check(ctx, req, h);
    if ('code' in checked) return isOneway(req) ? null : checked;
    let topic = h.topic;
    let queueId = checked.queueId;
    const body = req.body ?? Buffer.alloc(0);
    const batch = req.code === RequestCode.SEND_BATCH_MESSAGE;
    const props = parseProperties(h.properties);
    const reconsumeTimes = h.reconsumeTimes;
    // Java (AbstractSendMessageProcessor#buildMsgContext) stamps every message it is sent with its region and trace
    // switch: a 5.x consumer's trace hook takes the trace record's region from the consumed message's MSG_REGION and
    // drops records without one (AsyncTraceDispatcher), so without them no SubBefore/SubAfter trace is ever written.
    let propertiesString = withBrokerProperties(b, h.properties, props);
    if (isRetryTopic(topic)) {
      if (batch) return this.response(req, ResponseCode.MESSAGE_ILLEGAL, `batch request does not support retry group ${topic}`);
      const group = topic.slice('%RETRY%'.length);
      const sg = b.groups.find(group);
      if (!sg) return this.response(req, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${group}${FAQ}`);
      const max = req.version >= MQVersion.V3_4_9 && h.maxReconsumeTimes !== undefined ? h.maxReconsumeTimes : sg.retryMaxTimes;
      if (reconsumeTimes >= max) {
        topic = dlqTopic(group);
        queueId = 0;
        b.topics.createTopicIfAbsent(topic, 1, 6);
        props.set(MessageConst.DELAY, '-1');
        propertiesString = appendProperty(propertiesString, MessageConst.DELAY, '-1');
        b.logger.info('message moved to the dead letter queue', { group, reconsumeTimes, max });
        b.metrics?.recordDlq(h.producerGroup, h.topic);
      }
    }
    // The broker names its cluster in every message it stores, and gives one without a unique key a key (5.x).
    propertiesString = appendProperty(propertiesString, MessageConst.CLUSTER, b.config.brokerClusterName);
    if (!batch && !props.has(MessageConst.UNIQ_KEY)) {
      const uniq = b.uniqIds.next();
      props.set(MessageConst.UNIQ_KEY, uniq);
      propertiesString = appendProperty(propertiesString, MessageConst.UNIQ_KEY, uniq);
    }
    const wait = props.get(MessageConst.WAIT) !== 'false';
    const bornHost = this.bornHost(ctx.conn.remoteAddress);
    let result: PutMessageResult;
    const putStart = Date.now();
    if (batch) {
      result = await b.store.putMessages(
        { topic, queueId, sysFlag: h.sysFlag, bornTimestamp: h.bornTimestamp, bornHost, storeHost: b.storeHost, reconsumeTimes, body, batchPropertiesString: '' },
        wait,
      );
    } else {
      // A stored message owns its bytes: the body is a view of the request frame, copied once by the store.
      props.set(MessageConst.CLUSTER, b.config.brokerClusterName);
      const inner = {
        topic,
        queueId,
        flag: h.flag,
        body,
        propertiesString,
        sysFlag: h.sysFlag,
        bornTimestamp: h.bornTimestamp,
        bornHost,
        storeHost: b.storeHost,
        reconsumeTimes,
        preparedTransactionOffset: 0,
      };
      const delay = Number.parseInt(props.get(MessageConst.DELAY) ?? '', 10);
      if (props.get(MessageConst.TRAN_MSG) === 'true' && !(reconsumeTimes > 0 && delay > 0)) {
        if (b.config.rejectTransactionMessage) {
          return this.response(req, ResponseCode.NO_PERMISSION, `the broker[${b.config.brokerIP1}] sending transaction message is forbidden`);
        }
        result = await b.transactions.putHalfMessage(inner, props, wait);
      } else {
        result = await putMessage(b, inner, props, wait);
      }
    }
    b.stats.recordPutTime(Date.now() - putStart);
    const a = result.appendResult;
    if (!isSendOk(result.status)) b.stats.putFailedTimes++;
    else if (a) {
      b.statsItems.recordPut(topic, a.msgNum, a.wroteBytes);
      b.metrics?.recordPut(topic, messageTypeOf(props), a.msgNum, a.wroteBytes);
    }
    if (isOneway(req)) return null;
    return this.putResultToResponse(req, result, queueId, props.get(MessageConst.UNIQ_KEY));
  }

  /**
   * CONSUMER_SEND_MSG_BACK (Java: asyncConsumerSendMsgBack): a message the consumer failed goes to %RETRY%<group>
   * through the delay levels (3 + reconsume times unless the client names one), or to %DLQ%<group> once it has
   * been retried maxReconsumeTimes times. The original is found by its CommitLog offset.
   */
  private async consumerSendMsgBack(req: RemotingCommand): Promise<RemotingCommand | null> {
    const b = this.b;
    const ext = req.extFields;
    const group = requiredString(ext, 'group');
    const offset = requiredLong(ext, 'offset');
    let delayLevel = optionalInt(ext, 'delayLevel') ?? 0;
    const sg = b.groups.find(group);
    if (!sg) return createResponse(req, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${group} ${FAQ}`);
    if ((b.config.brokerPermission & PERM_WRITE) === 0) return createResponse(req, ResponseCode.NO_PERMISSION, `the broker[${b.config.brokerIP1}] sending message is forbidden`);
    if (sg.retryQueueNums <= 0) return createResponse(req, ResponseCode.SUCCESS);
    let topic = retryTopic(group);
    let queueId = Math.floor(Math.random() * 99999999) % sg.retryQueueNums;
    const tc = b.topics.createTopicIfAbsent(topic, sg.retryQueueNums, 6);
    if ((tc.perm & PERM_WRITE) === 0) return createResponse(req, ResponseCode.NO_PERMISSION, `the topic[${topic}] sending message is forbidden`);
    const m = await b.store.lookMessageByOffset(offset);
    if (!m) return createResponse(req, ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${offset}`);
    const props = new Map(m.properties);
    if (!props.has(MessageConst.RETRY_TOPIC)) props.set(MessageConst.RETRY_TOPIC, m.topic);
    let maxReconsumeTimes = sg.retryMaxTimes;
    const headerMax = optionalInt(ext, 'maxReconsumeTimes');
    if (req.version >= MQVersion.V3_4_9 && headerMax !== undefined) maxReconsumeTimes = headerMax;
    if (m.reconsumeTimes >= maxReconsumeTimes || delayLevel < 0) {
      topic = dlqTopic(group);
      queueId = 0;
      b.topics.createTopicIfAbsent(topic, 1, 6);
      props.set(MessageConst.DELAY, '0');
      b.logger.info('message sent to the dead letter queue', { group, msgId: m.msgId, reconsumeTimes: m.reconsumeTimes, maxReconsumeTimes });
      b.metrics?.recordDlq(group, m.properties.get(MessageConst.RETRY_TOPIC) ?? m.topic);
    } else {
      if (delayLevel === 0) delayLevel = 3 + m.reconsumeTimes;
      props.set(MessageConst.DELAY, String(delayLevel));
    }
    if (!props.get(MessageConst.ORIGIN_MESSAGE_ID)) props.set(MessageConst.ORIGIN_MESSAGE_ID, m.msgId);
    const r = await putMessage(b, innerFromStored(m, topic, queueId, props, { reconsumeTimes: m.reconsumeTimes + 1 }), props, false);
    if (r.status === PutMessageStatus.PUT_OK) return createResponse(req, ResponseCode.SUCCESS);
    return createResponse(req, ResponseCode.SYSTEM_ERROR, r.status);
  }

  /** Java: handlePutMessageResult. */
  private putResultToResponse(req: RemotingCommand, r: PutMessageResult, queueId: number, uniqKey: string | undefined): RemotingCommand {
    let code: number;
    let remark: string | undefined;
    switch (r.status) {
      case PutMessageStatus.PUT_OK:
        code = ResponseCode.SUCCESS;
        break;
      case PutMessageStatus.FLUSH_DISK_TIMEOUT:
        code = ResponseCode.FLUSH_DISK_TIMEOUT;
        break;
      case PutMessageStatus.FLUSH_SLAVE_TIMEOUT:
        code = ResponseCode.FLUSH_SLAVE_TIMEOUT;
        break;
      case PutMessageStatus.SLAVE_NOT_AVAILABLE:
        code = ResponseCode.SLAVE_NOT_AVAILABLE;
        break;
      case PutMessageStatus.CREATE_MAPEDFILE_FAILED:
        code = ResponseCode.SYSTEM_ERROR;
        remark = 'create mapped file failed, server is busy or broken.';
        break;
      case PutMessageStatus.MESSAGE_ILLEGAL:
      case PutMessageStatus.PROPERTIES_SIZE_EXCEEDED:
        code = ResponseCode.MESSAGE_ILLEGAL;
        remark = `the message is illegal, maybe msg body or properties length not matched. msg body length limit ${this.b.storeConfig.maxMessageSize}, msg properties length limit 32k. (${r.remark ?? ''})`;
        break;
      case PutMessageStatus.SERVICE_NOT_AVAILABLE:
        code = ResponseCode.SERVICE_NOT_AVAILABLE;
        remark = `service not available now. It may be caused by one of the following reasons: the broker's disk is full, messages are put to the slave, message store has been shut down, etc. (${r.remark ?? ''})`;
        break;
      case PutMessageStatus.OS_PAGECACHE_BUSY:
        code = ResponseCode.SYSTEM_BUSY;
        remark = '[PC_SYNCHRONIZED]broker busy, start flow control for a while';
        break;
      default:
        code = ResponseCode.SYSTEM_ERROR;
        remark = `UNKNOWN_ERROR${r.remark ? `: ${r.remark}` : ''}`;
    }
    const a = r.appendResult;
    if (!a) return this.response(req, code, remark);
    if (code === ResponseCode.SUCCESS) {
      this.b.stats.putTotal += a.msgNum;
      this.b.stats.putSizeTotal += a.wroteBytes;
    }
    const ext: Record<string, string> = { msgId: a.msgId, queueId: String(queueId), queueOffset: String(a.logicsOffset) };
    if (uniqKey !== undefined && req.version >= MQVersion.V5_0_0) ext.transactionId = uniqKey;
    return this.response(req, code, remark, ext);
  }
}

/** The put results Java's send processor answers as sent (sendOK), which its metrics count. */
function isSendOk(status: PutMessageStatus): boolean {
  return (
    status === PutMessageStatus.PUT_OK ||
    status === PutMessageStatus.FLUSH_DISK_TIMEOUT ||
    status === PutMessageStatus.FLUSH_SLAVE_TIMEOUT ||
    status === PutMessageStatus.SLAVE_NOT_AVAILABLE
  );
}

/**
 * The MSG_REGION and TRACE_ON properties the broker gives every message it is sent or replied (Java puts them in the
 * request header's properties, replacing the client's): appended to the client's bytes (later keys win), and set in
 * `props` when given.
 */
export function withBrokerProperties(b: BrokerContext, propertiesString: string, props?: Map<string, string>): string {
  const region = b.config.regionId;
  const traceOn = b.config.traceOn ? 'true' : 'false';
  props?.set(MessageConst.MSG_REGION, region);
  props?.set(MessageConst.TRACE_ON, traceOn);
  return appendProperty(appendProperty(propertiesString, MessageConst.MSG_REGION, region), MessageConst.TRACE_ON, traceOn);
}

/** Adds `key=value` to a properties string, keeping the client's bytes as they are. */
export function appendProperty(props: string, key: string, value: string): string {
  const sep = props.length === 0 || props.endsWith('\u0002') ? '' : '\u0002';
  return `${props}${sep}${key}\u0001${value}\u0002`;
}
