import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ResponseCode } from './response-code';
import { ERROR_CODES } from '../common/errors';

const doc = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');

test('every tsmq error code is documented in docs/errors.md', () => {
  const missing = Object.keys(ERROR_CODES).filter((c) => !doc.includes(`\`${c}\``));
  assert.equal(missing, []);
});

test('every RocketMQ response code is documented in docs/errors.md', () => {
  const missing = Object.entries(ResponseCode).filter(([name, code]) => !new RegExp(`\\|\\s*${code}\\s*\\|\\s*${name}\\s*\\|`).test(doc));
  assert.equal(missing.map(([n]) => n), []);
});

test.run();
