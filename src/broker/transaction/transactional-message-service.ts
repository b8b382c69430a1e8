import type { Logger } from '../../common/logger';
import { readInt64 } from '../../common/int64';
import { RequestCode } from '../../remoting/request-code';
import { createRequest } from '../../remoting/remoting-command';
import { CQ_STORE_UNIT_SIZE } from '../../store/consume-queue';
import type { MessageExt, MessageExtBrokerInner } from '../../store/message-ext';
import { decodeMessage } from '../../store/message-decoder';
import { formatProperties, MessageConst } from '../../store/message-properties';
import { MessageSysFlag } from '../../store/message-sys-flag';
import { PutMessageStatus, type PutMessageResult } from '../../store/put-message-result';
import type { BrokerContext } from '../broker-context';
import { tagsCodeOfTags } from '../filter/tags-code';
import { encodeMessageExt } from '../message-record';
import { hintsOf, innerFromStored } from '../message-put';
import { TopicValidator } from '../topic-validator';
import type { UniqIdGenerator } from '../uniq-id';

export const TRANS_CHECK_GROUP = 'CID_SYS_RMQ_TRANS';
const HALF = TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC;
const OP = TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC;
export const REMOVE_TAG = 'd';
const CHECK_TIMES = 'TRANSACTION_CHECK_TIMES';
const CHECK_IMMUNITY = 'CHECK_IMMUNITY_TIME_IN_SECONDS';

/**
 * Transactional messages (Java: TransactionalMessageServiceImpl + Bridge + CheckService). A half message waits in
 * RMQ_SYS_TRANS_HALF_TOPIC with its real destination in REAL_TOPIC/REAL_QID. Commit writes the real message (type
 * COMMIT); commit and rollback both write an op message (tag "d", body = the half's queue offset) to
 * RMQ_SYS_TRANS_OP_HALF_TOPIC. A half message with no op message after transactionTimeOut is checked back with its
 * producer group, up to transactionCheckMax times, then moved to TRANS_CHECK_MAX_TIME_TOPIC.
 * Progress (how far both queues are settled) is kept as consumer offsets of group CID_SYS_RMQ_TRANS, as in Java.
 */
