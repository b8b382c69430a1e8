import type { DispatchHints } from '../store/commit-log';
import type { MessageExt, MessageExtBrokerInner } from '../store/message-ext';
import { formatProperties, MessageConst } from '../store/message-properties';
import { MessageSysFlag, transactionType } from '../store/message-sys-flag';
import { SCHEDULE_TOPIC } from '../store/message-store';
import type { PutMessageResult } from '../store/put-message-result';
import type { BrokerContext } from './broker-context';
import { tagsCodeOfTags } from './filter/tags-code';
import { TIMER_TOPIC, TimerMessageService } from './schedule/timer-message-service';

/**
 * The last step before the store for every message the broker writes (sends, send-backs, deliveries of delayed
 * messages, transaction commits): a message with a delay level goes to SCHEDULE_TOPIC_XXXX, queue level - 1, with
 * its real destination in REAL_TOPIC/REAL_QID (Java 4.9: CommitLog#asyncPutMessage; 5.x: HookUtils).
 * `props` is the message's property map; `inner.propertiesString` must already encode it unless it is rewritten here.
 */
export function putMessage(b: BrokerContext, inner: MessageExtBrokerInner, props: Map<string, string>, wait: boolean): Promise<PutMessageResult> {
  if (TimerMessageService.isTimerMessage(props) && inner.topic !== TIMER_TOPIC) {
    const refused = b.timers.transform(inner, props);
    if (refused) return Promise.resolve(refused);
  }
  const hints = hintsOf(props);
  const type = transactionType(inner.sysFlag);
  if (type === MessageSysFlag.TRANSACTION_NOT_TYPE || type === MessageSysFlag.TRANSACTION_COMMIT_TYPE) {
    const delay = Number.parseInt(props.get(MessageConst.DELAY) ?? '', 10);
    if (delay > 0) {
      const level = Math.min(delay, b.store.maxDelayLevel);
      props.set(MessageConst.REAL_TOPIC, inner.topic);
      props.set(MessageConst.REAL_QID, String(inner.queueId));
      if (level !== delay) props.set(MessageConst.DELAY, String(level));
      inner.topic = SCHEDULE_TOPIC;
      inner.queueId = level - 1;
      inner.propertiesString = formatProperties(props);
      hints.delayLevel = level;
    }
  }
  return b.store.putMessage(inner, hints, wait);
}

/**
 * A message the broker writes again from a stored one (a delayed or timer delivery, a send-back, a transaction
 * commit or check): same body, flag, flags and born details, new destination and properties.
 */
export function innerFromStored(m: MessageExt, topic: string, queueId: number, props: Map<string, string>, over: Partial<MessageExtBrokerInner> = {}): MessageExtBrokerInner {
  return {
    topic,
    queueId,
    flag: m.flag,
    body: Buffer.from(m.body),
    propertiesString: formatProperties(props),
    sysFlag: m.sysFlag,
    bornTimestamp: m.bornTimestamp,
    bornHost: Buffer.from(m.bornHost),
    storeHost: Buffer.from(m.storeHost),
    reconsumeTimes: m.reconsumeTimes,
    preparedTransactionOffset: 0,
    ...over,
  };
}

/** Dispatch hints from a property map. */
export function hintsOf(props: Map<string, string>): DispatchHints {
  return { tagsCode: tagsCodeOfTags(props.get(MessageConst.TAGS)), keys: props.get(MessageConst.KEYS), uniqKey: props.get(MessageConst.UNIQ_KEY) };
}
