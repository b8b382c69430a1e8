import { decodeSendMessageRequestHeader } from '../../remoting/headers/send-message-request-header';
import { requestCodeNotSupported, type RequestContext, type RequestProcessor } from '../../remoting/processor-table';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { createRequest, createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import { MessageConst, parseProperties } from '../../store/message-properties';
import { PutMessageStatus } from '../../store/put-message-result';
import type { BrokerContext } from '../broker-context';
import { putMessage } from '../message-put';
import { appendProperty, withBrokerProperties } from './send-message';

const REPLY_TO_CLIENT = 'REPLY_TO_CLIENT';
const PUSH_REPLY_TIME = 'PUSH_REPLY_TIME';

/**
 * SEND_REPLY_MESSAGE(_V2) (Java: ReplyMessageProcessor): the reply is pushed at once, as PUSH_REPLY_MESSAGE_TO_CLIENT,
 * to the requester named in REPLY_TO_CLIENT over its own connection, and also stored in the reply topic when
 * storeReplyMessageEnable is set.
 */
export class ReplyMessageProcessor implements RequestProcessor {
  readonly name = 'reply';

  constructor(private readonly b: BrokerContext) {}

  processRequest(ctx: RequestContext, req: RemotingCommand): Promise<RemotingCommand> | RemotingCommand {
    if (req.code !== RequestCode.SEND_REPLY_MESSAGE && req.code !== RequestCode.SEND_REPLY_MESSAGE_V2) return requestCodeNotSupported(req);
    return this.reply(ctx, req);
  }

  private response(req: RemotingCommand, code: number, remark?: string, ext: Record<string, string> = {}): RemotingCommand {
    return createResponse(req, code, remark, { ...ext, MSG_REGION: this.b.config.regionId, TRACE_ON: String(this.b.config.traceOn) });
  }

  private async reply(ctx: RequestContext, req: RemotingCommand): Promise<RemotingCommand> {
    const b = this.b;
    const h = decodeSendMessageRequestHeader(req.code, req.extFields);
    // Java stamps MSG_REGION and TRACE_ON on the reply (pushed and stored) as on any sent message.
    const properties = withBrokerProperties(b, h.properties);
    const props = parseProperties(properties);
    const body = req.body ?? Buffer.alloc(0);
    const senderId = props.get(REPLY_TO_CLIENT);
    const target = senderId ? b.producers.findChannelByClientId(senderId) : undefined;
    if (!target) {
      b.logger.warn('reply for a requester that is not connected', { senderId, topic: h.topic });
      return this.response(req, ResponseCode.SYSTEM_ERROR, `push reply message fail, channel of <${senderId ?? ''}> not found.`);
    }
    const pushProps = appendProperty(properties, PUSH_REPLY_TIME, String(Date.now()));
    const push = createRequest(
      RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT,
      {
        producerGroup: h.producerGroup,
        topic: h.topic,
        defaultTopic: h.defaultTopic,
        defaultTopicQueueNums: String(h.defaultTopicQueueNums),
        queueId: String(h.queueId),
        sysFlag: String(h.sysFlag),
        bornTimestamp: String(h.bornTimestamp),
        flag: String(h.flag),
        properties: pushProps,
        reconsumeTimes: String(h.reconsumeTimes),
        unitMode: String(h.unitMode),
        // Java sends InetSocketAddress#toString(): "/ip:port".
        bornHost: `/${ctx.conn.remoteAddress}`,
        storeHost: `/${b.brokerAddr}`,
        storeTimestamp: String(Date.now()),
      },
      Buffer.from(body),
    );
    try {
      const res = await target.conn.invoke(push, 3000);
      if (res.code !== ResponseCode.SUCCESS) return this.response(req, ResponseCode.SYSTEM_ERROR, `push reply message fail: ${res.remark ?? res.code}`);
    } catch (err) {
      return this.response(req, ResponseCode.SYSTEM_ERROR, `push reply message fail: ${(err as Error).message}`);
    }
    if (!b.config.storeReplyMessageEnable) return this.response(req, ResponseCode.SUCCESS);
    const tc = b.topics.get(h.topic);
    const queueId = tc ? Math.max(0, h.queueId) % Math.max(1, tc.writeQueueNums) : 0;
    if (!tc) b.topics.createTopicIfAbsent(h.topic, 1, 6);
    const r = await putMessage(
      b,
      {
        topic: h.topic,
        queueId,
        flag: h.flag,
        body,
        propertiesString: appendProperty(properties, MessageConst.CLUSTER, b.config.brokerClusterName),
        sysFlag: h.sysFlag,
        bornTimestamp: h.bornTimestamp,
        bornHost: b.storeHost,
        storeHost: b.storeHost,
        reconsumeTimes: h.reconsumeTimes,
        preparedTransactionOffset: 0,
      },
      props,
      false,
    );
    if (r.status !== PutMessageStatus.PUT_OK || !r.appendResult) return this.response(req, ResponseCode.SYSTEM_ERROR, `store reply message failed: ${r.status}`);
    return this.response(req, ResponseCode.SUCCESS, undefined, { msgId: r.appendResult.msgId, queueId: String(queueId), queueOffset: String(r.appendResult.logicsOffset) });
  }
}
