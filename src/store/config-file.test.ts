import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getLogger } from '../common/logger';
import { toFastjsonPretty } from '../common/fastjson';
import { ConfigFile } from './config-file';
import { tempDir } from './testing/helpers';

test('fastjson pretty form: tabs, sorted keys, unquoted numeric map keys', () => {
  const text = toFastjsonPretty({ offsetTable: new Map([['T@g', new Map([[0, 250], [1, 7]])]]), a: 'x', skip: undefined });
  assert.is(text, '{\n\t"a":"x",\n\t"offsetTable":{\n\t\t"T@g":{\n\t\t\t0:250,\n\t\t\t1:7\n\t\t}\n\t}\n}');
});

test('config files: Java\'s consumerOffset.json reads; writes keep a .bak; a broken file falls back to .bak', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'config', 'consumerOffset.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '{\n\t"offsetTable":{\n\t\t"TopicTest@cg":{0:250,1:250}\n\t}\n}');
  const cf = new ConfigFile(file, getLogger('test'));
  assert.equal(cf.load(), { offsetTable: { 'TopicTest@cg': { 0: 250, 1: 250 } } });
  await cf.persist({ offsetTable: new Map([['TopicTest@cg', new Map([[0, 300]])]]) });
  assert.match(fs.readFileSync(`${file}.bak`, 'utf8'), /0:250/);
  assert.match(fs.readFileSync(file, 'utf8'), /0:300/);
  fs.writeFileSync(file, '{ torn');
  assert.equal(cf.load(), { offsetTable: { 'TopicTest@cg': { 0: 250, 1: 250 } } });
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
