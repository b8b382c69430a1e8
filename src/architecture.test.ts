import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * Imports run one way (STYLE.md): common imports nothing else of ours; remoting and store import only common;
 * metrics (the Prometheus exporter and request timing) imports remoting and common; namesrv imports remoting,
 * metrics and common; broker imports remoting, store, metrics and common. cli.ts and ops/ may import anything.
 */
const SRC = path.resolve(__dirname, '..', 'src');
const allowed: Record<string, string[]> = {
  common: ['common'],
  remoting: ['remoting', 'common'],
  store: ['store', 'common'],
  metrics: ['metrics', 'remoting', 'common'],
  namesrv: ['namesrv', 'remoting', 'metrics', 'common'],
  broker: ['broker', 'remoting', 'store', 'metrics', 'common'],
};

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('imports run one way between the parts', () => {
  const violations: string[] = [];
  for (const [part, ok] of Object.entries(allowed)) {
    for (const file of walk(path.join(SRC, part))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/from '(\.[^']+)'/g)) {
        const target = path.relative(SRC, path.resolve(path.dirname(file), m[1]!));
        const top = target.split(path.sep)[0]!;
        if (!ok.includes(top)) violations.push(`${path.relative(SRC, file)} imports ${m[1]}`);
      }
    }
  }
  assert.equal(violations, []);
});

test.run();
