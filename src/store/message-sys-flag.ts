/** MessageSysFlag bits (MESSAGE.md §5). */
export const MessageSysFlag = {
  COMPRESSED_FLAG: 0x1,
  MULTI_TAGS_FLAG: 0x2,
  TRANSACTION_NOT_TYPE: 0x0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  BORNHOST_V6_FLAG: 0x10,
  STOREHOSTADDRESS_V6_FLAG: 0x20,
  NEED_UNWRAP_FLAG: 0x40,
  INNER_BATCH_FLAG: 0x80,
} as const;

export function transactionType(sysFlag: number): number {
  return sysFlag & 0xc;
}

/** PREPARED and ROLLBACK records take no queue offset and get no ConsumeQueue unit. */
export function consumesQueueOffset(sysFlag: number): boolean {
  const t = sysFlag & 0xc;
  return t === MessageSysFlag.TRANSACTION_NOT_TYPE || t === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
}
