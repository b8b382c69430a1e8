#!/usr/bin/env node
'use strict';
/**
 * The container test (npm test runs it after the compat suite): builds the tsmq image and the compat harness image
 * with podman on a base made here from Debian packages, starts a name server and a broker container as
 * docker/compose.yaml describes them, runs the harness container's Java scenarios against them, restarts the broker
 * container and checks with the harness that the store kept every message.
 *
 *   node docker/test/container-test.js [--keep]      (--keep leaves the containers, volume and images behind)
 *
 * Needs root (rootful podman); installs podman, runc and debootstrap from Debian's packages when they are missing.
 * No image registry is reachable from CI, so the base image (Debian bookworm by debootstrap, plus this machine's
 * Node.js 20 and npm, which is what node:20-bookworm-slim holds) is built here and given to both Dockerfiles as BASE.
 * Ends with one line, "N passed, N failed": its own checks plus the harness's JUnit counts.
 */
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const KEEP = process.argv.includes('--keep');
const TAG = 'test';
const BASE_IMAGE = 'localhost/tsmq-base:bookworm-node20';
const TSMQ_IMAGE = `localhost/tsmq:${TAG}`;
const HARNESS_IMAGE = `localhost/tsmq-compat-harness:${TAG}`;
const NS_CTR = 'tsmq-test-namesrv';
const BROKER_CTR = 'tsmq-test-broker';
const STORE_VOLUME = 'tsmq-test-store';
const NAMESRV_VOLUME = 'tsmq-test-namesrv';
// This machine's podman needs runc and cgroupfs (no systemd), the host network, and ulimits within the sandbox's.
const PODMAN_GLOBAL = ['--runtime', 'runc', '--cgroup-manager', 'cgroupfs'];
const LIMITS = ['--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=1000:1000'];

let passed = 0;
let failed = 0;
const t0 = Date.now();

function log(msg) {
  const s = ((Date.now() - t0) / 1000).toFixed(0).padStart(4);
  process.stdout.write(`[containers ${s}s] ${msg}\n`);
}

function check(name, ok, detail) {
  if (ok) passed++;
  else failed++;
  log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  return ok;
}

/** Runs a command; its output goes to our stdout (prefixed) unless quiet; returns { status, out }. */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 30 * 60 * 1000, env: opts.env ?? process.env, cwd: opts.cwd ?? ROOT });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (!opts.quiet) for (const line of out.split('\n')) if (line.trim()) process.stdout.write(`    ${line}\n`);
  return { status: r.status ?? (r.signal ? 128 : 1), out, signal: r.signal };
}

function podman(args, opts) {
  return run('podman', [...PODMAN_GLOBAL, ...args], opts);
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function freePort(lo, hi, span = 1) {
  const taken = new Set();
  const free = (p) =>
    new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen({ port: p, host: '0.0.0.0' }, () => s.close(() => resolve(true)));
    });
  return (async () => {
    for (let i = 0; i < 500; i++) {
      const p = lo + Math.floor(Math.random() * (hi - lo));
      if (taken.has(p)) continue;
      let ok = true;
      for (let d = -2; d < span; d++) ok = ok && (await free(p + d));
      if (ok) return p;
      taken.add(p);
    }
    throw new Error('no free port');
  })();
}

