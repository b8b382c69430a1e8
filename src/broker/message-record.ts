import type { MessageExt } from '../store/message-ext';
import { prepareMessage, writeRecord } from '../store/message-encoder';
import { formatProperties } from '../store/message-properties';

/**
 * A stored message re-encoded in the stored-record format with another topic and queue (Java: MessageDecoder#encode):
 * the body of CHECK_TRANSACTION_STATE and of CONSUME_MESSAGE_DIRECTLY.
 */
export function encodeMessageExt(m: MessageExt, topic: string, queueId: number, props: Map<string, string>): Buffer {
  const p = prepareMessage(
    {
      topic,
      queueId,
      flag: m.flag,
      body: m.body,
      propertiesString: formatProperties(props),
      sysFlag: m.sysFlag,
      bornTimestamp: m.bornTimestamp,
      bornHost: m.bornHost,
      storeHost: m.storeHost,
      reconsumeTimes: m.reconsumeTimes,
      preparedTransactionOffset: m.preparedTransactionOffset,
    },
    Number.MAX_SAFE_INTEGER,
  );
  const out = Buffer.alloc(p.size);
  writeRecord(out, 0, p, m.queueOffset, m.commitLogOffset, m.storeTimestamp);
  return out;
}