export class TransactionalMessageService {
  /** Half queue offsets settled by an op message, beyond the settled prefix; with the op offset that settled them. */
  private readonly done = new Map<number, number>();
  private opScanned = -1;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly b: BrokerContext,
    private readonly ids: UniqIdGenerator,
    private readonly logger: Logger,
  ) {}

  /** Java: parseHalfMessageInner. The caller stores the result as it is (no delay rewrite). */
  toHalfMessage(inner: MessageExtBrokerInner, props: Map<string, string>): MessageExtBrokerInner {
    props.set(MessageConst.REAL_TOPIC, inner.topic);
    props.set(MessageConst.REAL_QID, String(inner.queueId));
    const uniq = props.get(MessageConst.UNIQ_KEY);
    if (uniq) props.set('__transactionId__', uniq);
    return { ...inner, topic: HALF, queueId: 0, sysFlag: inner.sysFlag & ~0xc, propertiesString: formatProperties(props) };
  }

  putHalfMessage(inner: MessageExtBrokerInner, props: Map<string, string>, wait: boolean): Promise<PutMessageResult> {
    const half = this.toHalfMessage(inner, props);
    return this.b.store.putMessage(half, hintsOf(props), wait);
  }

  /** The half message at `commitLogOffset` when it matches the producer's claims; else why not. */
  async lookupHalf(commitLogOffset: number, producerGroup: string, tranStateTableOffset: number): Promise<MessageExt | string> {
    const m = await this.b.store.lookMessageByOffset(commitLogOffset);
    if (!m || m.topic !== HALF) return `Find prepared transaction message failed, offset ${commitLogOffset}`;
    if (m.properties.get(MessageConst.PGROUP) !== producerGroup) return 'The producer group wrong';
    if (m.queueOffset !== tranStateTableOffset) return 'The transaction state table offset wrong';
    if (m.commitLogOffset !== commitLogOffset) return 'The commit log offset wrong';
    return m;
  }

  /** Java: endMessageTransaction. The stored properties keep REAL_TOPIC/REAL_QID, as Java's do. */
  commitMessage(half: MessageExt): { inner: MessageExtBrokerInner; props: Map<string, string> } {
    const props = new Map(half.properties);
    const inner = innerFromStored(half, props.get(MessageConst.REAL_TOPIC) ?? '', Number(props.get(MessageConst.REAL_QID) ?? 0), props, {
      sysFlag: (half.sysFlag & ~0xc) | MessageSysFlag.TRANSACTION_COMMIT_TYPE,
      preparedTransactionOffset: half.commitLogOffset,
    });
    return { inner, props };
  }

  /** Marks a half message settled (Java: deletePrepareMessage). */
  async writeOp(half: MessageExt): Promise<boolean> {
    const props = new Map([[MessageConst.TAGS, REMOVE_TAG], [MessageConst.UNIQ_KEY, this.ids.next()]]);
    const r = await this.b.store.putMessage(
      {
        topic: OP,
        queueId: 0,
        flag: 0,
        body: Buffer.from(String(half.queueOffset)),
        propertiesString: formatProperties(props),
        sysFlag: 0,
        bornTimestamp: Date.now(),
        bornHost: this.b.storeHost,
        storeHost: this.b.storeHost,
        reconsumeTimes: 0,
        preparedTransactionOffset: 0,
      },
      { tagsCode: tagsCodeOfTags(REMOVE_TAG), keys: undefined, uniqKey: props.get(MessageConst.UNIQ_KEY) },
      false,
    );
    return r.status === PutMessageStatus.PUT_OK;
  }

  start(): void {
    const every = Math.max(1000, this.b.config.transactionCheckInterval);
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Reads op messages not yet seen into `done`. */
  private async scanOps(): Promise<void> {
    const store = this.b.store;
    const opMax = store.maxOffsetInQueue(OP, 0);
    let at = this.opScanned >= 0 ? this.opScanned : Math.max(store.minOffsetInQueue(OP, 0), this.b.offsets.queryOffset(TRANS_CHECK_GROUP, OP, 0));
    while (at < opMax) {
      const r = await store.getMessage(TRANS_CHECK_GROUP, OP, 0, at, 32);
      if (r.messages.length === 0) {
        at = Math.max(at + 1, r.nextBeginOffset);
        continue;
      }
      r.messages.forEach((rec, k) => {
        const m = decodeMessage(rec);
        if (m.properties.get(MessageConst.TAGS) !== REMOVE_TAG) return;
        for (const part of m.body.toString().split(',')) {
          const off = Number(part);
          if (Number.isInteger(off) && !this.done.has(off)) this.done.set(off, r.queueOffsets[k]!);
        }
      });
      at = r.nextBeginOffset;
    }
    this.opScanned = at;
  }

  /** One pass of the check-back (Java: TransactionalMessageServiceImpl#check). */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await this.checkOnce();
    } catch (err) {
      this.logger.error('transaction check failed', { error: (err as Error).message });
    } finally {
      this.checking = false;
    }
  }

  private async checkOnce(): Promise<void> {
    const b = this.b;
    const store = b.store;
    await this.scanOps();
    const halfMax = store.maxOffsetInQueue(HALF, 0);
    let progress = Math.max(store.minOffsetInQueue(HALF, 0), b.offsets.queryOffset(TRANS_CHECK_GROUP, HALF, 0));
    const now = Date.now();
    while (progress < halfMax) {
      if (this.done.has(progress)) {
        this.done.delete(progress);
        progress++;
        continue;
      }
      const unit = await store.consumeQueues.find(HALF, 0)?.getIndexBuffer(progress, CQ_STORE_UNIT_SIZE);
      if (!unit) {
        progress++;
        continue;
      }
      const m = await store.lookMessageByOffset(readInt64(unit, 0));
      if (!m) {
        progress++;
        continue;
      }
      const immunity = Number(m.properties.get(CHECK_IMMUNITY) ?? '') * 1000 || b.config.transactionTimeOut;
      // Half messages are in store order: the first one still too young ends the pass.
      if (now - m.bornTimestamp < immunity) break;
      const times = Number(m.properties.get(CHECK_TIMES) ?? 0);
      if (times >= b.config.transactionCheckMax) {
        await this.discard(m);
      } else if (!(await this.recheck(m, times + 1))) {
        break;
      }
      progress++;
    }
    b.offsets.commitOffset(TRANS_CHECK_GROUP, HALF, 0, progress);
    // The op queue is settled up to the first op message that names a half message at or beyond the progress.
    let opProgress = this.opScanned;
    for (const [half, op] of this.done) {
      if (half < progress) this.done.delete(half);
      else if (op < opProgress) opProgress = op;
    }
    if (opProgress >= 0) b.offsets.commitOffset(TRANS_CHECK_GROUP, OP, 0, opProgress);
  }

  /** Too many checks: park it in TRANS_CHECK_MAX_TIME_TOPIC (Java: resolveDiscardMsg). */
  private async discard(m: MessageExt): Promise<void> {
    const topic = TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC;
    this.b.topics.createTopicIfAbsent(topic, 1, 6);
    await this.b.store.putMessage(innerFromStored(m, topic, 0, m.properties), hintsOf(m.properties), false);
    this.logger.warn('transaction checked too many times; half message discarded', { msgId: m.properties.get(MessageConst.UNIQ_KEY), group: m.properties.get(MessageConst.PGROUP) });
  }

  /**
   * Re-appends the half message with its check count raised (so the next pass finds it again if nobody answers) and
   * asks one producer of its group for the state. With no producer online the count still rises, as in Java, so a
   * transaction nobody owns ends in TRANS_CHECK_MAX_TIME_TOPIC. False only when the re-append fails.
   */
  private async recheck(m: MessageExt, times: number): Promise<boolean> {
    const group = m.properties.get(MessageConst.PGROUP) ?? '';
    const producer = this.b.producers.anyChannel(group);
    const props = new Map(m.properties);
    props.set(CHECK_TIMES, String(times));
    const r = await this.b.store.putMessage(innerFromStored(m, HALF, 0, props), hintsOf(props), false);
    if (r.status !== PutMessageStatus.PUT_OK || !r.appendResult) return false;
    const fresh = await this.b.store.lookMessageByOffset(r.appendResult.wroteOffset);
    if (!fresh) return false;
    const realTopic = props.get(MessageConst.REAL_TOPIC) ?? m.topic;
    const realQid = Number(props.get(MessageConst.REAL_QID) ?? 0);
    const uniq = props.get(MessageConst.UNIQ_KEY) ?? fresh.msgId;
    const req = createRequest(
      RequestCode.CHECK_TRANSACTION_STATE,
      {
        tranStateTableOffset: String(fresh.queueOffset),
        commitLogOffset: String(fresh.commitLogOffset),
        msgId: uniq,
        transactionId: uniq,
        offsetMsgId: fresh.msgId,
        topic: HALF,
        bname: this.b.config.brokerName,
      },
      encodeMessageExt(fresh, realTopic, realQid, props),
    );
    if (producer) {
      producer.conn.invokeOneway(req);
      this.logger.info('transaction state checked back', { group, msgId: uniq, times, producer: producer.clientId });
    } else {
      this.logger.warn('no producer of the group online to check a transaction', { group, msgId: uniq, times });
    }
    return true;
  }
}
