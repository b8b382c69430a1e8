/** Java: GetMessageStatus. */
export enum GetMessageStatus {
  FOUND = 'FOUND',
  NO_MATCHED_MESSAGE = 'NO_MATCHED_MESSAGE',
  MESSAGE_WAS_REMOVING = 'MESSAGE_WAS_REMOVING',
  OFFSET_FOUND_NULL = 'OFFSET_FOUND_NULL',
  OFFSET_OVERFLOW_BADLY = 'OFFSET_OVERFLOW_BADLY',
  OFFSET_OVERFLOW_ONE = 'OFFSET_OVERFLOW_ONE',
  OFFSET_TOO_SMALL = 'OFFSET_TOO_SMALL',
  NO_MATCHED_LOGIC_QUEUE = 'NO_MATCHED_LOGIC_QUEUE',
  NO_MESSAGE_IN_QUEUE = 'NO_MESSAGE_IN_QUEUE',
  /** Not from the store: the broker answers a pull of a queue reset on the server side with its new offset. */
  OFFSET_RESET = 'OFFSET_RESET',
}

/**
 * Messages found by a pull: each a view of a buffer read from the CommitLog (one read per contiguous span), in
 * queue order, ready to be written to a socket one after another.
 */
export interface GetMessageResult {
  status: GetMessageStatus;
  messages: Buffer[];
  /** Queue offsets of `messages`, same order. */
  queueOffsets: number[];
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  bufferTotalSize: number;
  suggestPullingFromSlave: boolean;
}

/** Filters by tagsCode from the ConsumeQueue, then (optionally) by the record itself (SQL92 needs properties). */
export interface MessageFilter {
  isMatchedByConsumeQueue(tagsCode: number): boolean;
  isMatchedByCommitLog?(record: Buffer): boolean;
}
