#!/usr/bin/env node
'use strict';
/**
 * Store cross-check: tsmq's message store against the official rocketmq-store (Java), both directions.
 *
 *   npx tsc -p .                                   # builds dist/ (this script requires ../dist/...)
 *   node compat-tests/store-cross-check.js [--versions "4.9.8 5.3.3"] [--jobs N] [--keep]
 *
 * For each rocketmq-store version:
 *   1. Java -> tsmq: Java's DefaultMessageStore writes a store (compat-tests/java-store/store-tool.sh write) with
 *      64 records (46 single sends, 4 batches; IPv4 and IPv6 born hosts, several keys, tags incl. non-ASCII and an
 *      emoji, user properties incl. non-ASCII, an empty body, a 200 KB body, 250 KB bodies so that the 1 MiB CommitLog
 *      files roll and end with BLANKs, 6-unit ConsumeQueue files so CQs roll, small IndexFiles so they roll).
 *      tsmq opens a copy and must read every acknowledged message exactly as Java does (Java's dump of another copy
 *      is the reference): fields, properties, ConsumeQueue units (tagsCode), min/max offsets, lookMessageByOffset,
 *      key queries (Java's query command on further copies). tsmq then appends (a file roll, a new queue, a batch)
 *      and Java must recover and read the result unchanged. tsmq must rebuild Java's IndexFiles byte for byte from
 *      the CommitLog. The same with a crashed Java store: three Java writes (two clean, 2 s apart, so that the
 *      checkpoint is real; the third halts without shutdown, abort file present): tsmq's abnormal recovery keeps
 *      every acknowledged message.
 *   2. tsmq -> Java: tsmq writes an equivalent store in two phases 3.5 s apart; copies of the running store taken
 *      right after whenIdle() and 1.5 s later are the "crashed" stores, the store after a clean shutdown the clean
 *      one. Java's recovery (verify-abnormal) must truncate nothing and return every message with identical fields
 *      (incl. commitLogOffset, tagsCode, msgId, hosts); Java's key queries must find what tsmq's find; Java must
 *      rebuild tsmq's IndexFiles byte for byte. For the crash copies, Java's abnormal recovery must keep every
 *      message (what it truncates is reported, with the CommitLog file the recovery starts from).
 *
 * Every check prints one line "PASS|FAIL <name>: <reason>" (failures are followed by indented detail lines); the
 * last stdout line is "N passed, N failed". Exit code 0 only if nothing failed. Java outputs (JSON lines and
 * stderr logs) are kept in the work directory, which is deleted at the end unless --keep or a check failed.
 * Environment: STORE_XCHECK_JOBS (parallel JVMs, default 8; a JVM run is ~4 s wall but little CPU).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const TOOL = path.join(__dirname, 'java-store', 'store-tool.sh');

// ------------------------------------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const o = { versions: ['4.9.8', '5.3.3'], jobs: Number(process.env.STORE_XCHECK_JOBS || 8), keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--versions' && i + 1 < argv.length) o.versions = argv[++i].split(/[\s,]+/).filter(Boolean);
    else if (a.startsWith('--versions=')) o.versions = a.slice(11).split(/[\s,]+/).filter(Boolean);
    else if (a === '--jobs' && i + 1 < argv.length) o.jobs = Number(argv[++i]);
    else if (a === '--keep') o.keep = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node compat-tests/store-cross-check.js [--versions "4.9.8 5.3.3"] [--jobs N] [--keep]');
      process.exit(0);
    } else {
      console.log(`unknown argument: ${a}`);
      console.log('0 passed, 1 failed');
      process.exit(2);
    }
  }
  if (!(o.jobs >= 1)) o.jobs = 8;
  return o;
}
const opts = parseArgs(process.argv.slice(2));

// ------------------------------------------------------------------------------------------------ tsmq modules

process.env.TSMQ_LOG_LEVEL = process.env.TSMQ_LOG_LEVEL || 'error';
let T;
try {
  T = {
    ...require(path.join(DIST, 'store/testing/helpers.js')),
    ...require(path.join(DIST, 'store/message-decoder.js')),
    ...require(path.join(DIST, 'store/message-properties.js')),
    ...require(path.join(DIST, 'store/socket-address.js')),
    ...require(path.join(DIST, 'store/message-id.js')),
    ...require(path.join(DIST, 'store/get-message-result.js')),
    ...require(path.join(DIST, 'store/put-message-result.js')),
    ...require(path.join(DIST, 'common/java-hash.js')),
  };
} catch (err) {
  console.log(`FAIL load tsmq modules from dist/: ${err.message} (build first: npx tsc -p .)`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// ------------------------------------------------------------------------------------------------ constants

const MiB = 1024 * 1024;
const CL_SIZE = MiB; // CommitLog file size: files roll, BLANKs at their ends
const CQ_SIZE = 6 * 20; // ConsumeQueue file: 6 units, batches straddle CQ files
const HASH_SLOTS = 64; // small IndexFiles (Java's default ones are 420 MB sparse files)
const INDEX_NUM = 200;
const STORE_HOST_TEXT = '127.0.0.1:10911';
const BORN = 1700000000000;
const JAVA_CONFIG = JSON.stringify({ maxHashSlotNum: HASH_SLOTS, maxIndexNum: INDEX_NUM });
const TAGS = ['TagA', 'TagB', '标签A', 'order-created', 'tag🚀'];

// ------------------------------------------------------------------------------------------------ checks

const results = [];
/** Records one named check. `details`: lines shown under a failure (and under a pass when `always`). */
function check(name, ok, reason, details = [], always = false) {
  results.push({ name, ok: !!ok, reason, details, always });
}
function printResults(list) {
  for (const r of list) {
    console.log(`${r.ok ? 'PASS' : 'FAIL'} ${r.name}${r.reason ? `: ${r.reason}` : ''}`);
    if (!r.ok || r.always) {
      const max = 60;
      for (const d of r.details.slice(0, max)) console.log(`    - ${d}`);
      if (r.details.length > max) console.log(`    - ... ${r.details.length - max} more`);
    }
  }
}

// ------------------------------------------------------------------------------------------------ utilities

function limiter(n) {
  let active = 0;
  const queue = [];
  const next = () => {
    if (active >= n || queue.length === 0) return;
    active++;
    const { fn, resolve, reject } = queue.shift();
    Promise.resolve()
      .then(fn)
      .then(resolve, reject)
      .finally(() => {
        active--;
        next();
      });
  };
  return (fn) =>
    new Promise((resolve, reject) => {
      queue.push({ fn, resolve, reject });
      next();
    });
}
const jvmSlot = limiter(opts.jobs);
const jvmRuns = [];

let WORK;
function work(...p) {
  return path.join(WORK, ...p);
}

// Each JVM's store binds an HA listen port. Handing them out in turn from a block below the ephemeral range
// (32768 and up on Linux) keeps the at most opts.jobs concurrent runs apart, and away from outgoing connections.
const HA_PORT_BASE = 21000;
const HA_PORT_SPAN = 2000;
let haPortTurn = 0;
function nextHaPort() {
  return HA_PORT_BASE + (haPortTurn++ % HA_PORT_SPAN);
}

/** Runs store-tool.sh; resolves with the parsed JSON lines (never rejects). */
function java(version, args, label) {
  return jvmSlot(
    () =>
      new Promise((resolve) => {
        const t0 = Date.now();
        const out = [];
        const err = [];
        let child;
        try {
          child = spawn('bash', [TOOL, version, ...args], {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, LC_ALL: process.env.LC_ALL || 'C.UTF-8', STORE_TOOL_HA_PORT: String(nextHaPort()) },
          });
        } catch (e) {
          resolve({ label, code: -1, lines: [], records: [], error: String(e), ms: 0 });
          return;
        }
        const timer = setTimeout(() => child.kill('SIGKILL'), 150000);
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => err.push(d));
        child.on('error', (e) => err.push(Buffer.from(String(e))));
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          const ms = Date.now() - t0;
          const stdout = Buffer.concat(out).toString('utf8');
          const stderr = Buffer.concat(err).toString('utf8');
          const safe = label.replace(/[^\w.-]+/g, '_');
          fs.mkdirSync(work('logs'), { recursive: true });
          fs.writeFileSync(work('logs', `${safe}.jsonl`), stdout);
          fs.writeFileSync(work('logs', `${safe}.stderr`), stderr);
          const lines = [];
          const bad = [];
          for (const l of stdout.split('\n')) {
            if (!l.trim()) continue;
            try {
              lines.push(JSON.parse(l));
            } catch {
              bad.push(l.slice(0, 200));
            }
          }
          const meta = lines.find((l) => l.meta);
          const summary = lines.filter((l) => l.summary).pop();
          const errorLine = lines.find((l) => l.error && !('topic' in l));
          const records = lines.filter((l) => !l.meta && !l.summary && !(l.error && !('topic' in l)));
          const res = { label, version, code: signal ? `signal ${signal}` : code, lines, meta, summary, records, bad, ms, errorLine, stderrTail: stderr.split('\n').filter(Boolean).slice(-5) };
          jvmRuns.push({ label, ms, code: res.code });
          resolve(res);
        });
      }),
  );
}

function javaProblem(r) {
  if (r.code === 0 && r.summary && !r.errorLine && r.bad.length === 0) return undefined;
  return `${r.label}: exit ${r.code}${r.errorLine ? ` error ${JSON.stringify(r.errorLine)}` : ''}${r.summary ? '' : ' (no summary line)'}${r.bad.length ? ` ${r.bad.length} non-JSON stdout lines` : ''}; stderr: ${r.stderrTail.join(' | ')}`;
}

function copyDir(src, dst) {
  fs.rmSync(dst, { recursive: true, force: true });
  execFileSync('cp', ['-a', '--sparse=always', src, dst]);
}

