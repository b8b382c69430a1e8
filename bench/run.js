#!/usr/bin/env node
'use strict';
/*
 * tsmq benchmark runner: the Apache RocketMQ 5.3.3 name server and broker (Maven Central jars, started through
 * compat-tests/java-peers.sh) against tsmq, with load from our own generator on the official Java client 5.3.3
 * (bench/java). Rounds alternate A B A B (Java, tsmq, Java, tsmq) so that drift of a shared machine cancels out.
 *
 *   npm run bench                      full run (2 rounds of workloads a-g, about 45 min)
 *   npm run bench -- --short           a few seconds per workload (quick check, about 5 min)
 *   npm run bench -- --backlog         add workload h (50 million stored messages; hours)
 *   npm run bench -- --recovery        add SIGKILL recovery with 5 GB in the CommitLog
 *   node bench/run.js --help
 *
 * Writes bench/results/<id>.json, <id>.md and <id>.png. Work directories (stores, logs) go to bench/work/<id>/;
 * stores are deleted after each workload, logs are kept.
 */
const cp = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const readline = require('readline');

const ROOT = path.resolve(__dirname, '..');
const BENCH = __dirname;
const JAVA_DIR = path.join(BENCH, 'java');
const PEERS = path.join(ROOT, 'compat-tests', 'java-peers.sh');
const RMQ_VERSION = '5.3.3';

// ------------------------------------------------------------------------------------------------ options

const HELP = `usage: node bench/run.js [options]            (npm run bench -- [options])

  --short                 quick check: 3 s warm-up, 5 s measurement, 50,000-message backlog for (e),
                          128 MiB CommitLog files, 1 round
  --rounds N              Java/tsmq rounds, A B A B ... (default 2; --short: 1)
  --only a,c,f            run only these workloads (a-g; h and recovery as with --backlog, --recovery)
  --backlog               also run workload h (sync send and push-consume with >= 50 million stored messages)
  --recovery              also measure restart after SIGKILL with 5 GB in the CommitLog
  --impls java,tsmq       brokers to measure, in this order within a round (default java,tsmq)
  --warmup S --measure S  seconds per timed workload (default 10 and 60; --short: 3 and 5)
  --consume-count N       backlog consumed by (e) (default 1,000,000; --short: 50,000)
  --rate N                msg/s for (f) (default: half of the Java broker's (a) throughput, round 1)
  --backlog-count N       stored messages for (h) (default 50,000,000; --short: 200,000)
  --backlog-size B        body size of the (h) backlog (default 1024; lowered to 512/256/128 if the disk is short)
  --h-consume-count N     messages (h) consumes from the backlog (default 1,000,000; --short: 50,000)
  --recovery-gb G         CommitLog size before the SIGKILL (default 5; --short: 0.5)
  --commitlog-file-size B mappedFileSizeCommitLog for both brokers (default 1073741824; --short: 134217728)
  --stop-grace S          seconds between SIGTERM and SIGKILL when stopping a broker (default 30; --short: 5)
  --java-broker-opts "…"  JVM options of the Java broker (default: see bench/README.md)
  --java-namesrv-opts "…" JVM options of the Java name server
  --gen-opts "…"          JVM options of the load generator (default -Xms1g -Xmx1g -XX:+UseG1GC)
  --node-opts "…"         extra options for tsmq's node processes (default none)
  --tag NAME              appended to the result file names
  --work-dir DIR          where stores and logs go (default bench/work; must be on the disk you want to measure)
  --keep-stores           do not delete broker stores after each workload
  --no-build              do not run tsc, mvn package and java-peers.sh fetch
`;

