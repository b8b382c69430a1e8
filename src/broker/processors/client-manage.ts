import { decodeHeartbeatData } from '../../remoting/bodies/heartbeat-data';
import { optionalString, requiredString } from '../../remoting/headers/header-fields';
import { requestCodeNotSupported, type RequestContext, type RequestProcessor } from '../../remoting/processor-table';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import { parseLenientJson } from '../../common/lenient-json';
import type { BrokerContext } from '../broker-context';
import { compileSql92 } from '../filter/sql92';
import { retryTopic } from '../topic-validator';

/** HEART_BEAT, UNREGISTER_CLIENT, CHECK_CLIENT_CONFIG (Java: ClientManageProcessor). */
export class ClientManageProcessor implements RequestProcessor {
  readonly name = 'client-manage';

  constructor(private readonly b: BrokerContext) {}

  processRequest(ctx: RequestContext, req: RemotingCommand): RemotingCommand {
    switch (req.code) {
      case RequestCode.HEART_BEAT:
        return this.heartBeat(ctx, req);
      case RequestCode.UNREGISTER_CLIENT:
        return this.unregisterClient(ctx, req);
      case RequestCode.CHECK_CLIENT_CONFIG:
        return this.checkClientConfig(req);
      default:
        return requestCodeNotSupported(req);
    }
  }

  private heartBeat(ctx: RequestContext, req: RemotingCommand): RemotingCommand {
    const b = this.b;
    let hb;
    try {
      hb = decodeHeartbeatData(req.body);
    } catch (err) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, `bad heartbeat body: ${(err as Error).message}`);
    }
    const now = Date.now();
    const channel = { conn: ctx.conn, clientId: hb.clientID, language: req.language, version: req.version, lastUpdateTimestamp: now };
    for (const c of hb.consumerDataSet) {
      if (!c.groupName) continue;
      const sg = b.groups.find(c.groupName);
      if (sg && sg.retryQueueNums > 0) b.topics.createTopicIfAbsent(retryTopic(c.groupName), sg.retryQueueNums, 6);
      b.consumers.register(c.groupName, { ...channel }, c.consumeType, c.messageModel, c.consumeFromWhere, c.subscriptionDataSet, hb.withoutSub);
    }
    for (const p of hb.producerDataSet) if (p.groupName) b.producers.register(p.groupName, { ...channel });
    return createResponse(req, ResponseCode.SUCCESS);
  }

  private unregisterClient(ctx: RequestContext, req: RemotingCommand): RemotingCommand {
    requiredString(req.extFields, 'clientID');
    const producerGroup = optionalString(req.extFields, 'producerGroup');
    const consumerGroup = optionalString(req.extFields, 'consumerGroup');
    if (producerGroup) this.b.producers.unregister(producerGroup, ctx.conn);
    if (consumerGroup) this.b.consumers.unregister(consumerGroup, ctx.conn);
    return createResponse(req, ResponseCode.SUCCESS);
  }

  /** Only SQL92 subscriptions are checked by clients; TAG expressions always pass. */
  private checkClientConfig(req: RemotingCommand): RemotingCommand {
    let body: { subscriptionData?: { expressionType?: string; subString?: string } } = {};
    try {
      body = (req.body ? parseLenientJson(req.body.toString('utf8')) : {}) as typeof body;
    } catch {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, 'bad CheckClientRequestBody');
    }
    const type = (body.subscriptionData?.expressionType ?? 'TAG').toUpperCase();
    if (type === 'TAG') return createResponse(req, ResponseCode.SUCCESS);
    if (!this.b.config.enablePropertyFilter) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, `The broker does not support consumer to filter message by ${type}`);
    }
    if (type !== 'SQL92') return createResponse(req, ResponseCode.SUBSCRIPTION_PARSE_FAILED, `Not supported expression type: ${type}`);
    try {
      compileSql92(body.subscriptionData?.subString ?? '');
    } catch (err) {
      return createResponse(req, ResponseCode.SUBSCRIPTION_PARSE_FAILED, (err as Error).message);
    }
    return createResponse(req, ResponseCode.SUCCESS);
  }
}