/** Deterministic pseudo-random bytes. */
function bodyBytes(seed0, size) {
  let seed = (seed0 * 2654435761) >>> 0;
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    const v = seed >>> 0;
    for (let k = 0; k < 4 && i + k < size; k++) out[i + k] = (v >>> (24 - 8 * k)) & 0xff;
  }
  return out;
}

function uniq(prefix, n) {
  return prefix + n.toString(16).toUpperCase().padStart(32 - prefix.length, '0');
}

/** RFC 5952 text (what the Java tool prints): lower case, longest run of >= 2 zero groups as "::". */
function ipv6Text(b) {
  const g = [];
  for (let k = 0; k < 8; k++) g.push(b.readUInt16BE(2 * k));
  let bestStart = -1;
  let bestLen = 0;
  for (let k = 0; k < 8; ) {
    if (g[k] !== 0) {
      k++;
      continue;
    }
    const s = k;
    while (k < 8 && g[k] === 0) k++;
    if (k - s > bestLen) {
      bestStart = s;
      bestLen = k - s;
    }
  }
  if (bestLen < 2) bestStart = -1;
  let sb = '';
  for (let k = 0; k < 8; k++) {
    if (k === bestStart) {
      sb += '::';
      k += bestLen - 1;
      continue;
    }
    if (sb.length > 0 && !sb.endsWith(':')) sb += ':';
    sb += g[k].toString(16);
  }
  return sb;
}

/** An encoded host (8 or 20 bytes) as the Java tool prints it: "1.2.3.4:5" or "[2001:db8::7]:5". */
function hostText(b) {
  if (!b) return String(b);
  if (b.length === 8) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}:${b.readInt32BE(4)}`;
  if (b.length === 20) return `[${ipv6Text(b.subarray(0, 16))}]:${b.readInt32BE(16)}`;
  return `<${b.length} bytes ${b.toString('hex')}>`;
}

/** "host:port" / "[v6]:port" -> encoded address, with tsmq's encoder. */
function encodeHost(text) {
  const at = text.lastIndexOf(':');
  let h = text.slice(0, at);
  if (h.startsWith('[')) h = h.slice(1, -1);
  return T.encodeSocketAddress(h, Number(text.slice(at + 1)));
}

function sortedObj(m) {
  const entries = m instanceof Map ? [...m.entries()] : Object.entries(m || {});
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Object.fromEntries(entries);
}

function show(v) {
  if (v === undefined) return 'undefined';
  let s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  if (s === undefined) s = String(v);
  if (s.length > 140) s = `${s.slice(0, 120)}...(${s.length} chars)`;
  return s;
}

function same(a, b) {
  if (a && b && typeof a === 'object' && typeof b === 'object') return JSON.stringify(sortedObj(a)) === JSON.stringify(sortedObj(b));
  return a === b;
}

/** Field-by-field differences; `what` names the message in each line. */
function diffFields(what, expected, actual, fields, expLabel = 'expected', actLabel = 'actual') {
  const out = [];
  for (const f of fields) {
    if (!(f in expected)) continue;
    if (!same(expected[f], actual[f])) out.push(`${what}: ${f} ${expLabel} ${show(expected[f])}, ${actLabel} ${show(actual[f])}`);
  }
  return out;
}

const key = (topic, queueId, qo) => `${topic}\u0000${queueId}\u0000${qo}`;
const qkey = (topic, queueId) => `${topic}/${queueId}`;
const recName = (r) => `${r.topic}/${r.queueId}@${r.queueOffset} (commitLogOffset ${r.commitLogOffset}${r.batch ? `, batch item` : ''})`;

function javaHash(s) {
  return T.javaStringHashCode(s);
}
function expectedTagsCode(props) {
  return props.TAGS ? javaHash(props.TAGS) : 0;
}

function hasKey(props, k) {
  if (props.UNIQ_KEY === k) return true;
  return (props.KEYS || '').split(' ').some((t) => t.length > 0 && t === k);
}

// ------------------------------------------------------------------------------------------------ IndexFiles

/** The IndexFiles of a store directory, oldest first (names are creation times, so they are not compared). */
function indexFiles(dir) {
  const d = path.join(dir, 'index');
  if (!fs.existsSync(d)) return [];
  return fs
    .readdirSync(d)
    .filter((n) => /^\d{17}$/.test(n))
    .sort()
    .map((name) => ({ name, buf: fs.readFileSync(path.join(d, name)) }));
}

function describeIndexPos(pos) {
  const H = ['beginTimestamp', 'beginTimestamp', 'endTimestamp', 'endTimestamp', 'beginPhyOffset', 'beginPhyOffset', 'endPhyOffset', 'endPhyOffset', 'hashSlotCount', 'indexCount'];
  if (pos < 40) return `header ${H[Math.floor(pos / 4)]}`;
  if (pos < 40 + HASH_SLOTS * 4) return `hash slot ${Math.floor((pos - 40) / 4)}`;
  const item = Math.floor((pos - 40 - HASH_SLOTS * 4) / 20);
  const f = (pos - 40 - HASH_SLOTS * 4) % 20;
  return `item ${item} ${f < 4 ? 'keyHash' : f < 12 ? 'phyOffset' : f < 16 ? 'timeDiff' : 'prevIndex'}`;
}

function indexHeaderText(b) {
  if (b.length < 40) return `${b.length} bytes`;
  return `begin ${b.readBigInt64BE(0)}/${b.readBigInt64BE(16)} end ${b.readBigInt64BE(8)}/${b.readBigInt64BE(24)} slots ${b.readInt32BE(32)} count ${b.readInt32BE(36)}`;
}

/** Empty IndexFile: nothing indexed (a writer may have created the next file before anything went into it). */
function isEmptyIndex(b) {
  return b.length >= 40 && b.readInt32BE(32) === 0 && b.readInt32BE(36) <= 1;
}

/** Byte comparison of two stores' IndexFiles, in order; differences are located (header field, slot, item). */
function compareIndexFiles(expDir, actDir, expLabel, actLabel) {
  const e = indexFiles(expDir);
  const a = indexFiles(actDir);
  const problems = [];
  const notes = [];
  const n = Math.max(e.length, a.length);
  for (let i = 0; i < n; i++) {
    const x = e[i];
    const y = a[i];
    if (!x || !y) {
      const only = x || y;
      const who = x ? expLabel : actLabel;
      if (i === n - 1 && isEmptyIndex(only.buf)) notes.push(`${who} has an extra empty last IndexFile ${only.name}`);
      else problems.push(`IndexFile #${i}: only ${who} has one (${only.name}: ${indexHeaderText(only.buf)})`);
      continue;
    }
    if (x.buf.length !== y.buf.length) problems.push(`IndexFile #${i}: size ${expLabel} ${x.buf.length}, ${actLabel} ${y.buf.length}`);
    const len = Math.min(x.buf.length, y.buf.length);
    let shown = 0;
    let diffs = 0;
    for (let p = 0; p < len; p++) {
      if (x.buf[p] === y.buf[p]) continue;
      diffs++;
      const start = p - (p < 40 ? p % 8 >= 4 && p < 32 ? (p % 8) : p % 4 : p < 40 + HASH_SLOTS * 4 ? (p - 40) % 4 : (p - 40 - HASH_SLOTS * 4) % 20);
      if (shown < 8) {
        const at = describeIndexPos(p);
        const w = Math.min(20, len - start);
        problems.push(`IndexFile #${i} (${expLabel} ${x.name}, ${actLabel} ${y.name}) byte ${p} (${at}): ${expLabel} ${x.buf.subarray(start, start + w).toString('hex')}, ${actLabel} ${y.buf.subarray(start, start + w).toString('hex')}`);
        shown++;
      }
      // skip the rest of this field/unit
      const fieldEnd = p < 40 ? (p < 32 ? p - (p % 8) + 8 : p - (p % 4) + 4) : p < 40 + HASH_SLOTS * 4 ? p - ((p - 40) % 4) + 4 : p - ((p - 40 - HASH_SLOTS * 4) % 20) + 20;
      p = fieldEnd - 1;
    }
    if (diffs > shown) problems.push(`IndexFile #${i}: ${diffs - shown} more differing fields; headers: ${expLabel} ${indexHeaderText(x.buf)}, ${actLabel} ${indexHeaderText(y.buf)}`);
  }
  return { problems, notes, count: [e.length, a.length] };
}

// ------------------------------------------------------------------------------------------------ tsmq side

function tsmqConfig(dir) {
  return T.smallConfig(dir, {
    mappedFileSizeCommitLog: CL_SIZE,
    mappedFileSizeConsumeQueue: CQ_SIZE,
    maxHashSlotNum: HASH_SLOTS,
    maxIndexNum: INDEX_NUM,
    maxMessageSize: 4 * MiB,
    flushDiskType: 'ASYNC_FLUSH',
  });
}

/** What the Java tool's describe() prints, from tsmq's decoding of a record and its ConsumeQueue unit. */
function tsmqView(m, unit) {
  return {
    topic: m.topic,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    commitLogOffset: m.commitLogOffset,
    size: m.storeSize,
    sysFlag: m.sysFlag,
    flag: m.flag,
    bornTimestamp: m.bornTimestamp,
    bornHost: hostText(m.bornHost),
    storeTimestamp: m.storeTimestamp,
    storeHost: hostText(m.storeHost),
    reconsumeTimes: m.reconsumeTimes,
    preparedTransactionOffset: m.preparedTransactionOffset,
    bodyCrc: m.bodyCRC,
    bodyLength: m.body.length,
    body: Buffer.from(m.body).toString('hex').toUpperCase(),
    properties: sortedObj(m.properties),
    tagsCode: unit ? unit[2] : null,
    cqCommitLogOffset: unit ? unit[0] : null,
    cqSize: unit ? unit[1] : null,
    msgId: m.msgId,
  };
}

