import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { logFormat } from './logger';

const MESSAGE = Symbol.for('message');

function line(entry: Record<string, unknown>): string {
  const out = logFormat.transform({ level: 'info', message: 'm', ...entry }) as Record<string | symbol, unknown>;
  return String(out[MESSAGE]);
}

test('a line starts with the time it was logged, the level, the component and the message', () => {
  const before = Date.now();
  const text = line({ component: 'broker', group: 'g' });
  const m = /^(\S+) info  \[broker\] m  \{"group":"g"\}$/.exec(text);
  assert.ok(m, text);
  const at = Date.parse(m![1]!);
  assert.ok(at >= before - 1 && at <= Date.now() + 1, `logged at ${m![1]}`);
});

test('a metadata field named timestamp does not stand in for the time of the line', () => {
  const text = line({ component: 'broker', timestamp: 1795359076751 });
  assert.match(text, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z info /);
});

test.run();
