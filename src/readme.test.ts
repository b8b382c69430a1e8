import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = path.resolve(__dirname, '..');

test('.ci/run runs the test line the README gives', () => {
  const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const line = /TEST_LINE='([^']+)'/.exec(ci)?.[1];
  assert.ok(line, '.ci/run defines TEST_LINE');
  assert.ok(readme.includes('```\n' + line + '\n```'), `README shows "${line}" as a command line`);
});

test.run();