/** Reads every queue of a tsmq store through getMessage (and each CQ unit). */
async function readTsmqStore(store) {
  const queues = [];
  const recs = new Map();
  const problems = [];
  for (const cq of store.consumeQueues.all()) {
    const { topic, queueId } = cq;
    const min = store.minOffsetInQueue(topic, queueId);
    const max = store.maxOffsetInQueue(topic, queueId);
    queues.push({ topic, queueId, min, max });
    let off = min;
    let guard = 0;
    while (off < max && guard++ < 100000) {
      const r = await store.getMessage('xcheck', topic, queueId, off, 32);
      if (r.status !== T.GetMessageStatus.FOUND) {
        problems.push(`${topic}/${queueId}@${off}: getMessage status ${r.status}, nextBeginOffset ${r.nextBeginOffset}`);
        if (r.nextBeginOffset > off) {
          off = r.nextBeginOffset;
          continue;
        }
        break;
      }
      for (let k = 0; k < r.messages.length; k++) {
        const qo = r.queueOffsets[k];
        let view;
        try {
          view = tsmqView(T.decodeMessage(Buffer.from(r.messages[k])), await cq.getUnit(qo));
        } catch (e) {
          problems.push(`${topic}/${queueId}@${qo}: decodeMessage failed: ${e.message}`);
          continue;
        }
        if (view.queueOffset !== qo) problems.push(`${topic}/${queueId}@${qo}: ConsumeQueue offset ${qo} gave a record with QUEUEOFFSET ${view.queueOffset}`);
        recs.set(key(topic, queueId, qo), view);
      }
      if (r.nextBeginOffset <= off) break;
      off = r.nextBeginOffset;
    }
  }
  return { queues, recs, problems };
}

async function tsmqQuery(store, topic, k) {
  const r = await store.queryMessage(topic, k, 64, 0, Number.MAX_SAFE_INTEGER);
  return r.messages.map((b) => T.decodeMessage(b).commitLogOffset).sort((a, b) => a - b);
}

// ------------------------------------------------------------------------------------------------ Java -> tsmq

const TOPICS_J = ['XCheckJavaA', 'XCheckJavaB', 'XCheckJavaC'];

/** The spec for store-tool.sh write: 46 single sends and 4 batches (18 records). */
function javaSpec(crash) {
  const msgs = [];
  let b = 0;
  for (let i = 0; i < 46; i++) {
    const ti = i % 3;
    const topic = TOPICS_J[ti];
    const queueId = Math.floor(i / 3) % (ti === 2 ? 2 : 4);
    const props = { KEYS: `jk-${i} shared-${topic} grp-${i % 5}${i === 7 ? ' ключ-7' : ''}` };
    if (i % 6 !== 5) props.TAGS = TAGS[i % TAGS.length];
    if (i % 4 !== 3) props.UNIQ_KEY = uniq('0A', i);
    props.userProp = `v${i}`;
    if (i % 7 === 0) props.note = `é中文 ✓ #${i}`;
    if (i === 10) props['имя'] = 'значение';
    if (i % 3 === 0) props.WAIT = 'true';
    let body;
    if (i === 0) body = Buffer.from('Hello RocketMQ');
    else if (i === 5) body = Buffer.from('你好, RocketMQ ✓ 🚀 message #5');
    else if (i === 9) body = bodyBytes(i, 200 * 1024);
    else if (i === 11) body = Buffer.alloc(0);
    else if (i % 6 === 4) body = bodyBytes(i, 250 * 1024);
    else body = Buffer.concat([Buffer.from(`body-${i}-`), bodyBytes(i, 40 + i)]);
    msgs.push({
      topic,
      queueId,
      body: body.toString('hex'),
      flag: i % 4,
      sysFlag: 0,
      bornTimestamp: BORN + i,
      bornHost: i === 13 ? '[2001:db8::7]:50001' : `10.1.${i}.${i + 1}:${40000 + i}`,
      reconsumeTimes: i === 7 ? 3 : 0,
      properties: props,
    });
    if ([3, 15, 27, 40].includes(i)) {
      const n = b === 3 ? 3 : 5;
      const items = [];
      for (let j = 0; j < n; j++) {
        const body2 = b === 3 ? bodyBytes(1000 + j, 100 * 1024) : Buffer.concat([Buffer.from(`batch-${b}-item-${j} ü `), bodyBytes(100 * b + j, 30)]);
        const p = { KEYS: `jbk-${b}-${j} jbatch-${b}`, TAGS: b % 2 ? 'BatchTag' : '批', UNIQ_KEY: uniq('0B', 10 * b + j) };
        if (j === 1) p.itemProp = 'ü-Wert';
        items.push({ body: body2.toString('hex'), flag: j, properties: p });
      }
      const entry = {
        topic: TOPICS_J[b % 3],
        queueId: b % 2,
        bornTimestamp: BORN + 1000 + b,
        bornHost: b === 2 ? '[2001:db8::1:2]:40002' : `10.9.9.${b + 1}:40000`,
        flag: 0,
        batch: items,
      };
      if (b === 0) entry.properties = { WAIT: 'true' }; // explicit header: the items keep their UNIQ_KEY on 5.x too
      msgs.push(entry);
      b++;
    }
  }
  const spec = {
    config: { mappedFileSizeCommitLog: CL_SIZE, mappedFileSizeConsumeQueue: CQ_SIZE, flushDiskType: 'ASYNC_FLUSH', maxHashSlotNum: HASH_SLOTS, maxIndexNum: INDEX_NUM },
    storeHost: STORE_HOST_TEXT,
    clusterName: 'DefaultCluster',
    brokerLike: true,
    messages: msgs,
  };
  if (crash) spec.crash = true;
  return spec;
}

