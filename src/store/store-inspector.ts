import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { readInt64 } from '../common/int64';
import { INDEX_HEADER_SIZE } from './index-file';
import { MappedFile } from './mapped-file';
import { checkRecord, decodeMessage } from './message-decoder';
import { formatSocketAddress } from './socket-address';
import { StoreCheckpoint } from './store-checkpoint';

/**
 * Read-only views of a store directory for operators (`tsmq store verify`, `tsmq store print`). Nothing here writes
 * or recovers: a store can be inspected while its broker is stopped, or a copy of it while it runs.
 */

export interface VerifyReport {
  root: string;
  abortFilePresent: boolean;
  checkpoint: { physicMsgTimestamp: number; logicsMsgTimestamp: number; indexMsgTimestamp: number } | undefined;
  commitLog: {
    fileSize: number;
    files: string[];
    records: number;
    blanks: number;
    minOffset: number;
    endOffset: number;
    firstStoreTimestamp: number;
    lastStoreTimestamp: number;
    firstBadRecord?: { offset: number; reason: string };
  };
  consumeQueues: Array<{ topic: string; queueId: number; minOffset: number; maxOffset: number; units: number; firstBadUnit?: { offset: number; reason: string } }>;
  indexFiles: Array<{ name: string; beginTimestamp: number; endTimestamp: number; indexCount: number }>;
  problems: string[];
}

async function listNumbered(dir: string, width: number): Promise<string[]> {
  try {
    return (await fsp.readdir(dir)).filter((n) => new RegExp(`^\\d{${width}}$`).test(n)).sort();
  } catch {
    return [];
  }
}

/** All files of a queue share one size; use it rather than a flag the operator would have to know. */
async function fileSizeOf(dir: string, names: string[]): Promise<number> {
  return names.length > 0 ? (await fsp.stat(path.join(dir, names[0]!))).size : 0;
}

