import { optionalBool, requiredInt, requiredLong, requiredString } from '../../remoting/headers/header-fields';
import { requestCodeNotSupported, type RequestContext, type RequestProcessor } from '../../remoting/processor-table';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import type { BrokerContext } from '../broker-context';

/** GET_CONSUMER_LIST_BY_GROUP, UPDATE_CONSUMER_OFFSET, QUERY_CONSUMER_OFFSET (Java: ConsumerManageProcessor). */
export class ConsumerManageProcessor implements RequestProcessor {
  readonly name = 'consumer-manage';

  constructor(private readonly b: BrokerContext) {}

  processRequest(_ctx: RequestContext, req: RemotingCommand): RemotingCommand {
    const ext = req.extFields;
    switch (req.code) {
      case RequestCode.GET_CONSUMER_LIST_BY_GROUP: {
        const group = requiredString(ext, 'consumerGroup');
        const info = this.b.consumers.get(group);
        const ids = info?.clientIds() ?? [];
        if (ids.length === 0) return createResponse(req, ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${group}`);
        const res = createResponse(req, ResponseCode.SUCCESS);
        res.body = Buffer.from(JSON.stringify({ consumerIdList: ids }), 'utf8');
        return res;
      }
      case RequestCode.UPDATE_CONSUMER_OFFSET: {
        const group = requiredString(ext, 'consumerGroup');
        const topic = requiredString(ext, 'topic');
        const queueId = requiredInt(ext, 'queueId');
        const offset = requiredLong(ext, 'commitOffset');
        // 5.x stores offsets only for known groups and topics (mqadmin cloneGroupOffset to a new group fails so)
        if (!this.b.groups.contains(group)) return createResponse(req, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `Group ${group} not exist!`);
        if (!this.b.topics.get(topic)) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `Topic ${topic} not exist!`);
        // a reset on the server side wins over the client's older commits until the queue's next pull takes it
        if (this.b.config.useServerSideResetOffset && this.b.offsets.hasOffsetReset(group, topic, queueId)) {
          return createResponse(req, ResponseCode.SUCCESS, 'Offset has been previously reset');
        }
        this.b.offsets.commitOffset(group, topic, queueId, offset);
        return createResponse(req, ResponseCode.SUCCESS);
      }
      case RequestCode.QUERY_CONSUMER_OFFSET:
        return this.queryConsumerOffset(req);
      default:
        return requestCodeNotSupported(req);
    }
  }

  /**
   * A stored offset, else 0 for a queue that still holds its first message (so a new group on a young topic starts
   * at the beginning, as Java's broker arranges), else QUERY_NOT_FOUND.
   */
  private queryConsumerOffset(req: RemotingCommand): RemotingCommand {
    const ext = req.extFields;
    const group = requiredString(ext, 'consumerGroup');
    const topic = requiredString(ext, 'topic');
    const queueId = requiredInt(ext, 'queueId');
    const offset = this.b.offsets.queryOffset(group, topic, queueId);
    if (offset >= 0) return createResponse(req, ResponseCode.SUCCESS, undefined, { offset: String(offset) });
    const setZeroIfNotFound = optionalBool(ext, 'setZeroIfNotFound') ?? true;
    if (setZeroIfNotFound && this.b.store.minOffsetInQueue(topic, queueId) <= 0) {
      return createResponse(req, ResponseCode.SUCCESS, undefined, { offset: '0' });
    }
    return createResponse(req, ResponseCode.QUERY_NOT_FOUND, 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');
  }
}