function installTools() {
  const missing = ['podman', 'debootstrap', 'runc'].filter((c) => !have(c));
  if (missing.length === 0) return true;
  if (process.getuid && process.getuid() !== 0) {
    log(`missing ${missing.join(', ')} and not root: cannot install them`);
    return false;
  }
  log(`installing podman, runc and debootstrap from Debian's packages (missing: ${missing.join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update', '-q'], { env, quiet: true }).status !== 0) return false;
  const r = run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'podman', 'runc', 'debootstrap', 'uidmap', 'fuse-overlayfs', 'iptables', 'netavark', 'aardvark-dns', 'catatonit'], { env, quiet: true });
  if (r.status !== 0) process.stdout.write(r.out.split('\n').slice(-20).join('\n') + '\n');
  return r.status === 0 && ['podman', 'debootstrap', 'runc'].every(have);
}

/** Debian bookworm (minbase) + this machine's node and npm, imported as BASE_IMAGE. */
function buildBase() {
  if (podman(['image', 'exists', BASE_IMAGE], { quiet: true }).status === 0) {
    log(`base image ${BASE_IMAGE} exists`);
    return true;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmq-rootfs-'));
  try {
    log(`debootstrap bookworm into ${dir}`);
    const r = run('debootstrap', ['--variant=minbase', '--include=ca-certificates', 'bookworm', dir, 'http://deb.debian.org/debian'], { quiet: true, timeoutMs: 20 * 60 * 1000 });
    if (r.status !== 0) {
      process.stdout.write(r.out.split('\n').slice(-30).join('\n') + '\n');
      return false;
    }
    const node = fs.realpathSync(process.execPath);
    const npmDir = path.resolve(path.dirname(require.resolve('npm/package.json', { paths: [path.join(path.dirname(node), '..', 'lib'), '/usr/lib', '/usr/local/lib'] })));
    fs.copyFileSync(node, path.join(dir, 'usr/bin/node'));
    fs.chmodSync(path.join(dir, 'usr/bin/node'), 0o755);
    fs.mkdirSync(path.join(dir, 'usr/lib/node_modules'), { recursive: true });
    execFileSync('cp', ['-a', npmDir, path.join(dir, 'usr/lib/node_modules/npm')]);
    fs.symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(dir, 'usr/bin/npm'));
    fs.symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(dir, 'usr/bin/npx'));
    // This machine reaches registries through a TLS-inspecting egress proxy whose CA it trusts; the images must too
    // (npm in the build, Maven and apt in the harness). Its extra CAs go where update-ca-certificates finds them,
    // the bundle is taken as it is, and Node is pointed at it as here.
    const extraCas = '/usr/local/share/ca-certificates';
    if (fs.existsSync(extraCas)) execFileSync('cp', ['-a', `${extraCas}/.`, path.join(dir, 'usr/local/share/ca-certificates/')]);
    if (fs.existsSync('/etc/ssl/certs/ca-certificates.crt')) fs.copyFileSync('/etc/ssl/certs/ca-certificates.crt', path.join(dir, 'etc/ssl/certs/ca-certificates.crt'));
    fs.rmSync(path.join(dir, 'var/cache/apt/archives'), { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, 'var/cache/apt/archives/partial'), { recursive: true });
    log(`importing ${BASE_IMAGE} (node ${process.version})`);
    const tar = spawnSync('sh', ['-c', `tar -C '${dir}' -c . | podman ${PODMAN_GLOBAL.join(' ')} import --change 'CMD ["/bin/bash"]' --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' - ${BASE_IMAGE}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (tar.status !== 0) process.stdout.write(`${tar.stdout}${tar.stderr}\n`);
    return tar.status === 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function build(file, image) {
  log(`building ${image} from ${file}`);
  const r = podman(['build', '--format', 'docker', '--network', 'host', ...LIMITS, '--build-arg', `BASE=${BASE_IMAGE}`, '-f', file, '-t', image, '.'], { quiet: true, timeoutMs: 30 * 60 * 1000 });
  if (r.status !== 0) process.stdout.write(r.out.split('\n').slice(-40).join('\n') + '\n');
  return r.status === 0;
}

function inspect(image) {
  const r = podman(['image', 'inspect', image], { quiet: true });
  try {
    return JSON.parse(r.out)[0];
  } catch {
    return undefined;
  }
}

function removeAll() {
  podman(['rm', '-f', '-t', '5', BROKER_CTR, NS_CTR], { quiet: true });
  podman(['volume', 'rm', '-f', STORE_VOLUME, NAMESRV_VOLUME], { quiet: true });
}

async function waitHealthy(ctr, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const r = podman(['healthcheck', 'run', ctr], { quiet: true });
    if (r.status === 0) return { ok: true, detail: 'healthy' };
    last = r.out.trim();
    await new Promise((res) => setTimeout(res, 1000));
  }
  return { ok: false, detail: last || 'no answer' };
}

function logsOf(ctr) {
  const r = podman(['logs', '--tail', '40', ctr], { quiet: true });
  return r.out;
}

/** One harness container run; its JUnit counts join ours. */
function harness(name, env) {
  const m2 = path.join(os.homedir(), '.m2');
  fs.mkdirSync(m2, { recursive: true });
  const args = ['run', '--rm', '--network', 'host', ...LIMITS, '-v', `${m2}:/root/.m2`];
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  args.push(HARNESS_IMAGE);
  log(`harness: ${name}`);
  const r = podman(args, { timeoutMs: 40 * 60 * 1000 });
  const lines = r.out.trim().split('\n');
  const m = /^(\d+) passed, (\d+) failed$/.exec((lines[lines.length - 1] || '').trim());
  if (!m) {
    check(`harness ${name}`, false, `no summary line (exit ${r.status})`);
    return false;
  }
  passed += Number(m[1]);
  failed += Number(m[2]);
  const ok = Number(m[2]) === 0 && Number(m[1]) > 0 && r.status === 0;
  log(`harness ${name}: ${m[1]} passed, ${m[2]} failed (exit ${r.status})`);
  if (Number(m[1]) === 0) failed++;
  return ok;
}

async function main() {
  if (!check('podman, runc and debootstrap available', installTools())) return;
  podman(['--version'], {});
  if (!check(`base image ${BASE_IMAGE} from Debian packages`, buildBase())) return;
  if (!check(`tsmq image builds (docker/Dockerfile, BASE=${BASE_IMAGE})`, build('docker/Dockerfile', TSMQ_IMAGE))) return;
  const img = inspect(TSMQ_IMAGE);
  const cfg = img?.Config ?? {};
  check('image runs as a non-root user', cfg.User === 'tsmq', `User=${cfg.User}`);
  const ports = Object.keys(cfg.ExposedPorts ?? {}).sort();
  check('image exposes 9876, 10909 and 10911', ['10909/tcp', '10911/tcp', '9876/tcp'].every((p) => ports.includes(p)), ports.join(' '));
  check('image declares the store volume', Object.keys(cfg.Volumes ?? {}).includes('/home/tsmq/store'), Object.keys(cfg.Volumes ?? {}).join(' '));
  check('image has a health check', Array.isArray((img?.Healthcheck ?? cfg.Healthcheck)?.Test), JSON.stringify(img?.Healthcheck ?? cfg.Healthcheck));
  check('image entrypoint chooses the role', JSON.stringify(cfg.Entrypoint) === '["tsmq-entrypoint"]' && JSON.stringify(cfg.Cmd) === '["broker"]', `${JSON.stringify(cfg.Entrypoint)} ${JSON.stringify(cfg.Cmd)}`);
  log(`image size ${((img?.Size ?? 0) / 1e6).toFixed(0)} MB (base ${((inspect(BASE_IMAGE)?.Size ?? 0) / 1e6).toFixed(0)} MB)`);
  if (!check('compat harness image builds (docker/compat-harness.Dockerfile)', build('docker/compat-harness.Dockerfile', HARNESS_IMAGE))) return;

  removeAll();
  const nsPort = await freePort(21000, 25000);
  const brokerPort = await freePort(25002, 29000, 2);
  const namesrvAddr = `127.0.0.1:${nsPort}`;
  // As docker/compose.yaml: host network, the name server's volume, the broker's store volume and broker.conf.
  const common = ['run', '-d', '--network', 'host', ...LIMITS];
  let r = podman([...common, '--name', NS_CTR, '-v', `${NAMESRV_VOLUME}:/home/tsmq/namesrv`, '-e', `TSMQ_CONF_listenPort=${nsPort}`, TSMQ_IMAGE, 'namesrv'], { quiet: true });
  if (!check('name server container starts', r.status === 0, r.out.trim().slice(-300))) return;
  r = podman(
    [
      ...common,
      '--name', BROKER_CTR,
      '-v', `${STORE_VOLUME}:/home/tsmq/store`,
      '-v', `${path.join(ROOT, 'docker/broker.conf')}:/etc/tsmq/broker.conf:ro`,
      '-e', `NAMESRV_ADDR=${namesrvAddr}`,
      '-e', 'TSMQ_CONF_brokerIP1=127.0.0.1',
      '-e', `TSMQ_CONF_listenPort=${brokerPort}`,
      '-e', 'TSMQ_CONF_brokerName=broker-c',
      TSMQ_IMAGE,
      'broker',
    ],
    { quiet: true },
  );
  if (!check('broker container starts', r.status === 0, r.out.trim().slice(-300))) return;
  let h = await waitHealthy(NS_CTR, 60_000);
  if (!check('name server container healthy (tsmq health)', h.ok, h.detail)) log(logsOf(NS_CTR));
  h = await waitHealthy(BROKER_CTR, 60_000);
  if (!check('broker container healthy (tsmq health)', h.ok, h.detail)) {
    log(logsOf(BROKER_CTR));
    return;
  }
  const who = podman(['exec', BROKER_CTR, 'id', '-un'], { quiet: true }).out.trim();
  check('broker process runs as tsmq', who === 'tsmq', who);

  const runId = Date.now().toString(36);
  const versions = process.env.CONTAINER_TEST_VERSIONS || '4.9.8 5.3.3';
  const serialize = process.env.CONTAINER_TEST_SERIALIZE || 'JSON ROCKETMQ';
  harness(`ExternalClusterIT (${versions}; ${serialize}), store check writes`, {
    COMPAT_NAMESRV: namesrvAddr,
    COMPAT_VERSIONS: versions,
    COMPAT_SERIALIZE: serialize,
    COMPAT_MVN_ARGS: `-Dcompat.phase=write -Dcompat.run=${runId}`,
  });

  log('restarting the broker container (SIGTERM, then start on the same volume)');
  r = podman(['restart', '-t', '30', BROKER_CTR], { quiet: true });
  check('broker container restarts', r.status === 0, r.out.trim().slice(-300));
  const exitLog = logsOf(BROKER_CTR);
  check('broker shut down cleanly on SIGTERM', /SIGTERM received, shutting down/.test(exitLog), exitLog.split('\n').filter((l) => /SIGTERM|stopped|shut/.test(l)).join(' | ').slice(0, 300));
  h = await waitHealthy(BROKER_CTR, 90_000);
  if (!check('broker container healthy again', h.ok, h.detail)) log(logsOf(BROKER_CTR));
  harness(`ExternalClusterIT#theStoreSurvivesARestart (${versions}; ${serialize}), reads back`, {
    COMPAT_NAMESRV: namesrvAddr,
    COMPAT_VERSIONS: versions,
    COMPAT_SERIALIZE: serialize,
    COMPAT_TEST: 'ExternalClusterIT#theStoreSurvivesARestart',
    COMPAT_MVN_ARGS: `-Dcompat.phase=verify -Dcompat.run=${runId}`,
  });
}

main()
  .catch((err) => check('container test ran to its end', false, err && err.stack ? err.stack : String(err)))
  .finally(() => {
    if (!KEEP && have('podman')) removeAll();
    log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    process.exitCode = failed === 0 ? 0 : 1;
  });
