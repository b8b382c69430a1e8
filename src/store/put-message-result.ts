/** Java: PutMessageStatus. The broker maps each to a response code (PUT_OK -> SUCCESS, FLUSH_DISK_TIMEOUT -> 10, ...). */
export enum PutMessageStatus {
  PUT_OK = 'PUT_OK',
  FLUSH_DISK_TIMEOUT = 'FLUSH_DISK_TIMEOUT',
  FLUSH_SLAVE_TIMEOUT = 'FLUSH_SLAVE_TIMEOUT',
  SLAVE_NOT_AVAILABLE = 'SLAVE_NOT_AVAILABLE',
  SERVICE_NOT_AVAILABLE = 'SERVICE_NOT_AVAILABLE',
  CREATE_MAPEDFILE_FAILED = 'CREATE_MAPEDFILE_FAILED',
  MESSAGE_ILLEGAL = 'MESSAGE_ILLEGAL',
  PROPERTIES_SIZE_EXCEEDED = 'PROPERTIES_SIZE_EXCEEDED',
  OS_PAGECACHE_BUSY = 'OS_PAGECACHE_BUSY',
  UNKNOWN_ERROR = 'UNKNOWN_ERROR',
}

export interface AppendMessageResult {
  /** CommitLog offset of the first record. */
  wroteOffset: number;
  wroteBytes: number;
  /** Offset message id; for a batch, the ids of every record joined by commas. */
  msgId: string;
  /** Queue offset of the first record. */
  logicsOffset: number;
  storeTimestamp: number;
  msgNum: number;
}

export interface PutMessageResult {
  status: PutMessageStatus;
  appendResult?: AppendMessageResult;
  /** Why, for statuses other than PUT_OK. */
  remark?: string;
}

export function isPutOk(r: PutMessageResult): boolean {
  return r.status === PutMessageStatus.PUT_OK;
}
