import { optionalString, requiredInt, requiredLong, requiredString } from '../../remoting/headers/header-fields';
import { requestCodeNotSupported, type RequestContext, type RequestProcessor } from '../../remoting/processor-table';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import type { BrokerContext } from '../broker-context';

/** QUERY_MESSAGE and VIEW_MESSAGE_BY_ID (Java: QueryMessageProcessor). */
export class QueryMessageProcessor implements RequestProcessor {
  readonly name = 'query-message';

  constructor(private readonly b: BrokerContext) {}

  processRequest(_ctx: RequestContext, req: RemotingCommand): Promise<RemotingCommand> | RemotingCommand {
    switch (req.code) {
      case RequestCode.QUERY_MESSAGE:
        return this.query(req);
      case RequestCode.VIEW_MESSAGE_BY_ID:
        return this.view(req);
      default:
        return requestCodeNotSupported(req);
    }
  }

  private async query(req: RemotingCommand): Promise<RemotingCommand> {
    const ext = req.extFields;
    const topic = requiredString(ext, 'topic');
    const key = requiredString(ext, 'key');
    let maxNum = requiredInt(ext, 'maxNum');
    const begin = requiredLong(ext, 'beginTimestamp');
    const end = requiredLong(ext, 'endTimestamp');
    if (optionalString(ext, '_UNIQUE_KEY_QUERY') === 'true') maxNum = this.b.storeConfig.defaultQueryMaxNum;
    const r = await this.b.store.queryMessage(topic, key, maxNum, begin, end);
    const res = createResponse(req, ResponseCode.SUCCESS, undefined, {
      indexLastUpdateTimestamp: String(r.indexLastUpdateTimestamp),
      indexLastUpdatePhyoffset: String(r.indexLastUpdatePhyoffset),
    });
    if (r.messages.length === 0) {
      res.code = ResponseCode.QUERY_NOT_FOUND;
      res.remark = 'can not find message, maybe time range not correct';
      return res;
    }
    res.bodyParts = r.messages;
    return res;
  }

  private async view(req: RemotingCommand): Promise<RemotingCommand> {
    const offset = requiredLong(req.extFields, 'offset');
    const rec = await this.b.store.selectOneMessageByOffset(offset);
    if (!rec) return createResponse(req, ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${offset}`);
    const res = createResponse(req, ResponseCode.SUCCESS);
    res.body = rec;
    return res;
  }
}