export async function verifyStore(root: string, commitLogDir = path.join(root, 'commitlog')): Promise<VerifyReport> {
  const problems: string[] = [];
  const names = await listNumbered(commitLogDir, 20);
  const fileSize = await fileSizeOf(commitLogDir, names);
  const report: VerifyReport = {
    root,
    abortFilePresent: fs.existsSync(path.join(root, 'abort')),
    checkpoint: undefined,
    commitLog: { fileSize, files: names, records: 0, blanks: 0, minOffset: names.length > 0 ? Number(names[0]) : 0, endOffset: 0, firstStoreTimestamp: 0, lastStoreTimestamp: 0 },
    consumeQueues: [],
    indexFiles: [],
    problems,
  };
  try {
    const cp = StoreCheckpoint.decode(await fsp.readFile(path.join(root, 'checkpoint')));
    report.checkpoint = { physicMsgTimestamp: cp.physicMsgTimestamp, logicsMsgTimestamp: cp.logicsMsgTimestamp, indexMsgTimestamp: cp.indexMsgTimestamp };
  } catch {
    problems.push('no checkpoint file');
  }
  // CommitLog: every record from the first file to the first invalid one.
  const records = new Map<number, { size: number; topic: string; queueId: number; queueOffset: number }>();
  let end = report.commitLog.minOffset;
  outer: for (let i = 0; i < names.length; i++) {
    const f = await MappedFile.open(path.join(commitLogDir, names[i]!), fileSize, true);
    try {
      if (f.fileFromOffset !== end && i > 0) {
        problems.push(`CommitLog file ${names[i]} does not follow the previous file`);
        break;
      }
      const buf = await f.read(0, fileSize);
      let pos = 0;
      while (pos < fileSize) {
        const c = checkRecord(buf, pos, fileSize, { checkCRC: true });
        if (c.kind === 'ok') {
          if (c.dispatch.commitLogOffset !== f.fileFromOffset + pos) {
            report.commitLog.firstBadRecord = { offset: f.fileFromOffset + pos, reason: `PHYSICALOFFSET says ${c.dispatch.commitLogOffset}` };
            end = f.fileFromOffset + pos;
            break outer;
          }
          if (report.commitLog.records === 0) report.commitLog.firstStoreTimestamp = c.dispatch.storeTimestamp;
          report.commitLog.lastStoreTimestamp = c.dispatch.storeTimestamp;
          report.commitLog.records++;
          records.set(f.fileFromOffset + pos, { size: c.size, topic: c.dispatch.topic, queueId: c.dispatch.queueId, queueOffset: c.dispatch.consumeQueueOffset });
          pos += c.size;
        } else if (c.kind === 'blank') {
          if (pos + c.size !== fileSize) problems.push(`BLANK at ${f.fileFromOffset + pos} does not reach the end of its file`);
          report.commitLog.blanks++;
          pos = fileSize;
          end = f.fileFromOffset + fileSize;
          continue outer;
        } else {
          const allZero = buf.subarray(pos, Math.min(fileSize, pos + 8)).every((b) => b === 0);
          if (!allZero) report.commitLog.firstBadRecord = { offset: f.fileFromOffset + pos, reason: c.kind === 'invalid' ? c.reason : 'record runs past the end of its file' };
          end = f.fileFromOffset + pos;
          break outer;
        }
      }
      end = f.fileFromOffset + pos;
    } finally {
      await f.close();
    }
  }
  report.commitLog.endOffset = end;
  // ConsumeQueues: each unit must point at a record of its own topic, queue and offset.
  const cqRoot = path.join(root, 'consumequeue');
  const topics = fs.existsSync(cqRoot) ? (await fsp.readdir(cqRoot)).sort() : [];
  for (const topic of topics) {
    const tdir = path.join(cqRoot, topic);
    if (!(await fsp.stat(tdir)).isDirectory()) continue;
    for (const q of (await fsp.readdir(tdir)).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b))) {
      const qdir = path.join(tdir, q);
      const qnames = await listNumbered(qdir, 20);
      const qsize = await fileSizeOf(qdir, qnames);
      const entry: VerifyReport['consumeQueues'][number] = { topic, queueId: Number(q), minOffset: -1, maxOffset: 0, units: 0 };
      for (const n of qnames) {
        const f = await MappedFile.open(path.join(qdir, n), qsize, true);
        const buf = await f.read(0, qsize);
        await f.close();
        let pos = 0;
        for (; pos + 20 <= qsize; pos += 20) {
          const offset = readInt64(buf, pos);
          const size = buf.readInt32BE(pos + 8);
          if (!(offset >= 0 && size > 0)) break;
          const logical = (f.fileFromOffset + pos) / 20;
          if (size === 0x7fffffff && offset === 0) continue;
          entry.units++;
          if (entry.minOffset < 0 && offset >= report.commitLog.minOffset) entry.minOffset = logical;
          const rec = records.get(offset);
          if (!entry.firstBadUnit && offset >= report.commitLog.minOffset) {
            if (!rec) entry.firstBadUnit = { offset: logical, reason: `no valid record at CommitLog offset ${offset}` };
            else if (rec.size !== size || rec.topic !== topic || rec.queueId !== Number(q) || rec.queueOffset !== logical) {
              entry.firstBadUnit = { offset: logical, reason: `unit (${offset}, ${size}) does not match the record (${rec.topic}, ${rec.queueId}, ${rec.queueOffset}, ${rec.size})` };
            }
          }
        }
        entry.maxOffset = (f.fileFromOffset + pos) / 20;
        if (pos < qsize) break;
      }
      if (entry.minOffset < 0) entry.minOffset = entry.maxOffset;
      if (entry.firstBadUnit) problems.push(`ConsumeQueue ${topic}/${q}: ${entry.firstBadUnit.reason}`);
      report.consumeQueues.push(entry);
    }
  }
  for (const n of await listNumbered(path.join(root, 'index'), 17)) {
    const head = Buffer.alloc(INDEX_HEADER_SIZE);
    const fh = await fsp.open(path.join(root, 'index', n), 'r');
    await fh.read(head, 0, INDEX_HEADER_SIZE, 0);
    await fh.close();
    report.indexFiles.push({ name: n, beginTimestamp: readInt64(head, 0), endTimestamp: readInt64(head, 8), indexCount: head.readInt32BE(36) });
  }
  if (report.commitLog.firstBadRecord) problems.push(`CommitLog: first bad record at ${report.commitLog.firstBadRecord.offset}: ${report.commitLog.firstBadRecord.reason}`);
  return report;
}

