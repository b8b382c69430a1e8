import { PERM_READ } from '../../remoting/bodies/route-data';
import type { SubscriptionData } from '../../remoting/bodies/heartbeat-data';
import { decodePullMessageRequestHeader, PullSysFlag, type PullMessageRequestHeader } from '../../remoting/headers/pull-message-request-header';
import { MQVersion } from '../../remoting/mq-version';
import { requestCodeNotSupported, type RequestContext, type RequestProcessor } from '../../remoting/processor-table';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import { GetMessageStatus, type GetMessageResult, type MessageFilter } from '../../store/get-message-result';
import { readRecordProperties } from '../../store/message-decoder';
import { compileSql92, type Sql92Filter } from '../filter/sql92';
import type { BrokerContext } from '../broker-context';
import { buildSubscriptionData, tagMatches } from '../filter/tag-filter';
import type { PullRequest } from '../long-polling/pull-request-hold-service';

const FAQ = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';

/**
 * PULL_MESSAGE and LITE_PULL_MESSAGE (Java: PullMessageProcessor): checks, the subscription, the read, the status
 * to code mapping of FLOWS.md §5, the commit-offset piggy-back, and long polling. Found messages go out as views of
 * the CommitLog reads, written after the header without being joined.
 */
export class PullMessageProcessor implements RequestProcessor {
  readonly name = 'pull';
  /** Compiled SQL92 expressions; subscriptions repeat their expression on every pull. */
  private readonly sqlCache = new Map<string, Sql92Filter>();

  private sql92(expression: string): Sql92Filter {
    let f = this.sqlCache.get(expression);
    if (!f) {
      f = compileSql92(expression);
      if (this.sqlCache.size > 10000) this.sqlCache.clear();
      this.sqlCache.set(expression, f);
    }
    return f;
  }

  constructor(private readonly b: BrokerContext) {}

  processRequest(ctx: RequestContext, req: RemotingCommand): Promise<RemotingCommand | null> | RemotingCommand {
    if (req.code !== RequestCode.PULL_MESSAGE && req.code !== RequestCode.LITE_PULL_MESSAGE) return requestCodeNotSupported(req);
    return this.pull(ctx, req, true);
  }

  /** Runs a parked pull again; its answer (whatever it is now) goes to its own connection. */
  readonly rerun = (p: PullRequest): void => {
    this.pull({ conn: p.conn, receivedAt: p.receivedAt }, p.cmd, false).then(
      (res) => {
        if (res && p.conn.isOpen) p.conn.send(res);
        if (res) this.b.metrics?.requestDone(p.cmd, res, p.receivedAt, p.conn, true);
      },
      (err: unknown) => this.b.logger.error('held pull failed', { topic: p.topic, queueId: p.queueId, error: (err as Error).message }),
    );
  };

  private error(req: RemotingCommand, code: number, remark: string): RemotingCommand {
    return createResponse(req, code, remark);
  }

  private invalidParam(req: RemotingCommand, remark: string): RemotingCommand {
    return this.error(req, req.version >= MQVersion.V5_0_0 ? ResponseCode.INVALID_PARAMETER : ResponseCode.SYSTEM_ERROR, remark);
  }