/** One expected record per acknowledged put, from the spec and the write output (fields the writer knows). */
function expectedFromJavaWrite(spec, write, problems) {
  const puts = write.records.filter((l) => 'status' in l);
  if (puts.length !== spec.messages.length) problems.push(`write printed ${puts.length} put lines for ${spec.messages.length} spec messages`);
  const exp = [];
  spec.messages.forEach((m, idx) => {
    const w = puts.find((p) => p.index === idx);
    if (!w) return;
    if (w.status !== 'PUT_OK') {
      problems.push(`put #${idx} (${m.topic}/${m.queueId}) status ${w.status}`);
      return;
    }
    if (m.batch) {
      const ids = String(w.msgId).split(',');
      if (ids.length !== m.batch.length) problems.push(`batch put #${idx}: ${ids.length} msg ids for ${m.batch.length} items`);
      m.batch.forEach((it, j) => {
        exp.push({
          topic: m.topic,
          queueId: m.queueId,
          queueOffset: w.queueOffset + j,
          commitLogOffset: parseInt(ids[j].slice(-16), 16),
          msgId: ids[j],
          storeTimestamp: w.storeTimestamp,
          bornTimestamp: m.bornTimestamp,
          bornHost: m.bornHost,
          storeHost: STORE_HOST_TEXT,
          flag: it.flag,
          body: it.body.toUpperCase(),
          batch: true,
          batchUniqKey: w.batchUniqKey,
        });
      });
    } else {
      exp.push({
        topic: m.topic,
        queueId: m.queueId,
        queueOffset: w.queueOffset,
        commitLogOffset: w.wroteOffset,
        size: w.wroteBytes,
        msgId: w.msgId,
        storeTimestamp: w.storeTimestamp,
        bornTimestamp: m.bornTimestamp,
        bornHost: m.bornHost,
        storeHost: STORE_HOST_TEXT,
        flag: m.flag,
        reconsumeTimes: m.reconsumeTimes,
        body: m.body.toUpperCase(),
        batch: false,
        uniqKey: w.uniqKey,
      });
    }
  });
  return exp;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Which CommitLog file abnormal recovery starts from (STORE.md 9.3, 4.9.x..5.3.3): scanning from the last file back,
 * the first whose first record's store time is <= min(physicMsgTimestamp, logicsMsgTimestamp) - 3 s; none: file 0.
 * Computed from the dump's before-state (checkpoint) and its records.
 */
function recoveryStart(dump) {
  const s = dump.summary;
  if (!s || !s.before || !s.before.checkpoint || !s.before.checkpoint.exists) return 'no checkpoint file: abnormal recovery from file 0';
  const c = s.before.checkpoint;
  const min = Math.max(0, Math.min(c.physicMsgTimestamp, c.logicsMsgTimestamp) - 3000);
  const firsts = new Map();
  for (const d of dump.records) {
    if (!('commitLogOffset' in d) || d.error) continue;
    const f = Math.floor(d.commitLogOffset / CL_SIZE);
    const cur = firsts.get(f);
    if (!cur || d.commitLogOffset < cur.commitLogOffset) firsts.set(f, d);
  }
  const files = [...firsts.keys()].sort((a, b) => b - a);
  const start = files.find((f) => firsts.get(f).commitLogOffset === f * CL_SIZE && firsts.get(f).storeTimestamp <= min);
  return `checkpoint min time - 3 s = ${min}: abnormal recovery starts at CommitLog file ${start === undefined ? 0 : start} of ${files.length}`;
}

const WRITE_FIELDS = ['topic', 'queueId', 'queueOffset', 'commitLogOffset', 'size', 'msgId', 'storeTimestamp', 'bornTimestamp', 'bornHost', 'storeHost', 'flag', 'reconsumeTimes', 'body'];
const ALL_FIELDS = ['topic', 'queueId', 'queueOffset', 'commitLogOffset', 'size', 'sysFlag', 'flag', 'bornTimestamp', 'bornHost', 'storeTimestamp', 'storeHost', 'reconsumeTimes', 'preparedTransactionOffset', 'bodyCrc', 'bodyLength', 'body', 'properties', 'msgId'];
const CQ_FIELDS = ['tagsCode', 'cqCommitLogOffset', 'cqSize'];

/** Java's dump lines by (topic, queueId, queueOffset). */
function dumpIndex(dump) {
  const m = new Map();
  for (const d of dump.records) if ('topic' in d && !d.error) m.set(key(d.topic, d.queueId, d.queueOffset), d);
  return m;
}

async function javaToTsmq(version, crash, sections) {
  const tag = `[${version}] Java->tsmq ${crash ? 'crashed' : 'clean'}`;
  const out = [];
  const add = (name, ok, reason, details, always) => {
    check(`${tag}: ${name}`, ok, reason, details, always);
    out.push(results[results.length - 1]);
  };
  sections.push(out);
  const base = work(version, crash ? 'java-crashed' : 'java-clean');
  fs.mkdirSync(path.dirname(base), { recursive: true });
  // clean: one write. crashed: three writes into the same store, so that the checkpoint is real and the abnormal
  // recovery need not start at the first file: up to message 22 (ends in the 2nd CommitLog file), 2 s pause, up to
  // message 34 (clean shutdown: checkpoint), then the rest with crash:true (halt, abort file stays).
  const full = javaSpec(crash);
  const parts = [];
  if (!crash) parts.push(full);
  else {
    const cut = (n) => full.messages.findIndex((m) => m.bornTimestamp === BORN + n);
    const bounds = [0, cut(23), cut(35), full.messages.length];
    for (let k = 0; k < 3; k++) parts.push({ ...full, messages: full.messages.slice(bounds[k], bounds[k + 1]), crash: k === 2, allowExisting: k > 0 });
  }
  const wProblems = [];
  const exp = [];
  const writes = [];
  for (let k = 0; k < parts.length; k++) {
    if (k === 1) await sleep(2000);
    const specFile = `${base}.spec${k}.json`;
    fs.writeFileSync(specFile, JSON.stringify(parts[k]));
    const wr = await java(version, ['write', base, specFile], `${version}-${crash ? 'jc' : 'j'}-write${k}`);
    writes.push(wr);
    const jp = javaProblem(wr);
    if (jp && !(parts[k].crash && wr.summary && wr.summary.crashed && wr.code === 0)) wProblems.push(jp);
    exp.push(...expectedFromJavaWrite(parts[k], wr, wProblems));
    if (!wr.summary) break;
    if (!parts[k].crash && (wr.summary.abortFileExistsAfterShutdown || wr.summary.shutDownNormal !== true)) wProblems.push(`write ${k}: Java did not shut down cleanly`);
  }
  const write = writes[writes.length - 1];
  if (!write.summary) {
    add('Java writes the store', false, 'the write command failed', wProblems);
    return;
  }
  if (crash && !write.summary.crashed) wProblems.push('write with crash:true did not report crashed');
  if (crash && !fs.existsSync(path.join(base, 'abort'))) wProblems.push('no abort file in the crashed store');

  // copies: one per reader (every opener recovers, locks and rewrites files)
  const tsmqDir = `${base}.tsmq`;
  const refDir = `${base}.ref`;
  copyDir(base, tsmqDir);
  copyDir(base, refDir);

  // queries: (topic, key)
  const batchUks = writes.flatMap((wr) => wr.records).filter((l) => l.batchUniqKey).map((l) => [l.topic, l.batchUniqKey]);
  const queries = crash
    ? [
        [TOPICS_J[0], `shared-${TOPICS_J[0]}`],
        [TOPICS_J[1], uniq('0A', 4)],
      ]
    : [
        [TOPICS_J[1], uniq('0A', 1)], // UNIQ_KEY of a single send
        [TOPICS_J[0], `shared-${TOPICS_J[0]}`], // one of several KEYS, 16 messages
        [TOPICS_J[1], 'jbk-1-2'], // key of a batch item
        [TOPICS_J[1], 'ключ-7'], // non-ASCII key
        batchUks.length > 0 ? batchUks[batchUks.length - 1] : [TOPICS_J[2], uniq('0B', 20)], // 5.x batch UNIQ_KEY / 4.9 item UNIQ_KEY
        [TOPICS_J[2], 'grp-2'],
      ];
  const javaJobs = [java(version, [crash ? 'verify-abnormal' : 'dump', refDir, JAVA_CONFIG], `${version}-${crash ? 'jc' : 'j'}-${crash ? 'verify' : 'dump'}`)];
  queries.forEach(([topic, k], n) => {
    const qd = `${base}.q${n}`;
    copyDir(base, qd);
    javaJobs.push(java(version, ['query', qd, topic, Buffer.from(k, 'utf8').toString('hex'), '--hex-key', '--config', JAVA_CONFIG], `${version}-${crash ? 'jc' : 'j'}-query${n}`));
  });

  // tsmq rebuilds the IndexFiles of a copy from the CommitLog (index/ and checkpoint removed, abort present)
  let reindex;
  if (!crash) {
    const rd = `${base}.tsmq-reindex`;
    copyDir(base, rd);
    fs.rmSync(path.join(rd, 'index'), { recursive: true, force: true });
    fs.rmSync(path.join(rd, 'checkpoint'), { force: true });
    fs.writeFileSync(path.join(rd, 'abort'), '');
    try {
      const st = await T.openStore(tsmqConfig(rd));
      await st.whenIdle();
      await st.shutdown();
      reindex = compareIndexFiles(base, rd, 'Java', 'tsmq');
    } catch (e) {
      reindex = { problems: [`tsmq failed: ${e.stack || e}`], notes: [], count: [0, 0] };
    }
  }

  // tsmq opens its copy while the JVMs run
  let store;
  let tsmqRead;
  let tsmqErr;
  const tq = [];
  let lastExitOK;
  let tsmqMaxPhy;
  const lookups = [];
  let appendExp = [];
  const appendProblems = [];
  let appendMaxPhy;
  try {
    store = await T.openStore(tsmqConfig(tsmqDir));
    lastExitOK = store.lastExitOK;
    tsmqMaxPhy = store.maxPhyOffset;
    tsmqRead = await readTsmqStore(store);
    for (const [topic, k] of queries) tq.push(await tsmqQuery(store, topic, k));
    for (const e of exp) {
      const m = await store.lookMessageByOffset(T.decodeMessageId(e.msgId).commitLogOffset);
      lookups.push({ e, m });
    }
    // then tsmq appends to the Java store: Java must read old and new records after tsmq's shutdown
    appendExp = await tsmqPut(store, appendEntries(), appendProblems);
    await store.whenIdle();
    appendMaxPhy = store.maxPhyOffset;
  } catch (e) {
    tsmqErr = e;
  } finally {
    if (store) await store.shutdown().catch((e) => (tsmqErr = tsmqErr || e));
  }
  if (!tsmqErr) javaJobs.push(java(version, ['verify-abnormal', tsmqDir, JAVA_CONFIG], `${version}-${crash ? 'jc' : 'j'}-after-tsmq-append`));
  const [dump, ...qres] = await Promise.all(javaJobs);
  const afterAppend = tsmqErr ? undefined : qres.pop();

  // ---- preconditions: what Java wrote is what the test intends
  const before = dump.summary && dump.summary.before;
  const cl = before && before.commitLog;
  const cqRolled = before ? before.consumeQueues.filter((q) => (q.files || []).length > 1).length : 0;
  const v6 = exp.filter((e) => e.bornHost.startsWith('[')).length;
  const nBatch = exp.filter((e) => e.batch).length;
  if (cl) {
    const files = dump.summary.commitLogFiles || [];
    if (files.length < 3) wProblems.push(`CommitLog has ${files.length} files, expected >= 3`);
    if (cl.blanks < 2) wProblems.push(`only ${cl.blanks} BLANK records`);
    if (cqRolled < 1) wProblems.push('no ConsumeQueue rolled to a second file');
  }
  add(
    'Java writes the store',
    wProblems.length === 0,
    `${writes.length} write run(s), ${exp.length} records acknowledged (${nBatch} in batches, ${v6} with IPv6 born host), ${cl ? `${(dump.summary.commitLogFiles || []).length} CommitLog files, ${cl.blanks} BLANKs, ${cqRolled} CQs rolled, ${before.index.length} IndexFiles${crash ? `, ${recoveryStart(dump)}` : ''}` : 'no Java dump to describe it'}`,
    wProblems,
  );

  // ---- Java's own reading of its store (the reference for properties, tagsCode, sysFlag...)
  const dProblems = [];
  const djp = javaProblem(dump);
  if (djp) dProblems.push(djp);
  const dIdx = dump.summary ? dumpIndex(dump) : new Map();
  for (const d of dump.records) if (d.error) dProblems.push(`Java dump: ${d.topic}/${d.queueId}@${d.queueOffset}: ${d.error} (${d.getStatus})`);
  for (const e of exp) {
    const d = dIdx.get(key(e.topic, e.queueId, e.queueOffset));
    if (!d) dProblems.push(`${recName(e)}: missing from Java's own ${crash ? 'recovery' : 'dump'}`);
    else dProblems.push(...diffFields(recName(e), e, d, WRITE_FIELDS, 'written', 'Java read'));
  }
  if (dump.summary && dump.summary.messages !== exp.length) dProblems.push(`Java's dump has ${dump.summary.messages} messages, ${exp.length} were acknowledged`);
  add(
    `Java reads its own store back (reference; ${crash ? 'verify-abnormal' : 'dump'})`,
    dProblems.length === 0,
    dump.summary ? `${dump.summary.messages} messages, maxPhyOffset ${dump.summary.maxPhyOffsetBeforeRecovery} -> ${dump.summary.maxPhyOffsetAfterRecovery}${crash ? `, truncatedBytes ${dump.summary.truncatedBytes}` : ''}` : 'no dump',
    dProblems,
  );

  // ---- tsmq
  if (tsmqErr || !tsmqRead) {
    add('tsmq opens the Java store', false, `tsmq failed: ${tsmqErr ? tsmqErr.stack || tsmqErr : 'no result'}`);
    return;
  }
  const oProblems = [...tsmqRead.problems];
  if (lastExitOK !== !crash) oProblems.push(`lastExitOK ${lastExitOK}, expected ${!crash} (abort file ${crash ? 'present' : 'absent'})`);
  if (dump.summary && tsmqMaxPhy !== dump.summary.maxPhyOffsetAfterRecovery)
    oProblems.push(`maxPhyOffset after recovery: Java ${dump.summary.maxPhyOffsetAfterRecovery}, tsmq ${tsmqMaxPhy}`);
  add(
    `tsmq opens the Java store (${crash ? 'abnormal' : 'normal'} recovery)`,
    oProblems.length === 0,
    `lastExitOK ${lastExitOK}, maxPhyOffset ${tsmqMaxPhy}, ${tsmqRead.recs.size} messages in ${tsmqRead.queues.length} queues`,
    oProblems,
  );

  // queues, min and max offsets
  const qProblems = [];
  if (dump.summary) {
    const jq = new Map(dump.summary.queues.map((q) => [qkey(q.topic, q.queueId), q]));
    const tqs = new Map(tsmqRead.queues.map((q) => [qkey(q.topic, q.queueId), q]));
    for (const [k, q] of jq) {
      const t = tqs.get(k);
      if (!t) qProblems.push(`queue ${k}: Java min ${q.min} max ${q.max}, missing in tsmq`);
      else if (t.min !== q.min || t.max !== q.max) qProblems.push(`queue ${k}: Java min/max ${q.min}/${q.max}, tsmq ${t.min}/${t.max}`);
    }
    for (const [k, t] of tqs) if (!jq.has(k)) qProblems.push(`queue ${k}: tsmq min/max ${t.min}/${t.max}, not a Java queue`);
    // the write's own view of the queues
    for (const q of writes.flatMap((wr) => (wr.summary && wr.summary.queues) || []).filter((q, i, all) => all.findLastIndex((x) => x.topic === q.topic && x.queueId === q.queueId) === i)) {
      const t = tqs.get(qkey(q.topic, q.queueId));
      if (!t || t.max !== q.max) qProblems.push(`queue ${qkey(q.topic, q.queueId)}: max ${q.max} when Java wrote it, tsmq ${t ? t.max : 'none'}`);
    }
  } else qProblems.push('no Java dump to compare with');
  add('queues and min/max offsets agree with Java', qProblems.length === 0, `${tsmqRead.queues.length} queues`, qProblems);

  // every acknowledged message, as written
  const aProblems = [];
  for (const e of exp) {
    const t = tsmqRead.recs.get(key(e.topic, e.queueId, e.queueOffset));
    if (!t) aProblems.push(`${recName(e)}: acknowledged by Java, not returned by tsmq getMessage`);
    else aProblems.push(...diffFields(recName(e), e, t, WRITE_FIELDS, 'Java wrote', 'tsmq read'));
  }
  add(`every acknowledged message is read back by tsmq (${WRITE_FIELDS.length} fields vs the write output)`, aProblems.length === 0, `${exp.length} messages`, aProblems);

  // field by field against Java's reading
  const fProblems = [];
  const cProblems = [];
  let compared = 0;
  for (const [k, d] of dIdx) {
    const t = tsmqRead.recs.get(k);
    const what = recName(d);
    if (!t) {
      fProblems.push(`${what}: in Java's ${crash ? 'recovered store' : 'dump'}, missing in tsmq`);
      continue;
    }
    compared++;
    fProblems.push(...diffFields(what, d, t, ALL_FIELDS, 'Java', 'tsmq'));
    cProblems.push(...diffFields(what, d, t, CQ_FIELDS, 'Java CQ unit', 'tsmq CQ unit'));
  }
  for (const [k, t] of tsmqRead.recs) if (!dIdx.has(k)) fProblems.push(`${recName(t)}: returned by tsmq, not by Java`);
  add(`tsmq decodes every record like Java (${ALL_FIELDS.length} fields incl. properties as maps, sysFlag, msgId)`, fProblems.length === 0 && compared > 0, `${compared} records compared`, fProblems);
  add('ConsumeQueue units (tagsCode, commitLogOffset, size) agree with Java', cProblems.length === 0 && compared > 0, `${compared} units`, cProblems);

  // view by offset message id
  const lProblems = [];
  for (const { e, m } of lookups) {
    if (!m) lProblems.push(`${recName(e)}: lookMessageByOffset(${T.decodeMessageId(e.msgId).commitLogOffset}) found nothing`);
    else if (m.msgId !== e.msgId || m.topic !== e.topic || m.queueOffset !== e.queueOffset) lProblems.push(`${recName(e)}: lookMessageByOffset gave ${m.topic}/${m.queueId}@${m.queueOffset} msgId ${m.msgId}, expected msgId ${e.msgId}`);
  }
  add('lookMessageByOffset finds every record by its offset msgId', lProblems.length === 0, `${lookups.length} lookups`, lProblems);

  // key queries
  queries.forEach(([topic, k], n) => {
    const q = qres[n];
    const problems = [];
    const jp2 = javaProblem(q);
    if (jp2) problems.push(jp2);
    const jOff = q.records.filter((l) => 'commitLogOffset' in l).map((l) => l.commitLogOffset).sort((a, b) => a - b);
    const tOff = tq[n] || [];
    const want = [...dIdx.values()].filter((d) => d.topic === topic && hasKey(d.properties, k)).map((d) => d.commitLogOffset).sort((a, b) => a - b);
    if (JSON.stringify(jOff) !== JSON.stringify(tOff)) problems.push(`query ${topic} ${JSON.stringify(k)}: Java offsets ${JSON.stringify(jOff)}, tsmq offsets ${JSON.stringify(tOff)}`);
    if (JSON.stringify(want) !== JSON.stringify(tOff)) problems.push(`query ${topic} ${JSON.stringify(k)}: messages carrying the key ${JSON.stringify(want)}, tsmq found ${JSON.stringify(tOff)}`);
    add(`queryMessage(${topic}, ${JSON.stringify(k)}) agrees with Java's query`, problems.length === 0, `Java ${jOff.length}, tsmq ${tOff.length}, carrying the key ${want.length}`, problems);
  });

  if (reindex) {
    add(
      'IndexFiles tsmq rebuilds from the Java CommitLog are byte-identical to Java\'s',
      reindex.problems.length === 0 && reindex.count[0] > 0,
      `${reindex.count[0]} Java IndexFiles, ${reindex.count[1]} tsmq IndexFiles${reindex.notes.length ? `; note: ${reindex.notes.join('; ')}` : ''}`,
      reindex.problems,
    );
  }

  // tsmq appended to the store it recovered; Java opens the result
  const s = afterAppend.summary;
  const rProblems = [...appendProblems];
  const jp3 = javaProblem(afterAppend);
  if (jp3) rProblems.push(jp3);
  if (s) {
    if (s.abortFileExistedAtStart) rProblems.push('abort file left by tsmq shutdown');
    if (s.nothingTruncated !== true) rProblems.push(`nothingTruncated ${s.nothingTruncated}: ${JSON.stringify((s.consumeQueueCheck || []).filter((c) => c.maxOffsetAfter !== c.maxOffsetBefore))}`);
    if (s.maxPhyOffsetBeforeRecovery !== appendMaxPhy || s.validEndBeforeRecovery !== appendMaxPhy || s.maxPhyOffsetAfterRecovery !== appendMaxPhy)
      rProblems.push(`CommitLog end: tsmq ${appendMaxPhy}, Java before ${s.maxPhyOffsetBeforeRecovery} (validEnd ${s.validEndBeforeRecovery}, stop ${JSON.stringify(s.before.commitLog.stop)}), after ${s.maxPhyOffsetAfterRecovery}`);
    const cl = s.before.commitLog;
    for (const f of cl.files.slice(0, -1)) if (!f.blank || !f.blank.reachesFileEnd) rProblems.push(`CommitLog file ${f.name} does not end with a BLANK reaching the file end: ${JSON.stringify(f.blank)}`);
  }
  // appended queue offsets continue Java's
  if (dump.summary) {
    const jmax = new Map(dump.summary.queues.map((q) => [qkey(q.topic, q.queueId), q.max]));
    const firstApp = new Map();
    for (const e of appendExp) if (!firstApp.has(qkey(e.topic, e.queueId))) firstApp.set(qkey(e.topic, e.queueId), e.queueOffset);
    for (const [k, off] of firstApp) if (off !== (jmax.get(k) || 0)) rProblems.push(`first record tsmq appended to ${k} got queue offset ${off}, Java's max was ${jmax.get(k) || 0}`);
  }
  add(
    'tsmq appends to the Java store; Java\'s recovery of the result truncates nothing',
    rProblems.length === 0 && !!s,
    s ? `${appendExp.length} records appended, CommitLog end ${appendMaxPhy}, ${s.commitLogFiles.length} CommitLog files, Java: before ${s.maxPhyOffsetBeforeRecovery}, after ${s.maxPhyOffsetAfterRecovery}, nothingTruncated ${s.nothingTruncated}` : 'no Java summary',
    rProblems,
  );
  const mProblems = [];
  if (s) {
    const aIdx = dumpIndex(afterAppend);
    for (const [k, d] of dIdx) {
      const a = aIdx.get(k);
      if (!a) mProblems.push(`${recName(d)}: Java-written record missing after tsmq's append`);
      else mProblems.push(...diffFields(recName(d), d, a, [...ALL_FIELDS, ...CQ_FIELDS], 'Java before', 'Java after'));
    }
    for (const e of appendExp) {
      const a = aIdx.get(key(e.topic, e.queueId, e.queueOffset));
      if (!a) mProblems.push(`${recName(e)}: appended by tsmq, missing in Java's dump`);
      else mProblems.push(...diffFields(recName(e), e, a, JAVA_VS_EXPECTED, 'tsmq wrote', 'Java read'));
    }
    if (aIdx.size !== dIdx.size + appendExp.length) mProblems.push(`Java has ${aIdx.size} messages, expected ${dIdx.size} + ${appendExp.length}`);
  }
  add('Java reads the Java-written and the tsmq-appended records with identical fields', mProblems.length === 0 && !!s, `${dIdx.size} + ${appendExp.length} records`, mProblems);
}

// ------------------------------------------------------------------------------------------------ tsmq -> Java

const TOPICS_T = ['XCheckTsmqA', 'XCheckTsmqB', 'XCheckTsmqC'];

/**
 * Puts messages into a running tsmq store and returns the expected record of each acknowledged one (the fields the
 * Java tool prints). Entries: {topic, queueId, body: Buffer, props, bornHost, bornTimestamp, flag, reconsumeTimes}
 * or batches {topic, queueId, batch: [{body: string, flag, props}], header: [[k, v]...], trailing, bornHost,
 * bornTimestamp} (body built with the batch body helper, header = the batch-level properties).
 */
async function tsmqPut(store, entries, problems) {
  const exp = [];
  for (const m of entries) {
    const v6 = m.bornHost.startsWith('[');
    // canonical IPv6 text from the WHATWG URL parser (RFC 5952 form), independent of tsmq's address code
    const bornHostText = v6 ? `${new URL(`http://${m.bornHost.slice(0, m.bornHost.lastIndexOf(':'))}/`).hostname}:${m.bornHost.slice(m.bornHost.lastIndexOf(':') + 1)}` : m.bornHost;
    if (m.batch) {
      const batch = {
        topic: m.topic,
        queueId: m.queueId,
        sysFlag: 0,
        bornTimestamp: m.bornTimestamp,
        bornHost: encodeHost(m.bornHost),
        storeHost: T.STORE_HOST,
        reconsumeTimes: 0,
        body: T.batchBody(m.batch),
        batchPropertiesString: T.formatProperties(m.header, m.trailing !== false),
      };
      const r = await store.putMessages(batch);
      if (r.status !== T.PutMessageStatus.PUT_OK || !r.appendResult) {
        problems.push(`batch to ${m.topic}/${m.queueId}: ${r.status} ${r.remark || ''}`);
        continue;
      }
      const a = r.appendResult;
      const ids = a.msgId.split(',');
      if (ids.length !== m.batch.length || a.msgNum !== m.batch.length) problems.push(`batch to ${m.topic}/${m.queueId}: ${ids.length} ids, msgNum ${a.msgNum}, ${m.batch.length} items`);
      m.batch.forEach((it, j) => {
        const props = { ...it.props, ...Object.fromEntries(m.header) };
        exp.push({
          topic: m.topic,
          queueId: m.queueId,
          queueOffset: a.logicsOffset + j,
          commitLogOffset: parseInt(ids[j].slice(-16), 16),
          msgId: ids[j],
          storeTimestamp: a.storeTimestamp,
          bornTimestamp: m.bornTimestamp,
          bornHost: bornHostText,
          storeHost: STORE_HOST_TEXT,
          flag: it.flag || 0,
          sysFlag: v6 ? 0x10 : 0,
          reconsumeTimes: 0,
          preparedTransactionOffset: 0,
          body: Buffer.from(it.body).toString('hex').toUpperCase(),
          properties: sortedObj(props),
          tagsCode: expectedTagsCode(props),
          batch: true,
        });
      });
    } else {
      const msg = T.message(m.topic, m.queueId, m.body, m.props);
      msg.flag = m.flag || 0;
      msg.bornTimestamp = m.bornTimestamp;
      msg.bornHost = encodeHost(m.bornHost);
      msg.reconsumeTimes = m.reconsumeTimes || 0;
      const r = await store.putMessage(msg);
      if (r.status !== T.PutMessageStatus.PUT_OK || !r.appendResult) {
        problems.push(`put to ${m.topic}/${m.queueId}: ${r.status} ${r.remark || ''}`);
        continue;
      }
      const a = r.appendResult;
      exp.push({
        topic: m.topic,
        queueId: m.queueId,
        queueOffset: a.logicsOffset,
        commitLogOffset: a.wroteOffset,
        size: a.wroteBytes,
        msgId: a.msgId,
        storeTimestamp: a.storeTimestamp,
        bornTimestamp: m.bornTimestamp,
        bornHost: bornHostText,
        storeHost: STORE_HOST_TEXT,
        flag: msg.flag,
        sysFlag: v6 ? 0x10 : 0,
        reconsumeTimes: msg.reconsumeTimes,
        preparedTransactionOffset: 0,
        body: m.body.toString('hex').toUpperCase(),
        properties: sortedObj(m.props),
        tagsCode: expectedTagsCode(m.props),
        batch: false,
      });
    }
  }
  return exp;
}

/** The tsmq store's content: 46 single sends and 4 batches (18 records), like javaSpec. */
function tsmqEntries() {
  const entries = [];
  let b = 0;
  for (let i = 0; i < 46; i++) {
    const ti = i % 3;
    const topic = TOPICS_T[ti];
    const queueId = Math.floor(i / 3) % (ti === 2 ? 2 : 4);
    const props = { KEYS: `tk-${i} shared-${topic} grp-${i % 5}${i === 7 ? ' ключ-7' : ''}` };
    if (i % 6 !== 5) props.TAGS = TAGS[i % TAGS.length];
    if (i % 4 !== 3) props.UNIQ_KEY = uniq('0E', i);
    props.userProp = `v${i}`;
    if (i % 7 === 0) props.note = `é中文 ✓ #${i}`;
    if (i === 10) props['имя'] = 'значение';
    props.CLUSTER = 'DefaultCluster';
    let body;
    if (i === 0) body = Buffer.from('Hello RocketMQ');
    else if (i === 5) body = Buffer.from('你好, RocketMQ ✓ 🚀 message #5');
    else if (i === 9) body = bodyBytes(i, 200 * 1024);
    else if (i === 11) body = Buffer.alloc(0);
    else if (i % 6 === 4) body = bodyBytes(i, 250 * 1024);
    else body = Buffer.concat([Buffer.from(`body-${i}-`), bodyBytes(i, 40 + i)]);
    const bornHost = i === 13 ? '[2001:db8::7]:50001' : i === 31 ? '[2001:db8:0:0:1:0:0:1]:50031' : `10.1.${i}.${i + 1}:${40000 + i}`;
    entries.push({ topic, queueId, body, props, bornHost, bornTimestamp: BORN + i, flag: i % 4, reconsumeTimes: i === 7 ? 3 : 0 });
    if ([3, 15, 27, 40].includes(i)) {
      const n = b === 3 ? 3 : 5;
      const items = [];
      for (let j = 0; j < n; j++) {
        const p = { KEYS: `tbk-${b}-${j} tbatch-${b}`, TAGS: b % 2 ? 'BatchTag' : '批', UNIQ_KEY: uniq('0D', 10 * b + j) };
        if (j === 1) p.itemProp = 'ü-Wert';
        items.push({ body: b === 3 ? `batch-${b}-${j}-${'x'.repeat(100 * 1024)}` : `batch-${b}-item-${j} ü ✓`, flag: j, props: p });
      }
      // batch-level (request header) properties, as the broker appends them; batch 2 carries a batch UNIQ_KEY (5.x
      // client), batch 1 none, batch 3 without the trailing separator
      const header = [
        [
          ['WAIT', 'true'],
          ['CLUSTER', 'DefaultCluster'],
        ],
        [],
        [
          ['WAIT', 'true'],
          ['UNIQ_KEY', uniq('0C', 2)],
          ['CLUSTER', 'DefaultCluster'],
        ],
        [['CLUSTER', 'DefaultCluster']],
      ][b];
      entries.push({
        topic: TOPICS_T[b % 3],
        queueId: b % 2,
        batch: items,
        header,
        trailing: b !== 3,
        bornHost: b === 2 ? '[2001:db8::1:2]:40002' : `10.9.9.${b + 1}:40000`,
        bornTimestamp: BORN + 1000 + b,
      });
      b++;
    }
  }
  return entries;
}

/** What tsmq appends to a Java-written store (continuing Java's queues, a new queue, a file roll). */
function appendEntries() {
  return [
    { topic: TOPICS_J[0], queueId: 0, body: Buffer.from('appended by tsmq ✓'), props: { KEYS: 'app-1 shared-app', TAGS: 'TagA', UNIQ_KEY: uniq('0F', 1), CLUSTER: 'DefaultCluster' }, bornHost: '10.7.7.7:7000', bornTimestamp: BORN + 5000, flag: 1 },
    { topic: TOPICS_J[1], queueId: 1, body: bodyBytes(77, 900 * 1024), props: { KEYS: 'app-2 shared-app', TAGS: '标签A', UNIQ_KEY: uniq('0F', 2) }, bornHost: '[2001:db8::77]:7001', bornTimestamp: BORN + 5001 },
    {
      topic: TOPICS_J[1],
      queueId: 1,
      batch: [0, 1, 2].map((j) => ({ body: `appended batch item ${j} ü`, flag: j, props: { KEYS: `app-b${j} shared-app`, TAGS: 'BatchTag', UNIQ_KEY: uniq('0F', 10 + j) } })),
      header: [
        ['WAIT', 'true'],
        ['CLUSTER', 'DefaultCluster'],
      ],
      bornHost: '10.7.7.8:7002',
      bornTimestamp: BORN + 5002,
    },
    { topic: 'XCheckAppendNew', queueId: 3, body: Buffer.from(''), props: { KEYS: 'app-3', UNIQ_KEY: uniq('0F', 3) }, bornHost: '10.7.7.9:7003', bornTimestamp: BORN + 5003, reconsumeTimes: 2 },
  ];
}

/**
 * tsmq writes its store in two phases 3.5 s apart (so that the checkpoint, periodic flushes and a full IndexFile
 * happen in between and Java's abnormal recovery does not simply start from the first CommitLog file), and copies
 * the running store twice: right after whenIdle() ("crashed") and 1.5 s later, after the periodic checkpoint, CQ
 * flush and index commit ("crashed-settled"). Returns what it wrote, its own reading and query answers.
 */
async function tsmqWrite() {
  const dir = work('tsmq-store');
  const crashCopies = { crashed: work('tsmq-store.crashed'), 'crashed-settled': work('tsmq-store.crashed-settled') };
  const store = await T.openStore(tsmqConfig(dir));
  const problems = [];
  const entries = tsmqEntries();
  const split = entries.findIndex((e) => e.bornTimestamp === BORN + 30);
  const exp = await tsmqPut(store, entries.slice(0, split), problems);
  await store.whenIdle();
  await sleep(3500);
  exp.push(...(await tsmqPut(store, entries.slice(split), problems)));
  await store.whenIdle();
  // "crash": copy the directory of the running store (abort file present; nothing runs during the sync copy)
  copyDir(dir, crashCopies.crashed);
  await sleep(1500);
  copyDir(dir, crashCopies['crashed-settled']);
  const crashHasAbort = Object.values(crashCopies).every((c) => fs.existsSync(path.join(c, 'abort')));
  const crashState = {};
  for (const [name, c] of Object.entries(crashCopies)) crashState[name] = { checkpoint: fs.existsSync(path.join(c, 'checkpoint')), index: fs.readdirSync(path.join(c, 'index')).length };
  const read = await readTsmqStore(store);
  const maxPhy = store.maxPhyOffset;
  const queries = [
    [TOPICS_T[1], uniq('0E', 1)],
    [TOPICS_T[0], `shared-${TOPICS_T[0]}`],
    [TOPICS_T[1], 'tbk-1-2'],
    [TOPICS_T[1], 'ключ-7'],
    [TOPICS_T[2], uniq('0C', 2)], // batch-level UNIQ_KEY: every item of batch 2
    [TOPICS_T[2], uniq('0D', 20)], // an item UNIQ_KEY hidden by the batch-level one
  ];
  const answers = [];
  for (const [topic, k] of queries) answers.push(await tsmqQuery(store, topic, k));
  await store.shutdown();
  const abortAfter = fs.existsSync(path.join(dir, 'abort'));
  // layout facts
  const clFiles = fs.readdirSync(path.join(dir, 'commitlog'));
  let cqRolled = 0;
  for (const t of fs.readdirSync(path.join(dir, 'consumequeue'))) for (const q of fs.readdirSync(path.join(dir, 'consumequeue', t))) if (fs.readdirSync(path.join(dir, 'consumequeue', t, q)).length > 1) cqRolled++;
  const indexFiles = fs.existsSync(path.join(dir, 'index')) ? fs.readdirSync(path.join(dir, 'index')).length : 0;
  return { dir, crashCopies, crashState, crashHasAbort, exp, problems, read, maxPhy, queries, answers, abortAfter, clFiles, cqRolled, indexFiles };
}

const JAVA_VS_EXPECTED = ['topic', 'queueId', 'queueOffset', 'commitLogOffset', 'size', 'sysFlag', 'flag', 'bornTimestamp', 'bornHost', 'storeTimestamp', 'storeHost', 'reconsumeTimes', 'preparedTransactionOffset', 'body', 'properties', 'tagsCode', 'msgId'];

function checkJavaRecoveryOfTsmq(tag, out, w, dump, crash) {
  const add = (name, ok, reason, details, always) => {
    check(`${tag}: ${name}`, ok, reason, details, always);
    out.push(results[results.length - 1]);
  };
  const s = dump.summary;
  const rProblems = [];
  const jp = javaProblem(dump);
  if (jp) rProblems.push(jp);
  if (!s) {
    add('Java opens the tsmq store', false, 'no summary from verify-abnormal', rProblems);
    return;
  }
  if (s.abortFileExistedAtStart !== crash) rProblems.push(`abortFileExistedAtStart ${s.abortFileExistedAtStart}, expected ${crash}`);
  const truncated = [];
  if (s.maxPhyOffsetBeforeRecovery !== s.maxPhyOffsetAfterRecovery) truncated.push(`CommitLog end ${s.maxPhyOffsetBeforeRecovery} -> ${s.maxPhyOffsetAfterRecovery} (truncatedBytes ${s.truncatedBytes})`);
  if (s.validEndBeforeRecovery !== s.maxPhyOffsetBeforeRecovery) truncated.push(`validEnd ${s.validEndBeforeRecovery} != structural end ${s.maxPhyOffsetBeforeRecovery} (stop: ${JSON.stringify(s.before.commitLog.stop)})`);
  if (s.maxPhyOffsetAfterRecovery !== w.maxPhy) truncated.push(`Java maxPhyOffset after recovery ${s.maxPhyOffsetAfterRecovery}, tsmq wrote up to ${w.maxPhy}`);
  for (const c of s.consumeQueueCheck || []) if (c.maxOffsetAfter !== c.maxOffsetBefore) truncated.push(`CQ ${c.topic}/${c.queueId}: max offset on disk ${c.maxOffsetBefore}, after Java's recovery ${c.maxOffsetAfter}`);
  if (s.nothingTruncated !== true) truncated.push(`nothingTruncated ${s.nothingTruncated}`);
  if (s.problems) rProblems.push(`${s.problems} queue offsets Java could not serve`);
  for (const d of dump.records) if (d.error) rProblems.push(`Java: ${d.topic}/${d.queueId}@${d.queueOffset}: ${d.error} (${d.getStatus})`);
  if (!crash) {
    const cl = s.before.commitLog;
    const full = cl.files.filter((f) => f.blank);
    if (full.length < cl.files.length - 1) rProblems.push(`BLANK missing: ${JSON.stringify(cl.files)}`);
    for (const f of full) if (!f.blank.reachesFileEnd) rProblems.push(`BLANK of ${f.name} does not reach the file end: ${JSON.stringify(f.blank)}`);
    if (s.before.checkpoint && s.before.checkpoint.physicMsgTimestamp === 0) rProblems.push(`checkpoint physicMsgTimestamp 0 after a clean shutdown`);
  }
  add(
    `Java's ${crash ? 'abnormal' : 'normal'} recovery truncates nothing`,
    rProblems.length === 0 && truncated.length === 0,
    `maxPhyOffset before ${s.maxPhyOffsetBeforeRecovery}, validEnd ${s.validEndBeforeRecovery}, after ${s.maxPhyOffsetAfterRecovery}, truncatedBytes ${s.truncatedBytes}, nothingTruncated ${s.nothingTruncated}, abort at start ${s.abortFileExistedAtStart}${crash ? `; ${recoveryStart(dump)}` : ''}`,
    [...truncated, ...rProblems],
    truncated.length > 0,
  );

  // queues
  const qProblems = [];
  const jq = new Map(s.queues.map((q) => [qkey(q.topic, q.queueId), q]));
  for (const q of w.read.queues) {
    const j = jq.get(qkey(q.topic, q.queueId));
    if (!j) qProblems.push(`queue ${qkey(q.topic, q.queueId)}: tsmq min/max ${q.min}/${q.max}, Java has no such queue`);
    else if (j.min !== q.min || j.max !== q.max) qProblems.push(`queue ${qkey(q.topic, q.queueId)}: tsmq min/max ${q.min}/${q.max}, Java ${j.min}/${j.max}`);
  }
  for (const [k, j] of jq) if (!w.read.queues.some((q) => qkey(q.topic, q.queueId) === k)) qProblems.push(`queue ${k}: Java min/max ${j.min}/${j.max}, not a tsmq queue`);
  add('Java sees the same queues and min/max offsets as tsmq', qProblems.length === 0, `${s.queues.length} queues`, qProblems);

  // every message tsmq wrote
  const dIdx = dumpIndex(dump);
  const mProblems = [];
  for (const e of w.exp) {
    const d = dIdx.get(key(e.topic, e.queueId, e.queueOffset));
    if (!d) {
      mProblems.push(`${recName(e)}: acknowledged by tsmq, missing from Java's ${crash ? 'recovered store' : 'dump'}`);
      continue;
    }
    mProblems.push(...diffFields(recName(e), e, d, JAVA_VS_EXPECTED, 'tsmq wrote', 'Java read'));
    if (d.bodyCrcOk !== true) mProblems.push(`${recName(e)}: Java says the body CRC ${d.bodyCrc} is wrong`);
    if (d.magic !== 'V1') mProblems.push(`${recName(e)}: magic ${d.magic}`);
    if (d.cqCommitLogOffset !== d.commitLogOffset || d.cqSize !== d.size) mProblems.push(`${recName(e)}: Java's CQ unit (${d.cqCommitLogOffset}, ${d.cqSize}) does not point at the record (${d.commitLogOffset}, ${d.size})`);
  }
  const extra = dIdx.size - w.exp.filter((e) => dIdx.has(key(e.topic, e.queueId, e.queueOffset))).length;
  if (extra > 0) mProblems.push(`Java returned ${extra} messages tsmq did not write`);
  add(`Java returns every message tsmq wrote with identical fields (${JAVA_VS_EXPECTED.length} fields)`, mProblems.length === 0, `${w.exp.length} written, ${dIdx.size} in Java's ${crash ? 'recovery' : 'dump'}`, mProblems);

  if (!crash) {
    // Java's decoding vs tsmq's own reading (same bytes, both decoders)
    const fProblems = [];
    for (const [k, t] of w.read.recs) {
      const d = dIdx.get(k);
      if (!d) continue; // reported above
      fProblems.push(...diffFields(recName(t), d, t, [...ALL_FIELDS, ...CQ_FIELDS], 'Java', 'tsmq'));
    }
    add('Java and tsmq decode the tsmq store identically (incl. CQ units)', fProblems.length === 0, `${w.read.recs.size} records`, fProblems);
  }
}

async function tsmqToJava(version, w, sections) {
  const tag = `[${version}] tsmq->Java`;
  const out = [];
  sections.push(out);
  const base = work(version, 'tsmq');
  fs.mkdirSync(path.dirname(base), { recursive: true });
  const clean = `${base}.clean`;
  copyDir(w.dir, clean);
  const crashNames = Object.keys(w.crashCopies);
  const jobs = [java(version, ['verify-abnormal', clean, JAVA_CONFIG], `${version}-t-verify-clean`)];
  for (const name of crashNames) {
    copyDir(w.crashCopies[name], `${base}.${name}`);
    jobs.push(java(version, ['verify-abnormal', `${base}.${name}`, JAVA_CONFIG], `${version}-t-verify-${name}`));
  }
  // Java rebuilds the IndexFiles of a copy from tsmq's CommitLog (index/ and checkpoint removed, abort present)
  const reindexDir = `${base}.java-reindex`;
  copyDir(w.dir, reindexDir);
  fs.rmSync(path.join(reindexDir, 'index'), { recursive: true, force: true });
  fs.rmSync(path.join(reindexDir, 'checkpoint'), { force: true });
  fs.writeFileSync(path.join(reindexDir, 'abort'), '');
  const reindexJob = java(version, ['verify-abnormal', reindexDir, JAVA_CONFIG], `${version}-t-java-reindex`);
  const query = (dir, [topic, k], label) => {
    const qd = `${base}.${label}`;
    copyDir(dir, qd);
    return java(version, ['query', qd, topic, Buffer.from(k, 'utf8').toString('hex'), '--hex-key', '--config', JAVA_CONFIG], `${version}-t-${label}`);
  };
  w.queries.forEach((q, n) => jobs.push(query(w.dir, q, `query${n}`)));
  const crashQueries = [1, 4]; // the shared key and the batch-level UNIQ_KEY, after Java's abnormal recovery
  for (const name of crashNames) for (const qi of crashQueries) jobs.push(query(w.crashCopies[name], w.queries[qi], `${name}-query${qi}`));
  const res = await Promise.all(jobs);
  const vClean = res.shift();
  const vCrashed = crashNames.map(() => res.shift());
  const qres = res.splice(0, w.queries.length);
  const cqres = res;

  checkJavaRecoveryOfTsmq(`${tag} clean`, out, w, vClean, false);
  {
    const r = await reindexJob;
    const jp = javaProblem(r);
    const cmp = compareIndexFiles(w.dir, reindexDir, 'tsmq', 'Java');
    const problems = [...(jp ? [jp] : []), ...cmp.problems];
    if (r.summary && r.summary.nothingTruncated !== true) problems.push(`Java's recovery of the copy without index truncated: ${r.summary.truncatedBytes} bytes`);
    check(
      `${tag} clean: IndexFiles tsmq wrote are byte-identical to the ones Java rebuilds from the same CommitLog`,
      problems.length === 0 && cmp.count[0] > 0,
      `${cmp.count[0]} tsmq IndexFiles, ${cmp.count[1]} Java IndexFiles${cmp.notes.length ? `; note: ${cmp.notes.join('; ')}` : ''}`,
      problems,
    );
    out.push(results[results.length - 1]);
  }
  w.queries.forEach(([topic, k], n) => {
    const q = qres[n];
    const problems = [];
    const jp = javaProblem(q);
    if (jp) problems.push(jp);
    const jOff = q.records.filter((l) => 'commitLogOffset' in l).map((l) => l.commitLogOffset).sort((a, b) => a - b);
    const tOff = w.answers[n];
    const want = w.exp.filter((e) => e.topic === topic && hasKey(e.properties, k)).map((e) => e.commitLogOffset).sort((a, b) => a - b);
    if (JSON.stringify(jOff) !== JSON.stringify(tOff)) problems.push(`query ${topic} ${JSON.stringify(k)}: Java offsets ${JSON.stringify(jOff)}, tsmq offsets ${JSON.stringify(tOff)}`);
    if (JSON.stringify(want) !== JSON.stringify(jOff)) problems.push(`query ${topic} ${JSON.stringify(k)}: messages carrying the key ${JSON.stringify(want)}, Java found ${JSON.stringify(jOff)}`);
    check(`${tag} clean: Java's query(${topic}, ${JSON.stringify(k)}) agrees with tsmq's queryMessage`, problems.length === 0, `Java ${jOff.length}, tsmq ${tOff.length}, carrying the key ${want.length}`, problems);
    out.push(results[results.length - 1]);
  });

  crashNames.forEach((name, ci) => {
    const cOut = [];
    sections.push(cOut);
    const st = w.crashState[name];
    checkJavaRecoveryOfTsmq(`${tag} ${name} (copy ${name === 'crashed' ? 'right after whenIdle' : '1.5 s later'}: checkpoint ${st.checkpoint ? 'present' : 'ABSENT'}, ${st.index} IndexFiles)`, cOut, w, vCrashed[ci], true);
    crashQueries.forEach((qi, n) => {
      const [topic, k] = w.queries[qi];
      const q = cqres[ci * crashQueries.length + n];
      const problems = [];
      const jp = javaProblem(q);
      if (jp) problems.push(jp);
      if (q.summary && q.summary.abortFileExistedAtStart !== true) problems.push('no abort file at start: not an abnormal recovery');
      const jOff = q.records.filter((l) => 'commitLogOffset' in l).map((l) => l.commitLogOffset).sort((a, b) => a - b);
      const tOff = w.answers[qi];
      if (JSON.stringify(jOff) !== JSON.stringify(tOff)) problems.push(`query ${topic} ${JSON.stringify(k)} after Java's abnormal recovery: Java offsets ${JSON.stringify(jOff)}, tsmq (before the crash) ${JSON.stringify(tOff)}`);
      check(`${tag} ${name}: Java's query(${topic}, ${JSON.stringify(k)}) after abnormal recovery finds what tsmq found`, problems.length === 0, `Java ${jOff.length}, tsmq ${tOff.length}`, problems);
      cOut.push(results[results.length - 1]);
    });
  });
}

// ------------------------------------------------------------------------------------------------ main

async function main() {
  const t0 = Date.now();
  WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmq-store-xcheck-'));
  console.log(`store cross-check: versions ${opts.versions.join(' ')}, work dir ${WORK}, ${opts.jobs} parallel JVMs`);
  const sections = [];

  // tsmq writes its store (in-process, ~6 s with its pauses) while the JVMs write theirs
  const tw = [];
  sections.push(tw);
  const tsmqWritten = (async () => {
    try {
      const w = await tsmqWrite();
      const p = [...w.problems];
      if (w.abortAfter) p.push('abort file left after shutdown');
      if (!w.crashHasAbort) p.push('a copy of the running store has no abort file');
      if (w.clFiles.length < 3) p.push(`CommitLog has ${w.clFiles.length} files, expected >= 3`);
      if (w.cqRolled < 1) p.push('no ConsumeQueue rolled');
      p.push(...w.read.problems);
      if (w.read.recs.size !== w.exp.length) p.push(`tsmq reads back ${w.read.recs.size} messages, wrote ${w.exp.length}`);
      check(
        'tsmq writes the store for the tsmq->Java checks',
        p.length === 0,
        `${w.exp.length} records (${w.exp.filter((e) => e.batch).length} in batches, ${w.exp.filter((e) => e.bornHost.startsWith('[')).length} with IPv6 born host), ${w.clFiles.length} CommitLog files, ${w.cqRolled} CQs rolled, ${w.indexFiles} IndexFiles, maxPhyOffset ${w.maxPhy}`,
        p,
      );
      tw.push(results[results.length - 1]);
      return w;
    } catch (e) {
      check('tsmq writes the store for the tsmq->Java checks', false, String(e.stack || e));
      tw.push(results[results.length - 1]);
      return undefined;
    }
  })();

  const perVersion = opts.versions.map(async (v) => {
    const vs = [];
    const guard = async (name, fn) => {
      try {
        await fn();
      } catch (e) {
        check(`[${v}] ${name}`, false, `test error: ${e.stack || e}`);
        vs.push([results[results.length - 1]]);
      }
    };
    const a = [];
    const b = [];
    const c = [];
    await Promise.all([
      guard('Java->tsmq clean', () => javaToTsmq(v, false, a)),
      guard('Java->tsmq crashed', () => javaToTsmq(v, true, b)),
      guard('tsmq->Java', async () => {
        const w = await tsmqWritten;
        if (w) await tsmqToJava(v, w, c);
      }),
    ]);
    vs.push(...a, ...b, ...c);
    return vs;
  });
  for (const vs of await Promise.all(perVersion)) sections.push(...vs);

  for (const s of sections) printResults(s);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const slow = jvmRuns.reduce((m, r) => Math.max(m, r.ms), 0);
  console.log(`${jvmRuns.length} JVM runs (longest ${(slow / 1000).toFixed(1)} s, sum ${(jvmRuns.reduce((s, r) => s + r.ms, 0) / 1000).toFixed(1)} s), total ${secs} s`);
  const failed = results.filter((r) => !r.ok).length;
  const passed = results.length - failed;
  if (opts.keep || failed > 0) console.log(`work dir kept: ${WORK} (Java outputs in logs/)`);
  else fs.rmSync(WORK, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.log(`FAIL store cross-check crashed: ${e.stack || e}`);
  const failed = results.filter((r) => !r.ok).length + 1;
  console.log(`${results.length + 1 - failed} passed, ${failed} failed`);
  process.exitCode = 1;
});
