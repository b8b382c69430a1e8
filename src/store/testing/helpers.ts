import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configureLogging, getLogger } from '../../common/logger';
import type { MessageExtBrokerInner } from '../message-ext';
import { formatProperties } from '../message-properties';
import { MessageStore } from '../message-store';
import { encodeSocketAddress } from '../socket-address';
import { defaultStoreConfig, type StoreConfig } from '../store-config';

/** Helpers shared by the store's tests (not used by the store itself). */

configureLogging({ level: process.env.TSMQ_LOG_LEVEL ?? 'error' });

export function tempDir(prefix = 'tsmq-store-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Small files so that tests cross CommitLog, ConsumeQueue and index file boundaries. */
export function smallConfig(root: string, over: Partial<StoreConfig> = {}): StoreConfig {
  return {
    ...defaultStoreConfig(),
    storePathRootDir: root,
    mappedFileSizeCommitLog: 32 * 1024,
    mappedFileSizeConsumeQueue: 20 * 50,
    maxHashSlotNum: 64,
    maxIndexNum: 200,
    maxMessageSize: 16 * 1024,
    flushIntervalCommitLog: 50,
    flushIntervalConsumeQueue: 50,
    ...over,
  };
}

export async function openStore(config: StoreConfig): Promise<MessageStore> {
  const s = new MessageStore(config, getLogger('store-test'));
  await s.load();
  await s.start();
  return s;
}

export const BORN_HOST = encodeSocketAddress('10.1.2.3', 50000);
export const STORE_HOST = encodeSocketAddress('127.0.0.1', 10911);

export function message(topic: string, queueId: number, body: string | Buffer, props: Record<string, string> = {}): MessageExtBrokerInner {
  return {
    topic,
    queueId,
    flag: 0,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    propertiesString: formatProperties(Object.entries(props)),
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: BORN_HOST,
    storeHost: STORE_HOST,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
}

/** The client batch body of MESSAGE.md §9.1. */
export function batchBody(items: Array<{ body: string; flag?: number; props?: Record<string, string> }>): Buffer {
  return Buffer.concat(
    items.map((it) => {
      const body = Buffer.from(it.body);
      const props = Buffer.from(formatProperties(Object.entries(it.props ?? {})));
      const b = Buffer.alloc(20 + body.length + 2 + props.length);
      b.writeInt32BE(b.length, 0);
      b.writeInt32BE(it.flag ?? 0, 12);
      b.writeInt32BE(body.length, 16);
      body.copy(b, 20);
      b.writeInt16BE(props.length, 20 + body.length);
      props.copy(b, 22 + body.length);
      return b;
    }),
  );
}