/** One message as text for `tsmq store print`. */
export function describeMessage(record: Buffer): Record<string, unknown> {
  const m = decodeMessage(record);
  const printable = m.body.every((b) => b >= 0x20 || b === 0x0a || b === 0x09);
  return {
    msgId: m.msgId,
    topic: m.topic,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    commitLogOffset: m.commitLogOffset,
    storeSize: m.storeSize,
    sysFlag: m.sysFlag,
    flag: m.flag,
    bornTimestamp: m.bornTimestamp,
    bornHost: formatSocketAddress(m.bornHost),
    storeTimestamp: m.storeTimestamp,
    storeHost: formatSocketAddress(m.storeHost),
    reconsumeTimes: m.reconsumeTimes,
    preparedTransactionOffset: m.preparedTransactionOffset,
    bodyCRC: m.bodyCRC,
    properties: Object.fromEntries(m.properties),
    body: printable ? m.body.toString('utf8') : undefined,
    bodyHex: printable ? undefined : m.body.toString('hex'),
  };
}

/** Reads messages without recovery: a CommitLog offset, or a queue range through its ConsumeQueue. */
export async function readMessages(
  root: string,
  q: { commitLogOffset: number } | { topic: string; queueId: number; offset: number; count: number },
  commitLogDir = path.join(root, 'commitlog'),
): Promise<Buffer[]> {
  const names = await listNumbered(commitLogDir, 20);
  const fileSize = await fileSizeOf(commitLogDir, names);
  const readAt = async (offset: number): Promise<Buffer | undefined> => {
    const name = names.find((n) => offset >= Number(n) && offset < Number(n) + fileSize);
    if (!name) return undefined;
    const f = await MappedFile.open(path.join(commitLogDir, name), fileSize, true);
    try {
      const head = await f.read(offset - f.fileFromOffset, 8);
      const size = head.readInt32BE(0);
      if (size < 91 || offset - f.fileFromOffset + size > fileSize) return undefined;
      const rec = await f.read(offset - f.fileFromOffset, size);
      return checkRecord(rec, 0, rec.length, { checkCRC: false }).kind === 'ok' ? rec : undefined;
    } finally {
      await f.close();
    }
  };
  if ('commitLogOffset' in q) {
    const r = await readAt(q.commitLogOffset);
    return r ? [r] : [];
  }
  const qdir = path.join(root, 'consumequeue', q.topic, String(q.queueId));
  const qnames = await listNumbered(qdir, 20);
  const qsize = await fileSizeOf(qdir, qnames);
  const out: Buffer[] = [];
  for (let i = q.offset; i < q.offset + q.count; i++) {
    const at = i * 20;
    const name = qnames.find((n) => at >= Number(n) && at < Number(n) + qsize);
    if (!name) break;
    const f = await MappedFile.open(path.join(qdir, name), qsize, true);
    const unit = await f.read(at - f.fileFromOffset, 20);
    await f.close();
    const offset = readInt64(unit, 0);
    const size = unit.readInt32BE(8);
    if (!(offset >= 0 && size > 0)) break;
    const rec = await readAt(offset);
    if (rec) out.push(rec);
  }
  return out;
}
