import type { ExtFields } from '../remoting-command';
import { optionalInt, optionalLong, optionalString, requiredInt, requiredLong, requiredString } from './header-fields';

/** PullSysFlag bits. */
export const PullSysFlag = {
  FLAG_COMMIT_OFFSET: 0x1,
  FLAG_SUSPEND: 0x2,
  FLAG_SUBSCRIPTION: 0x4,
  FLAG_CLASS_FILTER: 0x8,
  FLAG_LITE_PULL_MESSAGE: 0x10,
} as const;

/**
 * PullMessageRequestHeader: consumerGroup, topic, queueId, queueOffset, maxMsgNums, sysFlag, commitOffset,
 * suspendTimeoutMillis, subscription, subVersion, expressionType; 5.x maxMsgBytes.
 */
export interface PullMessageRequestHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  maxMsgNums: number;
  sysFlag: number;
  commitOffset: number;
  suspendTimeoutMillis: number;
  subscription: string | undefined;
  subVersion: number;
  expressionType: string | undefined;
  maxMsgBytes: number | undefined;
}

export function decodePullMessageRequestHeader(ext: ExtFields | undefined): PullMessageRequestHeader {
  return {
    consumerGroup: requiredString(ext, 'consumerGroup'),
    topic: requiredString(ext, 'topic'),
    queueId: requiredInt(ext, 'queueId'),
    queueOffset: requiredLong(ext, 'queueOffset'),
    maxMsgNums: requiredInt(ext, 'maxMsgNums'),
    sysFlag: requiredInt(ext, 'sysFlag'),
    commitOffset: optionalLong(ext, 'commitOffset') ?? 0,
    suspendTimeoutMillis: optionalLong(ext, 'suspendTimeoutMillis') ?? 15000,
    subscription: optionalString(ext, 'subscription'),
    subVersion: optionalLong(ext, 'subVersion') ?? 0,
    expressionType: optionalString(ext, 'expressionType'),
    maxMsgBytes: optionalInt(ext, 'maxMsgBytes'),
  };
}
