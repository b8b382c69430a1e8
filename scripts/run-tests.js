#!/usr/bin/env node
'use strict';
/**
 * Runs every test suite and ends with one line, `N passed, N failed`, which CI reads.
 *   node scripts/run-tests.js            unit tests (uvu over dist/), the store cross-check, the compat harness
 *                                        (compat-tests/run.sh) and the container test
 *   node scripts/run-tests.js --unit     unit tests only
 *   node scripts/run-tests.js --compat   compat harness only (extra arguments go to compat-tests/run.sh)
 *   node scripts/run-tests.js --containers   the container test only (docker/test/container-test.js; root, podman)
 * A suite that crashes or prints no counts counts as one failure; skipped tests count as failures too, because a
 * skipped test proves nothing.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const only = args.includes('--unit') ? 'unit' : args.includes('--compat') ? 'compat' : args.includes('--containers') ? 'containers' : 'all';
const passThrough = args.filter((a) => a !== '--unit' && a !== '--compat' && a !== '--containers');
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

function run(cmd, cmdArgs, opts) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28, ...opts });
  const out = r.stdout || '';
  process.stdout.write(out);
  return { status: r.status, signal: r.signal, out: stripAnsi(out) };
}

function unit() {
  const r = run(process.execPath, [path.join(root, 'node_modules', 'uvu', 'bin.js'), 'dist', '\\.test\\.js$'], {
    env: { ...process.env, FORCE_COLOR: '0', TSMQ_LOG_LEVEL: process.env.TSMQ_LOG_LEVEL || 'error' },
    timeout: 15 * 60 * 1000,
  });
  const total = /Total:\s+(\d+)/.exec(r.out);
  const passed = /Passed:\s+(\d+)/.exec(r.out);
  if (!total || !passed) return { passed: 0, failed: 1, note: `unit tests did not report counts (exit ${r.status}, signal ${r.signal})` };
  const p = Number(passed[1]);
  const failed = Number(total[1]) - p;
  // uvu stops counting when a file throws outside a test; a non-zero exit without failures is still a failure.
  return { passed: p, failed: failed === 0 && r.status !== 0 ? 1 : failed };
}

function compat() {
  const r = run('bash', [path.join(root, 'compat-tests', 'run.sh'), ...passThrough], { timeout: 80 * 60 * 1000 });
  const lines = r.out.trim().split('\n');
  const m = /^(\d+) passed, (\d+) failed$/.exec((lines[lines.length - 1] || '').trim());
  if (!m) return { passed: 0, failed: 1, note: `compat harness did not end with a summary line (exit ${r.status}, signal ${r.signal})` };
  return { passed: Number(m[1]), failed: Number(m[2]) + (r.status !== 0 && Number(m[2]) === 0 ? 1 : 0) };
}

/** The store cross-check with the official rocketmq-store jar (compat-tests/store-cross-check.js). */
function storeCrossCheck() {
  const r = run(process.execPath, [path.join(root, 'compat-tests', 'store-cross-check.js')], { timeout: 20 * 60 * 1000 });
  const lines = r.out.trim().split('\n');
  const m = /^(\d+) passed, (\d+) failed$/.exec((lines[lines.length - 1] || '').trim());
  if (!m) return { passed: 0, failed: 1, note: `store cross-check did not end with a summary line (exit ${r.status}, signal ${r.signal})` };
  return { passed: Number(m[1]), failed: Number(m[2]) + (r.status !== 0 && Number(m[2]) === 0 ? 1 : 0) };
}

/** The container test (docker/test/container-test.js): images, the pair of containers, the harness against them. */
function containers() {
  const r = run(process.execPath, [path.join(root, 'docker', 'test', 'container-test.js')], { timeout: 45 * 60 * 1000 });
  const lines = r.out.trim().split('\n');
  const m = /^(\d+) passed, (\d+) failed$/.exec((lines[lines.length - 1] || '').trim());
  if (!m) return { passed: 0, failed: 1, note: `container test did not end with a summary line (exit ${r.status}, signal ${r.signal})` };
  return { passed: Number(m[1]), failed: Number(m[2]) + (r.status !== 0 && Number(m[2]) === 0 ? 1 : 0) };
}

const results = [];
if (only === 'all' || only === 'unit') results.push(['unit', unit()]);
if (only === 'all' || only === 'compat') results.push(['store cross-check', storeCrossCheck()]);
if (only === 'all' || only === 'compat') results.push(['compat', compat()]);
if (only === 'all' || only === 'containers') results.push(['containers', containers()]);
let passed = 0;
let failed = 0;
console.log('');
for (const [name, r] of results) {
  console.log(`${name}: ${r.passed} passed, ${r.failed} failed${r.note ? ` (${r.note})` : ''}`);
  passed += r.passed;
  failed += r.failed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
