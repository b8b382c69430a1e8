/**
 * A message as the store appends it (Java: MessageExtBrokerInner). Hosts are pre-encoded (8 or 20 bytes) and the
 * body is whatever buffer the broker holds, usually a view of the request frame: the encoder copies it once, into
 * the CommitLog write buffer.
 */
export interface MessageExtBrokerInner {
  topic: string;
  queueId: number;
  flag: number;
  body: Buffer;
  /** The properties as stored (MESSAGE.md §7). */
  propertiesString: string;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: Buffer;
  storeHost: Buffer;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
}

/**
 * A batch as SEND_BATCH_MESSAGE delivers it (Java: MessageExtBatch): the client's encoded body (MESSAGE.md §9.1) and
 * the batch-level properties the broker appends to every record's properties (empty string: none).
 */
export interface MessageExtBatch {
  topic: string;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: Buffer;
  storeHost: Buffer;
  reconsumeTimes: number;
  body: Buffer;
  batchPropertiesString: string;
}

/** What dispatch needs from a record: it builds ConsumeQueue units and index entries from this. */
export interface DispatchRequest {
  topic: string;
  queueId: number;
  commitLogOffset: number;
  msgSize: number;
  tagsCode: number;
  storeTimestamp: number;
  consumeQueueOffset: number;
  keys: string | undefined;
  uniqKey: string | undefined;
  sysFlag: number;
  /** 5.x dispatches PREPARED/ROLLBACK to the index only (and ROLLBACK not even there). */
}

/** A stored record decoded for readers (view by id, query, print). Body and properties are views of `record`. */
export interface MessageExt {
  record: Buffer;
  storeSize: number;
  magic: number;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: Buffer;
  storeTimestamp: number;
  storeHost: Buffer;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  body: Buffer;
  topic: string;
  properties: Map<string, string>;
  msgId: string;
}
