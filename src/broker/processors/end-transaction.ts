import { optionalBool, requiredInt, requiredLong, requiredString } from '../../remoting/headers/header-fields';
import type { RequestContext, RequestProcessor } from '../../remoting/processor-table';
import { ResponseCode } from '../../remoting/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import { MessageSysFlag } from '../../store/message-sys-flag';
import { MessageConst } from '../../store/message-properties';
import { PutMessageStatus } from '../../store/put-message-result';
import type { BrokerContext } from '../broker-context';
import { putMessage } from '../message-put';
import type { TransactionalMessageService } from '../transaction/transactional-message-service';

/**
 * END_TRANSACTION (Java: EndTransactionProcessor), sent oneway by producers: commit writes the real message and
 * settles the half message; rollback only settles it; "unknown" (0) leaves it to the check-back.
 */
export class EndTransactionProcessor implements RequestProcessor {
  readonly name = 'end-transaction';

  constructor(
    private readonly b: BrokerContext,
    private readonly tx: TransactionalMessageService,
  ) {}

  processRequest(ctx: RequestContext, req: RemotingCommand): Promise<RemotingCommand | null> {
    return this.end(ctx, req);
  }

  private async end(ctx: RequestContext, req: RemotingCommand): Promise<RemotingCommand | null> {
    const ext = req.extFields;
    const producerGroup = requiredString(ext, 'producerGroup');
    const tranStateTableOffset = requiredLong(ext, 'tranStateTableOffset');
    const commitLogOffset = requiredLong(ext, 'commitLogOffset');
    const commitOrRollback = requiredInt(ext, 'commitOrRollback');
    const fromCheck = optionalBool(ext, 'fromTransactionCheck') ?? false;
    if (![0, MessageSysFlag.TRANSACTION_COMMIT_TYPE, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE].includes(commitOrRollback)) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, `commitOrRollback ${commitOrRollback} is not 0, 8 or 12`);
    }
    if (this.b.storeConfig.brokerRole === 'SLAVE') return createResponse(req, ResponseCode.SLAVE_NOT_AVAILABLE, 'Can not process transaction message on slave');
    const what = commitOrRollback === 8 ? 'commit' : commitOrRollback === 12 ? 'rollback' : 'unknown';
    this.b.logger.debug('end transaction', { producerGroup, what, fromCheck, producer: ctx.conn.remoteAddress, remark: req.remark });
    if (commitOrRollback === 0) return null;
    const half = await this.tx.lookupHalf(commitLogOffset, producerGroup, tranStateTableOffset);
    if (typeof half === 'string') {
      this.b.logger.warn('end transaction refused', { producerGroup, what, commitLogOffset, reason: half });
      return createResponse(req, ResponseCode.SYSTEM_ERROR, half);
    }
    if (commitOrRollback === MessageSysFlag.TRANSACTION_COMMIT_TYPE) {
      const { inner, props } = this.tx.commitMessage(half);
      const r = await putMessage(this.b, inner, props, false);
      if (r.status !== PutMessageStatus.PUT_OK) return createResponse(req, ResponseCode.SYSTEM_ERROR, `commit failed: ${r.status}`);
    }
    await this.tx.writeOp(half);
    this.b.metrics?.recordEndTransaction(commitOrRollback === MessageSysFlag.TRANSACTION_COMMIT_TYPE, half.properties.get(MessageConst.REAL_TOPIC) ?? half.topic);
    return createResponse(req, ResponseCode.SUCCESS);
  }
}