function parseArgs(argv) {
  const o = { flags: new Set(), vals: {} };
  const withValue = new Set(['rounds', 'only', 'impls', 'warmup', 'measure', 'consume-count', 'rate', 'backlog-count',
    'backlog-size', 'h-consume-count', 'recovery-gb', 'commitlog-file-size', 'stop-grace', 'java-broker-opts',
    'java-namesrv-opts', 'gen-opts', 'node-opts', 'tag', 'work-dir']);
  const bare = new Set(['short', 'backlog', 'recovery', 'keep-stores', 'no-build', 'help']);
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if (a === '-h') a = '--help';
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n\n${HELP}`);
    let k = a.slice(2);
    let v;
    const eq = k.indexOf('=');
    if (eq >= 0) { v = k.slice(eq + 1); k = k.slice(0, eq); }
    if (bare.has(k)) { o.flags.add(k); continue; }
    if (!withValue.has(k)) throw new Error(`unknown option --${k}\n\n${HELP}`);
    if (v === undefined) {
      if (i + 1 >= argv.length) throw new Error(`--${k} needs a value`);
      v = argv[++i];
    }
    o.vals[k] = v;
  }
  return o;
}

const argv = process.argv.slice(2);
let opts;
try {
  opts = parseArgs(argv);
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
if (opts.flags.has('help')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const SHORT = opts.flags.has('short');
const num = (k, full, short) => (opts.vals[k] !== undefined ? Number(opts.vals[k]) : SHORT ? short : full);
const CFG = {
  short: SHORT,
  rounds: num('rounds', 2, 1),
  warmupS: num('warmup', 10, 3),
  measureS: num('measure', 60, 5),
  consumeCount: num('consume-count', 1_000_000, 50_000),
  rate: opts.vals.rate !== undefined ? Number(opts.vals.rate) : null,
  backlog: opts.flags.has('backlog'),
  backlogCount: num('backlog-count', 50_000_000, 200_000),
  backlogSize: num('backlog-size', 1024, 1024),
  hConsumeCount: num('h-consume-count', 1_000_000, 50_000),
  recovery: opts.flags.has('recovery'),
  recoveryGb: num('recovery-gb', 5, 0.5),
  commitLogFileSize: num('commitlog-file-size', 1073741824, 134217728),
  stopGraceS: num('stop-grace', 30, 5),
  impls: (opts.vals.impls || 'java,tsmq').split(',').map((s) => s.trim()).filter(Boolean),
  keepStores: opts.flags.has('keep-stores'),
  build: !opts.flags.has('no-build'),
  // bin/runbroker.sh and bin/runserver.sh of 5.3.3 (JDK >= 9 branch), heap and direct memory sized down (README)
  javaBrokerOpts: opts.vals['java-broker-opts'] ||
    '-server -Xms2g -Xmx2g -XX:+UseG1GC -XX:G1HeapRegionSize=16m -XX:G1ReservePercent=25 ' +
    '-XX:InitiatingHeapOccupancyPercent=30 -XX:SoftRefLRUPolicyMSPerMB=0 -XX:-OmitStackTraceInFastThrow ' +
    '-XX:+AlwaysPreTouch -XX:MaxDirectMemorySize=2g -XX:-UseLargePages -XX:-UseBiasedLocking',
  javaNamesrvOpts: opts.vals['java-namesrv-opts'] ||
    '-server -Xms256m -Xmx256m -XX:MetaspaceSize=128m -XX:MaxMetaspaceSize=320m -XX:+UseG1GC -XX:G1HeapRegionSize=16m ' +
    '-XX:G1ReservePercent=25 -XX:InitiatingHeapOccupancyPercent=30 -XX:SoftRefLRUPolicyMSPerMB=0',
  genOpts: opts.vals['gen-opts'] || '-Xms1g -Xmx1g -XX:+UseG1GC',
  nodeOpts: opts.vals['node-opts'] || '',
  queues: 8,
};
for (const i of CFG.impls) {
  if (i !== 'java' && i !== 'tsmq') { console.error(`--impls: unknown broker ${i}`); process.exit(2); }
}

/** Workloads a-g: what the broker is configured with and what the generator does. */
const WORKLOADS = {
  a: { title: 'sync send 1 KB, 64 threads, ASYNC_FLUSH', label: 'a|sync 1K', flush: 'ASYNC_FLUSH',
    gen: { mode: 'sync', threads: 64, size: 1024 } },
  b: { title: 'sync send 1 KB, 64 threads, SYNC_FLUSH', label: 'b|sync 1K SF', flush: 'SYNC_FLUSH',
    gen: { mode: 'sync', threads: 64, size: 1024 } },
  c: { title: 'async send 1 KB, 8 threads, ≤ 1024 unanswered, ASYNC_FLUSH', label: 'c|async 1K', flush: 'ASYNC_FLUSH',
    gen: { mode: 'async', threads: 8, inflight: 1024, size: 1024 } },
  d: { title: 'batch send 32 × 1 KB, 32 threads, ASYNC_FLUSH', label: 'd|batch 32x1K', flush: 'ASYNC_FLUSH',
    gen: { mode: 'batch', threads: 32, batch: 32, size: 1024 } },
  e: { title: 'push-consume a backlog of N × 1 KB', label: 'e|consume', flush: 'ASYNC_FLUSH',
    gen: { mode: 'consume', size: 1024 } },
  f: { title: 'fixed rate (half the Java maximum), born-to-consume latency', label: 'f|rate', flush: 'ASYNC_FLUSH',
    gen: { mode: 'rate', size: 1024 } },
  g: { title: 'sync send 4 KB, 64 threads, ASYNC_FLUSH', label: 'g|sync 4K', flush: 'ASYNC_FLUSH',
    gen: { mode: 'sync', threads: 64, size: 4096 } },
};
let selected = opts.vals.only ? opts.vals.only.split(',').map((s) => s.trim()).filter(Boolean) : Object.keys(WORKLOADS);
for (const w of selected) {
  if (w === 'h') { CFG.backlog = true; continue; }
  if (w === 'recovery') { CFG.recovery = true; continue; }
  if (!WORKLOADS[w]) { console.error(`--only: unknown workload ${w}`); process.exit(2); }
}
selected = selected.filter((w) => w !== 'h' && w !== 'recovery');
const notes = [];
if (selected.includes('f') && CFG.rate === null && !selected.includes('a')) {
  selected.unshift('a');
  notes.push('(a) was added to the run because (f) takes its rate from the Java broker\'s (a) throughput');
}
selected.sort();

// ------------------------------------------------------------------------------------------------ utilities

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Date.now();
const stamp = () => new Date().toISOString().slice(11, 19);
function log(...a) { console.log(`[bench ${stamp()}]`, ...a); }

function sh(cmd, args, o = {}) {
  const r = cp.spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...o });
  return { code: r.status, out: (r.stdout || '').trim(), err: (r.stderr || '').trim() };
}

function shOrDie(cmd, args, o = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = cp.spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...o });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

/** Every child we started, so that an interrupted run leaves nothing behind (killed by pid only). */
const children = new Set();
function cleanupChildren() {
  for (const c of children) {
    try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
  }
}
process.on('exit', cleanupChildren);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { log(`${sig}: stopping`); cleanupChildren(); process.exit(130); });
}

function track(child) {
  children.add(child);
  child.exitInfo = null;
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      child.exitInfo = { code, signal, at: now() };
      children.delete(child);
      resolve(child.exitInfo);
    });
  });
  return child;
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

const usedPorts = new Set();
/** A port p with p + each offset free; 12000-14999 (compat-tests use 15000-29999, Linux ephemeral ports start at 32768). */
async function freePort(offsets) {
  for (let tries = 0; tries < 500; tries++) {
    const p = 12002 + Math.floor(Math.random() * 2990);
    if (offsets.some((o) => usedPorts.has(p + o))) continue;
    let ok = true;
    for (const o of offsets) if (!(await portFree(p + o))) { ok = false; break; }
    if (ok) { offsets.forEach((o) => usedPorts.add(p + o)); return p; }
  }
  throw new Error('no free ports');
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

async function waitFor(what, pred, timeoutMs, child) {
  const end = now() + timeoutMs;
  while (now() < end) {
    if (await pred()) return;
    if (child && child.exitInfo) throw new Error(`${what}: process exited (${JSON.stringify(child.exitInfo)})`);
    await sleep(100);
  }
  throw new Error(`${what}: timed out after ${timeoutMs} ms`);
}

function rmrf(p) { fs.rmSync(p, { recursive: true, force: true }); }

function duBytes(p) {
  const r = sh('du', ['-sb', p]);
  const apparent = r.code === 0 ? Number(r.out.split(/\s+/)[0]) : null;
  const r2 = sh('du', ['-s', '--block-size=1', p]);
  const allocated = r2.code === 0 ? Number(r2.out.split(/\s+/)[0]) : null;
  return { apparent, allocated };
}

function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// ------------------------------------------------------------------------------------------------ machine

function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = (cpuinfo.match(/^model name\s*:\s*(.*)$/m) || [])[1] || os.cpus()[0]?.model || 'unknown';
  const meminfo = fs.readFileSync('/proc/meminfo', 'utf8');
  const memKb = Number((meminfo.match(/^MemTotal:\s*(\d+)/m) || [])[1] || 0);
  const javaV = sh('java', ['-version']);
  const df = sh('df', ['-h', '--output=source,fstype,size,used,avail,pcent,target', WORK_ROOT]);
  const src = (df.out.split('\n')[1] || '').split(/\s+/)[0] || '';
  const dev = path.basename(src);
  const lsblk = sh('lsblk', ['-dno', 'NAME,ROTA,SIZE,MODEL', `/dev/${dev.replace(/\d+$/, '')}`]);
  const rota = sh('cat', [`/sys/block/${dev.replace(/\d+$/, '')}/queue/rotational`]);
  const git = sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no', '--', 'src']);
  return {
    cpuModel: model.trim(),
    cores: os.cpus().length,
    ramGiB: Math.round((memKb / 1048576) * 10) / 10,
    disk: {
      workDir: WORK_ROOT,
      df: df.out.split('\n').slice(1).join(' ').replace(/\s+/g, ' '),
      device: lsblk.code === 0 && lsblk.out ? lsblk.out.replace(/\s+/g, ' ') : src,
      rotational: rota.code === 0 ? rota.out === '1' : null,
    },
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    java: javaV.err.split('\n').slice(0, 2).join(' / '),
    tsmqCommit: git.code === 0 ? git.out + (dirty.out ? ' (src modified)' : '') : null,
    clkTck: Number(sh('getconf', ['CLK_TCK']).out) || 100,
    loadAvgAtStart: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
  };
}

// ------------------------------------------------------------------------------------------------ processes

const RUN_ID = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}-${SHORT ? 'short' : 'full'}${opts.vals.tag ? '-' + opts.vals.tag : ''}`;
const WORK_ROOT = path.resolve(opts.vals['work-dir'] || path.join(BENCH, 'work'));
const RUN_DIR = path.join(WORK_ROOT, RUN_ID);
const RESULTS = path.join(BENCH, 'results');
let CLK_TCK = 100;

function logTo(child, file) {
  const out = fs.createWriteStream(file, { flags: 'a' });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  child.on('exit', () => setTimeout(() => out.end(), 200));
}

async function startNamesrv(impl, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort([0]);
  let child;
  if (impl === 'java') {
    child = cp.spawn('bash', [PEERS, 'namesrv', RMQ_VERSION, String(port), dir], {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, JAVA_PEERS_NAMESRV_OPTS: CFG.javaNamesrvOpts },
    });
  } else {
    child = cp.spawn('node', [...splitOpts(CFG.nodeOpts), path.join(ROOT, 'dist', 'cli.js'), 'namesrv',
      '--listenPort', String(port), '--kvConfigPath', path.join(dir, 'kv.json'),
      '--configStorePath', path.join(dir, 'ns.properties')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  track(child);
  let booted = impl !== 'java';
  child.stdout.on('data', (d) => { if (String(d).includes('boot success')) booted = true; });
  logTo(child, path.join(dir, 'namesrv.out'));
  await waitFor(`${impl} name server on ${port}`, async () => booted && (await portOpen(port)), 120_000, child);
  log(`${impl} name server up on 127.0.0.1:${port} (pid ${child.pid})`);
  return { child, port, addr: `127.0.0.1:${port}` };
}

function splitOpts(s) { return s.trim() ? s.trim().split(/\s+/) : []; }

function brokerConf(dir, ns, port, flush, extra = {}) {
  const store = path.join(dir, 'store');
  const conf = {
    brokerClusterName: 'BenchCluster',
    brokerName: 'broker-a',
    brokerId: 0,
    brokerIP1: '127.0.0.1',
    namesrvAddr: ns.addr,
    listenPort: port,
    storePathRootDir: store,
    storePathCommitLog: path.join(store, 'commitlog'),
    brokerRole: 'ASYNC_MASTER',
    flushDiskType: flush,
    autoCreateTopicEnable: true,
    autoCreateSubscriptionGroup: true,
    defaultTopicQueueNums: CFG.queues,
    mappedFileSizeCommitLog: CFG.commitLogFileSize,
    deleteWhen: '04',
    fileReservedTime: 48,
    ...extra,
  };
  const text = Object.entries(conf).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
  fs.writeFileSync(path.join(dir, 'broker.conf'), text);
  return { file: path.join(dir, 'broker.conf'), conf, store };
}

/** Spawns the broker of `impl` on the conf; returns {child, spawnMs}. Both read the very same broker.conf. */
function spawnBroker(impl, dir, conf, ns) {
  let child;
  const spawnMs = now();
  if (impl === 'java') {
    child = cp.spawn('bash', [PEERS, 'broker', RMQ_VERSION, conf.file], {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, JAVA_PEERS_BROKER_OPTS: `${CFG.javaBrokerOpts} -Xlog:gc*:file=${path.join(dir, 'gc.log')}:time,uptime,level,tags` },
    });
  } else {
    child = cp.spawn('node', [...splitOpts(CFG.nodeOpts), path.join(ROOT, 'dist', 'cli.js'), 'broker', '-c', conf.file,
      '-n', ns.addr], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  track(child);
  logTo(child, path.join(dir, 'broker.out'));
  return { child, spawnMs, impl };
}

/** SIGTERM, then SIGKILL after the grace period; reports how it went. */
async function stopProcess(child, graceS, name) {
  if (!child || child.exitInfo) return { alreadyExited: child?.exitInfo || null };
  const t0 = now();
  try { process.kill(child.pid, 'SIGTERM'); } catch { /* gone */ }
  const r = await Promise.race([child.exited, sleep(graceS * 1000).then(() => null)]);
  if (r) return { signal: 'SIGTERM', seconds: (now() - t0) / 1000, exitCode: r.code, exitSignal: r.signal };
  log(`${name} did not stop within ${graceS} s of SIGTERM: SIGKILL`);
  try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
  await child.exited;
  return { signal: 'SIGKILL after SIGTERM', seconds: (now() - t0) / 1000 };
}

function genClasspath() {
  return `${path.join(JAVA_DIR, 'target', 'classes')}:${path.join(JAVA_DIR, 'target', 'lib', '*')}`;
}

/**
 * Runs the generator. With probe, it prints READY once its producer is up; `onReady` then spawns the broker and
 * returns {pid, spawnMs}, which the generator reads on stdin. Resolves with the parsed JSON result.
 */
async function runGenerator(dir, name, genArgs, { onReady, timeoutMs }) {
  const out = path.join(dir, `${name}.json`);
  // user.home: the 5.x client logs to ${user.home}/logs/rocketmqlogs, which must not mix with the broker's logs
  const args = [...splitOpts(CFG.genOpts), '-Djava.awt.headless=true', `-Duser.home=${path.join(dir, 'generator-home')}`,
    `-Drocketmq.client.logRoot=${path.join(dir, 'client-logs')}`, '-Drocketmq.client.logLevel=WARN',
    '--add-opens=java.base/java.nio=ALL-UNNAMED', '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    '-cp', genClasspath(), 'io.tsmq.bench.Bench', 'workload', '--out', out, '--clk-tck', String(CLK_TCK)];
  for (const [k, v] of Object.entries(genArgs)) args.push(`--${k}`, String(v));
  fs.writeFileSync(path.join(dir, `${name}.cmd`), `java ${args.join(' ')}\n`);
  const child = track(cp.spawn('java', args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] }));
  const logFile = fs.createWriteStream(path.join(dir, `${name}.log`));
  child.stderr.on('data', (d) => logFile.write(d));
  readline.createInterface({ input: child.stderr }).on('line', (l) => {
    if (l.startsWith('[gen]')) console.log(`    ${l}`);
  });
  let brokerInfo = null;
  let readyErr = null;
  readline.createInterface({ input: child.stdout }).on('line', (l) => {
    logFile.write(`[stdout] ${l}\n`);
    if (l === 'READY' && onReady) {
      Promise.resolve().then(onReady).then((b) => {
        brokerInfo = b;
        child.stdin.write(`BROKER ${b.pid} ${b.spawnMs}\n`);
      }).catch((e) => { readyErr = e; try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } });
    }
  });
  const timer = setTimeout(() => {
    log(`${name}: generator timed out after ${Math.round(timeoutMs / 1000)} s, killing it`);
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
  }, timeoutMs);
  const ex = await child.exited;
  clearTimeout(timer);
  logFile.end();
  if (readyErr) throw readyErr;
  let result = null;
  try { result = JSON.parse(fs.readFileSync(out, 'utf8')); } catch { /* none */ }
  if (!result) result = { fatal: `generator exited (${JSON.stringify(ex)}) without a result; see ${path.join(dir, name + '.log')}` };
  result.generatorExit = ex;
  return { result, brokerInfo };
}

/** ERROR/WARN lines of a broker's logs: tsmq writes to stdout, Java 5.x to logs/rocketmqlogs/*.log. */
function scanLogs(impl, dir) {
  const files = [path.join(dir, 'broker.out')];
  if (impl === 'java') {
    const d = path.join(dir, 'logs', 'rocketmqlogs');
    if (fs.existsSync(d)) for (const f of fs.readdirSync(d)) if (f.endsWith('.log')) files.push(path.join(d, f));
  }
  const res = { error: 0, warn: 0, firstErrors: [], firstWarnings: [], files: files.map((f) => path.relative(ROOT, f)) };
  const seen = new Set();
  const re = impl === 'java' ? /^\S+ \S+ (ERROR|WARN) / : /^\S+ (error|warn)\s/;
  for (const f of files) {
    if (!fs.existsSync(f)) continue;
    const text = fs.readFileSync(f, 'utf8');
    for (const line of text.split('\n')) {
      let level = null;
      const m = line.match(re);
      if (m) level = m[1].toLowerCase();
      else if (/Exception|Error:/.test(line) && !/^\s+at /.test(line) && f.endsWith('broker.out') && !/^\S+ (info|debug)\s/.test(line)) level = 'error';
      if (!level) continue;
      res[level]++;
      const key = line.replace(/^\S+ (\S+ )?/, '').replace(/\d{3,}/g, 'N').slice(0, 200);
      const list = level === 'error' ? res.firstErrors : res.firstWarnings;
      if (list.length < 6 && !seen.has(key)) {
        seen.add(key);
        list.push(`${path.basename(f)}: ${line.slice(0, 400)}`);
      }
    }
  }
  return res;
}

// ------------------------------------------------------------------------------------------------ workloads

const records = [];
let fixedRate = CFG.rate;

function genArgsFor(wl, ns, port) {
  const g = { ...WORKLOADS[wl].gen, namesrv: ns.addr, 'broker-addr': `127.0.0.1:${port}`, queues: CFG.queues };
  if (g.mode !== 'consume') { g['warmup-s'] = CFG.warmupS; g['measure-s'] = CFG.measureS; }
  if (g.mode === 'consume') { g.fill = CFG.consumeCount; g.consume = CFG.consumeCount; }
  if (g.mode === 'rate') g.rate = fixedRate;
  return g;
}

function genTimeout(g) {
  let s = 420 + (g['warmup-s'] || 0) + (g['measure-s'] || 0);
  if (g.fill) s += g.fill / 1000;
  if (g.consume) s += Math.max(120, g.consume / 2000);
  return s * 1000;
}

function figures(result) {
  const w = result.window || {};
  const b = result.broker || {};
  return {
    msgsPerSec: w.msgsPerSec ?? null,
    mbPerSec: w.mbPerSec ?? null,
    sendP50Ms: result.sendLatency?.p50Ms ?? null,
    sendP99Ms: result.sendLatency?.p99Ms ?? null,
    sendP999Ms: result.sendLatency?.p999Ms ?? null,
    e2eP50Ms: result.e2eLatency?.p50Ms ?? null,
    e2eP99Ms: result.e2eLatency?.p99Ms ?? null,
    e2eP999Ms: result.e2eLatency?.p999Ms ?? null,
    brokerCpuSPerMillion: b.cpuSecondsPerMillion ?? null,
    brokerPeakRssMb: b.peakRssKb ? Math.round(b.peakRssKb / 102.4) / 10 : null,
    startToFirstAckMs: result.probe?.firstAckMs ?? null,
    errors: result.errors ? result.errors.total : null,
  };
}

async function runWorkload(impl, round, wl, ns, sdir) {
  const W = WORKLOADS[wl];
  const dir = path.join(sdir, wl);
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort([-2, 0, 1]);
  const conf = brokerConf(dir, ns, port, W.flush);
  const g = { ...genArgsFor(wl, ns, port), probe: true };
  log(`round ${round} ${impl} (${wl}) ${W.title}${g.rate ? ` at ${g.rate} msg/s` : ''}`);
  const loadavg = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  let broker = null;
  const t0 = now();
  const { result } = await runGenerator(dir, 'generator', g, {
    timeoutMs: genTimeout(g),
    onReady: () => { broker = spawnBroker(impl, dir, conf, ns); return { pid: broker.child.pid, spawnMs: broker.spawnMs }; },
  });
  const brokerExit = broker?.child.exitInfo || null;
  const shutdown = await stopProcess(broker?.child, CFG.stopGraceS, `${impl} broker`);
  const logs = scanLogs(impl, dir);
  const rec = {
    impl, round, workload: wl, flushDiskType: W.flush, dir: path.relative(ROOT, dir),
    title: wl === 'f' ? `fixed rate ${g.rate} msg/s (half the Java broker's (a)), born-to-consume latency` : W.title,
    loadAvgBefore: loadavg, seconds: (now() - t0) / 1000,
    figures: figures(result), brokerExitedDuringRun: brokerExit, shutdown, logs, result,
  };
  if (!CFG.keepStores) rmrf(conf.store);
  const f = rec.figures;
  log(`  ${impl} ${wl}: ${f.msgsPerSec ?? '-'} msg/s, ${f.mbPerSec ?? '-'} MB/s, p50/p99/p999 ${f.sendP50Ms ?? '-'}/${f.sendP99Ms ?? '-'}/${f.sendP999Ms ?? '-'} ms` +
    `${f.e2eP99Ms != null ? `, e2e p50/p99 ${f.e2eP50Ms}/${f.e2eP99Ms} ms` : ''}, cpu ${f.brokerCpuSPerMillion ?? '-'} s/M, rss ${f.brokerPeakRssMb ?? '-'} MB,` +
    ` first ack ${f.startToFirstAckMs ?? '-'} ms, errors ${f.errors ?? '-'}${result.fatal ? ' FATAL: ' + String(result.fatal).split('\n')[0] : ''}` +
    `${logs.error ? `, broker log errors ${logs.error}` : ''}`);
  records.push(rec);
  if (wl === 'a' && impl === 'java' && fixedRate === null && f.msgsPerSec) {
    fixedRate = Math.max(100, Math.round(f.msgsPerSec / 2));
    notes.push(`(f) rate = ${fixedRate} msg/s = half of the Java broker's (a) throughput in round ${round} (${f.msgsPerSec} msg/s)`);
    log(`  (f) will run at ${fixedRate} msg/s`);
  }
  return rec;
}

async function session(impl, round, workloads) {
  const sdir = path.join(RUN_DIR, `r${round}-${impl}`);
  const ns = await startNamesrv(impl, path.join(sdir, 'namesrv'));
  try {
    for (const wl of workloads) {
      if (wl === 'f' && fixedRate === null) {
        const anyA = records.find((r) => r.workload === 'a' && r.figures.msgsPerSec);
        if (!anyA) { log('skipping (f): no rate (run (a) with the Java broker or pass --rate)'); continue; }
        fixedRate = Math.max(100, Math.round(anyA.figures.msgsPerSec / 2));
        notes.push(`(f) rate = ${fixedRate} msg/s = half of ${anyA.impl}'s (a) throughput (no Java (a) in this run)`);
      }
      try {
        await runWorkload(impl, round, wl, ns, sdir);
      } catch (e) {
        log(`  ${impl} ${wl} failed: ${e.stack || e}`);
        records.push({ impl, round, workload: wl, title: WORKLOADS[wl].title, figures: figures({}), result: { fatal: String(e.stack || e) } });
      }
    }
  } finally {
    await stopProcess(ns.child, 10, `${impl} name server`);
  }
}

// ---- h: a backlog of >= 50 million stored messages

/** Bytes one stored message takes: CommitLog record (~200 B header+properties + body) + ConsumeQueue unit + index. */
const perMessageBytes = (body) => body + 260;

function diskBudget() {
  const s = fs.statfsSync(WORK_ROOT);
  const total = s.blocks * s.bsize;
  const avail = s.bavail * s.bsize;
  const free = s.bfree * s.bsize;
  // Both brokers count disk use as (blocks - bfree) / blocks (Java's UtilAll#getDiskPartitionSpaceUsedPercent) and
  // refuse writes at 90 %; the kernel refuses them (ENOSPC) when bavail runs out. The stricter bound sizes the backlog,
  // with 8 GiB left for everyone else on this machine.
  const brokerLimit = free - 0.10 * total;
  const budget = Math.min(avail, brokerLimit) - 8 * 2 ** 30;
  return { total, avail, free, budget, brokerUsage: (total - free) / total };
}

function sizeBacklog() {
  const d = diskBudget();
  const want = CFG.backlogCount;
  let size = CFG.backlogSize;
  const candidates = [size, 512, 256, 128].filter((x, i, a) => x <= size && a.indexOf(x) === i);
  let chosen = null;
  for (const s of candidates) {
    if (want * perMessageBytes(s) <= d.budget) { chosen = { count: want, size: s }; break; }
  }
  if (!chosen) {
    const s = candidates[candidates.length - 1];
    chosen = { count: Math.max(0, Math.floor(d.budget / perMessageBytes(s))), size: s, reduced: true };
  }
  const gb = (x) => Math.round(x / 1e8) / 10;
  const why = `disk ${WORK_ROOT}: ${gb(d.avail)} GB available of ${gb(d.total)} GB (the brokers count ${Math.round(d.brokerUsage * 100)} % used); ` +
    `budget ${gb(d.budget)} GB → ${chosen.count} messages × ${chosen.size} B (≈ ${gb(chosen.count * perMessageBytes(chosen.size))} GB per broker)`;
  return { ...chosen, why, disk: d };
}

async function runBacklog(impl, plan) {
  const sdir = path.join(RUN_DIR, `h-${impl}`);
  const ns = await startNamesrv(impl, path.join(sdir, 'namesrv'));
  const dir = path.join(sdir, 'h');
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort([-2, 0, 1]);
  const conf = brokerConf(dir, ns, port, 'ASYNC_FLUSH', { cleanFileForciblyEnable: false, diskMaxUsedSpaceRatio: 95 });
  let broker = null;
  const base = { namesrv: ns.addr, 'broker-addr': `127.0.0.1:${port}`, queues: CFG.queues };
  try {
    log(`${impl} (h) filling ${plan.count} messages × ${plan.size} B into BacklogTopic`);
    const t0 = now();
    const fill = await runGenerator(dir, 'fill', { ...base, mode: 'fill', topic: 'BacklogTopic', size: plan.size, fill: plan.count,
      'fill-threads': 8, 'fill-batch': 32, 'dispatch-timeout-s': 3600, probe: true }, {
      timeoutMs: (900 + plan.count / 300) * 1000,
      onReady: () => { broker = spawnBroker(impl, dir, conf, ns); return { pid: broker.child.pid, spawnMs: broker.spawnMs }; },
    });
    const storeSize = duBytes(conf.store);
    log(`  filled in ${Math.round((now() - t0) / 1000)} s; store ${Math.round(storeSize.allocated / 1e8) / 10} GB on disk`);
    if (fill.result.fatal) throw new Error(`fill failed: ${String(fill.result.fatal).split('\n')[0]}`);
    const pid = broker.child.pid;
    const common = { 'broker-pid': pid };
    for (const [wl, g] of [
      ['h-send', { ...base, ...common, mode: 'sync', threads: 64, size: 1024, 'warmup-s': CFG.warmupS, 'measure-s': CFG.measureS }],
      ['h-consume', { ...base, ...common, mode: 'consume', topic: 'BacklogTopic', 'create-topic': false, size: plan.size,
        fill: 0, consume: CFG.hConsumeCount }],
    ]) {
      log(`${impl} (${wl}) with ${plan.count} stored messages`);
      const { result } = await runGenerator(dir, wl, g, { timeoutMs: genTimeout(g) });
      const rec = {
        impl, round: 1, workload: wl, title: wl === 'h-send' ? `(a) with ${plan.count} stored messages` :
          `(e) consume ${CFG.hConsumeCount} of ${plan.count} stored messages (${plan.size} B)`,
        flushDiskType: 'ASYNC_FLUSH', dir: path.relative(ROOT, dir), loadAvgBefore: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
        figures: figures(result), result, backlog: { ...plan, disk: undefined, fill: fill.result.fill, storeBytes: storeSize },
      };
      // peak RSS of these runs is the broker's lifetime peak, fill included
      records.push(rec);
      const f = rec.figures;
      log(`  ${impl} ${wl}: ${f.msgsPerSec ?? '-'} msg/s, p99 ${f.sendP99Ms ?? '-'} ms, cpu ${f.brokerCpuSPerMillion ?? '-'} s/M, errors ${f.errors ?? '-'}${result.fatal ? ' FATAL' : ''}`);
    }
  } finally {
    const shutdown = broker ? await stopProcess(broker.child, CFG.stopGraceS, `${impl} broker`) : null;
    const logs = scanLogs(impl, dir);
    for (const r of records) if (r.impl === impl && r.workload.startsWith('h-')) { r.shutdown = shutdown; r.logs = logs; }
    await stopProcess(ns.child, 10, `${impl} name server`);
    rmrf(conf.store); // the backlog is always deleted
    log(`  ${impl} (h) store deleted`);
  }
}

// ---- recovery after SIGKILL with 5 GB in the CommitLog

async function runRecovery(impl) {
  const sdir = path.join(RUN_DIR, `recovery-${impl}`);
  const ns = await startNamesrv(impl, path.join(sdir, 'namesrv'));
  const dir = path.join(sdir, 'recovery');
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort([-2, 0, 1]);
  const conf = brokerConf(dir, ns, port, 'ASYNC_FLUSH', { cleanFileForciblyEnable: false });
  const count = Math.ceil((CFG.recoveryGb * 2 ** 30) / 1024);
  const base = { namesrv: ns.addr, 'broker-addr': `127.0.0.1:${port}`, queues: CFG.queues, topic: 'RecoveryTopic', size: 1024 };
  let broker = null;
  let broker2 = null;
  const rec = { impl, round: 1, workload: 'recovery', title: `restart after SIGKILL with ${CFG.recoveryGb} GB in the CommitLog`, dir: path.relative(ROOT, dir) };
  try {
    log(`${impl} (recovery) filling ${count} × 1 KB`);
    const fill = await runGenerator(dir, 'fill', { ...base, mode: 'fill', fill: count, probe: true }, {
      timeoutMs: (900 + count / 300) * 1000,
      onReady: () => { broker = spawnBroker(impl, dir, conf, ns); return { pid: broker.child.pid, spawnMs: broker.spawnMs }; },
    });
    if (fill.result.fatal) throw new Error(`fill failed: ${String(fill.result.fatal).split('\n')[0]}`);
    const commitlog = duBytes(path.join(conf.store, 'commitlog'));
    await sleep(1000);
    log(`  SIGKILL ${impl} broker (pid ${broker.child.pid}); CommitLog ${Math.round(commitlog.allocated / 1e8) / 10} GB on disk`);
    process.kill(broker.child.pid, 'SIGKILL');
    await broker.child.exited;
    const verify = await runGenerator(dir, 'verify', { ...base, mode: 'verify', expect: count, probe: true, 'create-topic': false }, {
      timeoutMs: 900_000,
      onReady: () => { broker2 = spawnBroker(impl, dir, conf, ns); return { pid: broker2.child.pid, spawnMs: broker2.spawnMs }; },
    });
    Object.assign(rec, {
      commitLogBytes: commitlog, filled: fill.result.fill, result: verify.result,
      figures: { ...figures({}), startToFirstAckMs: verify.result.probe?.firstAckMs ?? null, brokerPeakRssMb: verify.result.broker?.peakRssKb ? Math.round(verify.result.broker.peakRssKb / 102.4) / 10 : null },
      recovered: verify.result.verify,
    });
    log(`  ${impl} recovered: first ack ${rec.figures.startToFirstAckMs ?? '-'} ms after restart, ${verify.result.verify?.recovered ?? '?'} of ${count} messages`);
  } catch (e) {
    rec.result = { fatal: String(e.stack || e) };
    rec.figures = figures({});
    log(`  ${impl} recovery failed: ${e.message}`);
  } finally {
    rec.shutdown = broker2 ? await stopProcess(broker2.child, CFG.stopGraceS, `${impl} broker`) : null;
    if (broker && !broker.child.exitInfo) await stopProcess(broker.child, 1, `${impl} broker`);
    rec.logs = scanLogs(impl, dir);
    await stopProcess(ns.child, 10, `${impl} name server`);
    if (!CFG.keepStores) rmrf(conf.store);
    records.push(rec);
  }
}

// ------------------------------------------------------------------------------------------------ report

const FIGURES = [
  ['msgsPerSec', 'messages/s', 'higher'],
  ['mbPerSec', 'MB/s (body, 10^6 B)', 'higher'],
  ['sendP50Ms', 'send latency p50 (ms)', 'lower'],
  ['sendP99Ms', 'send latency p99 (ms)', 'lower'],
  ['sendP999Ms', 'send latency p999 (ms)', 'lower'],
  ['e2eP50Ms', 'born-to-consume p50 (ms)', 'lower'],
  ['e2eP99Ms', 'born-to-consume p99 (ms)', 'lower'],
  ['e2eP999Ms', 'born-to-consume p999 (ms)', 'lower'],
  ['brokerCpuSPerMillion', 'broker CPU s per million msgs', 'lower'],
  ['brokerPeakRssMb', 'broker peak RSS (MiB)', 'lower'],
  ['startToFirstAckMs', 'spawn → first acknowledged send (ms)', 'lower'],
  ['errors', 'failed sends/consumes', 'lower'],
];

const WL_ORDER = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h-send', 'h-consume', 'recovery'];
const big = (n) => (n >= 1e6 ? `${Math.round(n / 1e5) / 10}M` : n >= 1e3 ? `${Math.round(n / 100) / 10}k` : String(n));
const LABELS = { ...Object.fromEntries(Object.entries(WORKLOADS).map(([k, v]) => [k, v.label])), recovery: 'recovery' };
function hLabels(plan) {
  LABELS['h-send'] = `h|sync 1K|+${big(plan.count)} stored`;
  LABELS['h-consume'] = `h|consume|of ${big(plan.count)}`;
}

function aggregate() {
  const out = {};
  for (const wl of WL_ORDER) {
    const rs = records.filter((r) => r.workload === wl);
    if (!rs.length) continue;
    const row = { title: rs[0].title, impls: {} };
    for (const impl of CFG.impls) {
      const mine = rs.filter((r) => r.impl === impl);
      if (!mine.length) continue;
      const agg = { rounds: mine.length };
      for (const [k] of FIGURES) {
        const vals = mine.map((r) => r.figures?.[k]);
        agg[k] = k === 'errors' ? vals.reduce((s, v) => s + (v || 0), 0) : median(vals);
        agg[`${k}All`] = vals;
      }
      agg.fatal = mine.filter((r) => r.result?.fatal).map((r) => String(r.result.fatal).split('\n')[0]);
      row.impls[impl] = agg;
    }
    const j = row.impls.java;
    const t = row.impls.tsmq;
    if (j && t) {
      row.ratio = {};
      for (const [k] of FIGURES) row.ratio[k] = j[k] && t[k] != null ? Math.round((t[k] / j[k]) * 1000) / 1000 : null;
    }
    out[wl] = row;
  }
  // start-up over every fresh start of each broker
  const startup = { title: 'broker spawn → first acknowledged send, every fresh start (median)', impls: {} };
  for (const impl of CFG.impls) {
    const v = records.filter((r) => r.impl === impl && r.workload !== 'recovery').map((r) => r.figures?.startToFirstAckMs);
    if (v.some((x) => x != null)) startup.impls[impl] = { startToFirstAckMs: median(v), startToFirstAckMsAll: v, rounds: v.length };
  }
  if (startup.impls.java && startup.impls.tsmq) {
    startup.ratio = { startToFirstAckMs: Math.round((startup.impls.tsmq.startToFirstAckMs / startup.impls.java.startToFirstAckMs) * 1000) / 1000 };
  }
  out.startup = startup;
  return out;
}

function fmtNum(v) {
  if (v == null || Number.isNaN(v)) return '–';
  if (Number.isInteger(v) && Math.abs(v) < 1000) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(v === Math.round(v) ? 0 : 3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function markdown(report) {
  const m = report.machine;
  const L = [];
  L.push(`# tsmq vs Apache RocketMQ ${RMQ_VERSION}: ${SHORT ? 'short' : 'full'} run ${RUN_ID}`);
  L.push('');
  L.push(`Command: \`${report.command}\``);
  L.push('');
  L.push(`Machine: ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM; disk ${m.disk.device} (${m.disk.rotational === false ? 'non-rotational' : m.disk.rotational ? 'rotational' : 'unknown type'}; ${m.disk.df}); ` +
    `kernel ${m.kernel}; Node ${m.node}; ${m.java}; tsmq ${m.tsmqCommit}. Load average at start ${m.loadAvgAtStart}, at end ${report.loadAvgAtEnd}` +
    ' (the machine is shared: other jobs ran during this run, so figures are noisy).');
  L.push('');
  L.push(`Setup: Apache RocketMQ name server and broker ${RMQ_VERSION} (Maven Central jars) vs tsmq, both with the same broker.conf ` +
    `(ASYNC_MASTER, flushDiskType per workload, ${CFG.queues} queues per topic, mappedFileSizeCommitLog=${CFG.commitLogFileSize}, store under ${path.relative(ROOT, WORK_ROOT) || WORK_ROOT}); ` +
    `load from bench/java (rocketmq-client ${RMQ_VERSION}, no send retries, no compression), in the same machine. ` +
    `Java broker JVM: \`${CFG.javaBrokerOpts}\`; Java name server: \`${CFG.javaNamesrvOpts}\`; generator: \`${CFG.genOpts}\`; tsmq: ${CFG.nodeOpts ? `\`node ${CFG.nodeOpts}\`` : 'node with its defaults'}. ` +
    `${report.config.rounds} round(s) of A B (Java then tsmq, fresh broker and store per workload); warm-up ${CFG.warmupS} s, measurement ${CFG.measureS} s; (e) backlog ${CFG.consumeCount} messages.`);
  L.push('');
  for (const n of report.notes) L.push(`- ${n}`);
  if (report.notes.length) L.push('');
  L.push(`![throughput and latency](${RUN_ID}.png)`);
  L.push('');
  L.push('## Summary (medians over rounds; ratio = tsmq / Java)');
  L.push('');
  L.push('| workload | msg/s Java | msg/s tsmq | ratio | p99 ms Java | p99 ms tsmq | ratio | CPU s/M Java | CPU s/M tsmq | ratio | RSS MiB Java | RSS MiB tsmq | ratio | errors J / T |');
  L.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const [wl, row] of Object.entries(report.aggregate)) {
    if (wl === 'startup' || wl === 'recovery') continue;
    const j = row.impls.java || {};
    const t = row.impls.tsmq || {};
    const r = row.ratio || {};
    const p99k = wl === 'f' ? 'e2eP99Ms' : 'sendP99Ms';
    L.push(`| ${wl} ${row.title}${wl === 'f' ? ' (p99 = born-to-consume)' : ''} | ${fmtNum(j.msgsPerSec)} | ${fmtNum(t.msgsPerSec)} | ${fmtNum(r.msgsPerSec)} | ` +
      `${fmtNum(j[p99k])} | ${fmtNum(t[p99k])} | ${fmtNum(r[p99k])} | ${fmtNum(j.brokerCpuSPerMillion)} | ${fmtNum(t.brokerCpuSPerMillion)} | ${fmtNum(r.brokerCpuSPerMillion)} | ` +
      `${fmtNum(j.brokerPeakRssMb)} | ${fmtNum(t.brokerPeakRssMb)} | ${fmtNum(r.brokerPeakRssMb)} | ${fmtNum(j.errors)} / ${fmtNum(t.errors)} |`);
  }
  L.push('');
  L.push('## Every figure (medians over rounds; per-round values in the JSON)');
  L.push('');
  L.push('| workload | figure | better | Java | tsmq | tsmq/Java |');
  L.push('|---|---|---|--:|--:|--:|');
  for (const [wl, row] of Object.entries(report.aggregate)) {
    const j = row.impls.java || {};
    const t = row.impls.tsmq || {};
    const r = row.ratio || {};
    for (const [k, name, better] of FIGURES) {
      if (j[k] == null && t[k] == null) continue;
      L.push(`| ${wl === 'startup' ? 'start-up' : wl} | ${name} | ${better} | ${fmtNum(j[k])} | ${fmtNum(t[k])} | ${fmtNum(r[k])} |`);
    }
    if (wl === 'recovery') {
      const rr = (impl) => records.find((x) => x.workload === 'recovery' && x.impl === impl)?.recovered;
      const txt = (v) => (v ? `${v.recovered} / ${v.expected}` : '–');
      L.push(`| recovery | messages recovered / acknowledged before the SIGKILL | all | ${txt(rr('java'))} | ${txt(rr('tsmq'))} | |`);
      const cl = (impl) => records.find((x) => x.workload === 'recovery' && x.impl === impl)?.commitLogBytes?.allocated;
      L.push(`| recovery | CommitLog on disk at the SIGKILL (GB) | – | ${fmtNum(cl('java') / 1e9)} | ${fmtNum(cl('tsmq') / 1e9)} | |`);
    }
  }
  L.push('');
  L.push('## Workloads');
  L.push('');
  for (const [wl, row] of Object.entries(report.aggregate)) if (wl !== 'startup') L.push(`- **${wl}**: ${row.title}`);
  L.push('');
  L.push('## Problems seen during the run');
  L.push('');
  let any = false;
  for (const r of records) {
    const probs = [];
    if (r.result?.fatal) probs.push(`generator could not complete: ${String(r.result.fatal).split('\n')[0]}`);
    if (r.figures?.errors) {
      const kinds = Object.entries(r.result.errors.kinds).sort((a, b) => b[1] - a[1]);
      probs.push(`${r.figures.errors} failed operations (${r.result.errors.inWindow} in the window): ` +
        kinds.slice(0, 3).map(([k, n]) => `${n} × \`${k.replace(/`/g, "'")}\``).join(', ') + (kinds.length > 3 ? `, and ${kinds.length - 3} other kinds` : ''));
    }
    if (r.brokerExitedDuringRun) probs.push(`broker exited during the run: ${JSON.stringify(r.brokerExitedDuringRun)}`);
    // 143 = 128 + SIGTERM: how a JVM reports a shutdown-hook exit; anything else is worth a look
    if (r.shutdown && r.shutdown.signal === 'SIGTERM' && r.shutdown.exitCode && r.shutdown.exitCode !== 143) probs.push(`exit code ${r.shutdown.exitCode} after SIGTERM`);
    if (r.logs?.error) probs.push(`${r.logs.error} ERROR lines in the broker log, e.g. ${r.logs.firstErrors.slice(0, 2).map((x) => '`' + x.replace(/`/g, "'").slice(0, 240) + '`').join('; ')}`);
    if (r.recovered && !r.recovered.complete) probs.push(`recovered only ${r.recovered.recovered} of ${r.recovered.expected} acknowledged messages`);
    if (r.result?.unansweredAtEnd) probs.push(`${r.result.unansweredAtEnd} async sends unanswered at the end`);
    if (probs.length) {
      any = true;
      L.push(`- round ${r.round} ${r.impl} ${r.workload}: ${probs.join('; ')} (logs: ${r.dir})`);
    }
  }
  if (!any) L.push('None: no failed sends or consumes, no broker ERROR lines, no broker exits.');
  L.push('');
  L.push(`Stopping (SIGTERM, SIGKILL after ${CFG.stopGraceS} s; not a measured figure, the store is deleted afterwards):`);
  L.push('');
  for (const impl of CFG.impls) {
    const stops = [...new Set(records.filter((r) => r.impl === impl && r.shutdown).map((r) => r.shutdown))];
    const term = stops.filter((x) => x.signal === 'SIGTERM');
    const killed = stops.filter((x) => x.signal && x.signal !== 'SIGTERM');
    L.push(`- ${impl}: ${term.length} of ${stops.length} brokers exited on SIGTERM (median ${fmtNum(median(term.map((x) => x.seconds)))} s)` +
      `${killed.length ? `, ${killed.length} needed SIGKILL` : ''}${term.some((x) => x.exitCode) ? `; exit codes ${[...new Set(term.map((x) => x.exitCode))].join(',')} (143 = JVM exit on SIGTERM)` : ''}`);
  }
  L.push('');
  L.push(`Run time: ${Math.round(report.runSeconds)} s. JSON: ${RUN_ID}.json. Work directory (logs): ${path.relative(ROOT, RUN_DIR)}.`);
  L.push('');
  return L.join('\n');
}