  async pull(ctx: RequestContext, req: RemotingCommand, brokerAllowSuspend: boolean): Promise<RemotingCommand | null> {
    const b = this.b;
    const h = decodePullMessageRequestHeader(req.extFields);
    if ((b.config.brokerPermission & PERM_READ) === 0) return this.error(req, ResponseCode.NO_PERMISSION, `the broker[${b.brokerAddr}] pulling message is forbidden`);
    if (req.code === RequestCode.LITE_PULL_MESSAGE && !b.config.litePullMessageEnable) {
      return this.error(req, ResponseCode.NO_PERMISSION, `the broker[${b.brokerAddr}] for lite pull consumer is forbidden`);
    }
    const sg = b.groups.find(h.consumerGroup);
    if (!sg) return this.error(req, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${h.consumerGroup}] does not exist, ${FAQ}`);
    if (!sg.consumeEnable) return this.error(req, ResponseCode.NO_PERMISSION, `subscription group no permission, ${h.consumerGroup}`);
    const hasSuspend = (h.sysFlag & PullSysFlag.FLAG_SUSPEND) !== 0;
    const hasCommitOffset = (h.sysFlag & PullSysFlag.FLAG_COMMIT_OFFSET) !== 0;
    const hasSubscription = (h.sysFlag & PullSysFlag.FLAG_SUBSCRIPTION) !== 0;
    const tc = b.topics.get(h.topic);
    if (!tc) return this.error(req, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please! ${FAQ}`);
    if ((tc.perm & PERM_READ) === 0) return this.error(req, ResponseCode.NO_PERMISSION, `the topic[${h.topic}] pulling message is forbidden`);
    if (h.queueId < 0 || h.queueId >= tc.readQueueNums) {
      return this.invalidParam(req, `queueId[${h.queueId}] is illegal, topic:[${h.topic}] topicConfig.readQueueNums:[${tc.readQueueNums}] consumer:[${ctx.conn.remoteAddress}]`);
    }
    let sub: SubscriptionData | undefined;
    if (hasSubscription) {
      const type = (h.expressionType ?? 'TAG').toUpperCase();
      sub =
        type === 'TAG'
          ? buildSubscriptionData(h.topic, h.subscription, h.subVersion)
          : { topic: h.topic, subString: h.subscription ?? '', tagsSet: [], codeSet: [], subVersion: h.subVersion, expressionType: type, classFilterMode: false };
    } else {
      const info = b.consumers.get(h.consumerGroup);
      if (!info) return this.error(req, ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's group info not exist${FAQ}`);
      if (!sg.consumeBroadcastEnable && info.messageModel === 'BROADCASTING') {
        return this.error(req, ResponseCode.NO_PERMISSION, `the consumer group[${h.consumerGroup}] can not consume by broadcast way`);
      }
      sub = info.subscriptions.get(h.topic);
      if (!sub) return this.error(req, ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's subscription not exist${FAQ}`);
      if (sub.subVersion < h.subVersion) return this.error(req, ResponseCode.SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest");
    }
    let filter: MessageFilter | undefined;
    if (sub && sub.expressionType !== 'TAG') {
      if (!b.config.enablePropertyFilter) return this.error(req, ResponseCode.SYSTEM_ERROR, `The broker does not support consumer to filter message by ${sub.expressionType}`);
      if (sub.expressionType !== 'SQL92') return this.error(req, ResponseCode.SUBSCRIPTION_PARSE_FAILED, `unknown expression type ${sub.expressionType}`);
      let sql: Sql92Filter;
      try {
        sql = this.sql92(sub.subString);
      } catch (err) {
        return this.error(req, ResponseCode.SUBSCRIPTION_PARSE_FAILED, `parse the consumer's subscription[${sub.subString}] failed, group: ${h.consumerGroup}: ${(err as Error).message}`);
      }
      filter = { isMatchedByConsumeQueue: () => true, isMatchedByCommitLog: (rec) => sql.matches(readRecordProperties(rec)) };
    } else if (sub && sub.subString !== '*') {
      const tagSub = sub;
      filter = { isMatchedByConsumeQueue: (code: number) => tagMatches(tagSub, code) };
    }
    // A queue reset on the server side (useServerSideResetOffset) answers its next pull with the new offset; the
    // client then drops its queue, commits that offset and pulls again from it
    const resetTo = b.offsets.queryThenEraseResetOffset(h.consumerGroup, h.topic, h.queueId);
    let r: GetMessageResult;
    if (b.config.useServerSideResetOffset && resetTo !== undefined) {
      r = offsetResetResult(resetTo, b.store.minOffsetInQueue(h.topic, h.queueId), b.store.maxOffsetInQueue(h.topic, h.queueId));
    } else {
      const getStart = Date.now();
      r = await b.store.getMessage(h.consumerGroup, h.topic, h.queueId, h.queueOffset, Math.max(1, h.maxMsgNums), filter);
      b.stats.recordGetTime(Date.now() - getStart);
    }
    const res = createResponse(req, ResponseCode.SUCCESS, r.status, {
      suggestWhichBrokerId: '0',
      nextBeginOffset: String(r.nextBeginOffset),
      minOffset: String(r.minOffset),
      maxOffset: String(r.maxOffset),
    });
    switch (r.status) {
      case GetMessageStatus.FOUND:
        res.code = ResponseCode.SUCCESS;
        break;
      case GetMessageStatus.MESSAGE_WAS_REMOVING:
      case GetMessageStatus.NO_MATCHED_MESSAGE:
        res.code = ResponseCode.PULL_RETRY_IMMEDIATELY;
        break;
      case GetMessageStatus.NO_MATCHED_LOGIC_QUEUE:
      case GetMessageStatus.NO_MESSAGE_IN_QUEUE:
        res.code = h.queueOffset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND;
        break;
      case GetMessageStatus.OFFSET_FOUND_NULL:
      case GetMessageStatus.OFFSET_OVERFLOW_ONE:
        res.code = ResponseCode.PULL_NOT_FOUND;
        break;
      case GetMessageStatus.OFFSET_OVERFLOW_BADLY:
      case GetMessageStatus.OFFSET_TOO_SMALL:
      case GetMessageStatus.OFFSET_RESET:
        res.code = ResponseCode.PULL_OFFSET_MOVED;
        break;
    }
    if (res.code === ResponseCode.PULL_OFFSET_MOVED) {
      b.logger.info('pull offset moved', { group: h.consumerGroup, topic: h.topic, queueId: h.queueId, requested: h.queueOffset, next: r.nextBeginOffset, status: r.status });
    }
    // The offset piggy-back: only on the first pass, when the client asked, and never on a slave.
    if (brokerAllowSuspend && hasCommitOffset && b.storeConfig.brokerRole !== 'SLAVE') {
      b.offsets.commitOffset(h.consumerGroup, h.topic, h.queueId, h.commitOffset);
    }
    // Java records where every pull got to, found or not (the consumer lag gauges read it).
    b.offsets.commitPullOffset(h.consumerGroup, h.topic, h.queueId, r.nextBeginOffset);
    if (r.status === GetMessageStatus.FOUND) b.stats.getFoundTimes++;
    else b.stats.getMissTimes++;
    if (res.code === ResponseCode.SUCCESS) {
      b.stats.getTotal += r.messages.length;
      b.metrics?.recordGet(h.topic, h.consumerGroup, r.messages.length, r.bufferTotalSize);
      b.statsItems.recordGet(`${h.topic}@${h.consumerGroup}`, r.messages.length, r.bufferTotalSize);
      res.bodyParts = r.messages;
      return res;
    }
    if (res.code === ResponseCode.PULL_NOT_FOUND && brokerAllowSuspend && hasSuspend) {
      const timeout = b.config.longPollingEnable ? clampSuspend(h) : b.config.shortPollingTimeMills;
      b.holdService.suspendPullRequest({
        cmd: req,
        conn: ctx.conn,
        topic: h.topic,
        queueId: h.queueId,
        pullFromThisOffset: h.queueOffset,
        subscription: sub,
        deadline: Date.now() + timeout,
        receivedAt: ctx.receivedAt ?? performance.now(),
      });
      return null;
    }
    return res;
  }
}

/** Some Go client releases sent nanoseconds; anything beyond a minute is taken as that mistake. */
function clampSuspend(h: PullMessageRequestHeader): number {
  const t = h.suspendTimeoutMillis;
  if (t > 60_000) return Math.min(Math.floor(t / 1_000_000), 60_000) || 15_000;
  return Math.max(0, t);
}

function offsetResetResult(nextBeginOffset: number, minOffset: number, maxOffset: number): GetMessageResult {
  return { status: GetMessageStatus.OFFSET_RESET, messages: [], queueOffsets: [], nextBeginOffset, minOffset, maxOffset, bufferTotalSize: 0, suggestPullingFromSlave: false };
}