function chartTsv(report) {
  const L = [`#title\ttsmq vs Apache RocketMQ ${RMQ_VERSION} broker: ${SHORT ? 'short' : 'full'} run ${RUN_ID}`,
    `#subtitle\t${report.machine.cpuModel}, ${report.machine.cores} cores, ${report.machine.ramGiB} GiB; client ${RMQ_VERSION}; ${report.config.rounds} round(s); shared machine, noisy`];
  const v = (x) => (x == null ? '-' : String(x));
  for (const [wl, row] of Object.entries(report.aggregate)) {
    if (wl === 'startup' || wl === 'recovery') continue;
    const j = row.impls.java || {};
    const t = row.impls.tsmq || {};
    L.push([LABELS[wl] || wl, v(j.msgsPerSec), v(t.msgsPerSec), v(j.sendP50Ms), v(t.sendP50Ms), v(j.sendP99Ms), v(t.sendP99Ms)].join('\t'));
    if (wl === 'f') L.push(['f|born→consume', '-', '-', v(j.e2eP50Ms), v(t.e2eP50Ms), v(j.e2eP99Ms), v(t.e2eP99Ms)].join('\t'));
  }
  return L.join('\n') + '\n';
}

// ------------------------------------------------------------------------------------------------ main

async function main() {
  const started = now();
  fs.mkdirSync(RUN_DIR, { recursive: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  if (CFG.build) {
    shOrDie('npx', ['tsc', '-p', '.'], { cwd: ROOT });
    shOrDie('mvn', ['-B', '-q', '-Dstyle.color=never', 'package'], { cwd: JAVA_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
    shOrDie('bash', [PEERS, 'fetch', RMQ_VERSION]);
  }
  for (const f of [path.join(ROOT, 'dist', 'cli.js'), path.join(JAVA_DIR, 'target', 'classes', 'io', 'tsmq', 'bench', 'Bench.class')]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: run without --no-build`);
  }
  const mach = machine();
  CLK_TCK = mach.clkTck;
  const all = [...selected, ...(CFG.backlog ? ['h'] : []), ...(CFG.recovery ? ['recovery'] : [])];
  log(`run ${RUN_ID}: workloads ${all.join(',')}; ${selected.length ? `${CFG.rounds} round(s) of ${CFG.impls.join(' then ')}` : CFG.impls.join(' then ')}`);
  log(`machine: ${mach.cpuModel}, ${mach.cores} cores, ${mach.ramGiB} GiB, ${mach.disk.df}, load ${mach.loadAvgAtStart}`);

  let backlogPlan = null;
  if (CFG.backlog) {
    backlogPlan = sizeBacklog();
    hLabels(backlogPlan);
    log(`(h) ${backlogPlan.why}`);
    notes.push(`(h) ${backlogPlan.why}`);
    if (backlogPlan.count < CFG.backlogCount) notes.push(`(h) WARNING: fewer than the ${CFG.backlogCount} messages asked for: the disk is too small`);
    if (backlogPlan.count === 0) throw new Error('no disk space for (h)');
  }

  for (let round = 1; round <= CFG.rounds && selected.length; round++) {
    for (const impl of CFG.impls) await session(impl, round, selected);
  }
  if (CFG.backlog) {
    for (const impl of CFG.impls) {
      try {
        await runBacklog(impl, backlogPlan);
      } catch (e) {
        log(`  ${impl} (h) failed: ${e.stack || e}`);
        for (const wl of ['h-send', 'h-consume']) {
          if (!records.some((r) => r.impl === impl && r.workload === wl)) {
            records.push({ impl, round: 1, workload: wl, title: `(h) ${wl}`, figures: figures({}), result: { fatal: String(e.stack || e) } });
          }
        }
      }
    }
  }
  if (CFG.recovery) for (const impl of CFG.impls) await runRecovery(impl);

  const report = {
    id: RUN_ID,
    command: `npm run bench${argv.length ? ' -- ' + argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ') : ''}`,
    commandLine: process.argv.join(' '),
    machine: mach,
    loadAvgAtEnd: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
    config: { ...CFG, workloads: selected, rmqVersion: RMQ_VERSION, clientVersion: RMQ_VERSION, fRate: fixedRate },
    workloads: Object.fromEntries(Object.entries(WORKLOADS).map(([k, v]) => [k, { title: v.title, flushDiskType: v.flush, generator: v.gen }])),
    notes,
    runSeconds: (now() - started) / 1000,
    aggregate: aggregate(),
    records,
  };
  const base = path.join(RESULTS, RUN_ID);
  fs.writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(`${base}.md`, markdown(report));
  fs.writeFileSync(path.join(RUN_DIR, 'chart.tsv'), chartTsv(report));
  const chart = sh('java', ['-Djava.awt.headless=true', '-cp', genClasspath(), 'io.tsmq.bench.Bench', 'chart',
    '--in', path.join(RUN_DIR, 'chart.tsv'), '--out', `${base}.png`]);
  if (chart.code !== 0) log(`chart failed: ${chart.err}`);
  log(`results: ${path.relative(ROOT, base)}.{json,md,png} (${Math.round(report.runSeconds)} s)`);
  process.stdout.write('\n' + fs.readFileSync(`${base}.md`, 'utf8').split('## Every figure')[0]);
}

main().catch((e) => {
  log(`failed: ${e.stack || e}`);
  cleanupChildren();
  process.exit(1);
});
