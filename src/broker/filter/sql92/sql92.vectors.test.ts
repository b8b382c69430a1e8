import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Sql92EvaluationError, Sql92ParseError, compileSql92 } from './index';
import { SelectorLexer, TokenKind } from './selector-lexer';

/**
 * tsmq against Java's answers: compat-tests/sql92/cases.json crossed with expected-<version>.json, which
 * compat-tests/sql92/generate.sh wrote by running the real rocketmq-filter (see Sql92Oracle.java). Every case
 * must agree with 5.3.3 on parse error vs accepted, the three-valued result (true / false / null / Java threw)
 * and the broker's match. 4.9.8 must agree too, except where 4.9.8 and 5.3.3 disagree with each other: those
 * cases must all be about 5.x's CONTAINS / STARTSWITH / ENDSWITH (README.md, "4.9 and 5.x").
 */
const DIR = path.resolve(__dirname, '..', '..', '..', '..', 'compat-tests', 'sql92');

interface Case {
  id: string;
  expression: string;
  properties: Record<string, string>;
}

interface Answer {
  id: string;
  parse: 'ok' | 'error';
  raw?: string;
  matched?: boolean;
  error?: string;
}

function load<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as T;
}

const cases = load<{ cases: Case[] }>('cases.json').cases;
const java498 = new Map(load<{ results: Answer[] }>('expected-4.9.8.json').results.map((r) => [r.id, r]));
const java533 = new Map(load<{ results: Answer[] }>('expected-5.3.3.json').results.map((r) => [r.id, r]));

/** One comparable line: "parse error" or "raw / matched". */
function outcome(a: Answer): string {
  return a.parse === 'error' ? 'parse error' : `${a.raw} / ${a.matched}`;
}

function tsmqAnswer(c: Case): Answer {
  let filter;
  try {
    filter = compileSql92(c.expression);
  } catch (e) {
    if (e instanceof Sql92ParseError) return { id: c.id, parse: 'error', error: e.message };
    throw e;
  }
  const props = new Map(Object.entries(c.properties));
  let raw: string;
  try {
    raw = String(filter.evaluate(props));
  } catch (e) {
    if (!(e instanceof Sql92EvaluationError)) throw e;
    raw = 'throw';
  }
  return { id: c.id, parse: 'ok', raw, matched: filter.matches(props) };
}

function mismatches(expected: Map<string, Answer>, only: (c: Case) => boolean): string[] {
  const out: string[] = [];
  for (const c of cases) {
    if (!only(c)) continue;
    const want = expected.get(c.id);
    if (!want) {
      out.push(`${c.id}: no Java answer (regenerate with compat-tests/sql92/generate.sh)`);
      continue;
    }
    const got = tsmqAnswer(c);
    if (outcome(got) !== outcome(want)) {
      out.push(`${c.id} ${JSON.stringify(c.expression)} ${JSON.stringify(c.properties)}: java ${outcome(want)}${want.error ? ` (${want.error})` : ''}, tsmq ${outcome(got)}${got.error ? ` (${got.error})` : ''}`);
    }
  }
  return out;
}

const versionsDiffer = (c: Case): boolean => outcome(java498.get(c.id)!) !== outcome(java533.get(c.id)!);

const WORDS_5X = new Set([TokenKind.CONTAINS, TokenKind.STARTSWITH, TokenKind.ENDSWITH]);

/** Whether the expression has a CONTAINS / STARTSWITH / ENDSWITH token (up to where lexing stops). */
function uses5xWord(expression: string): boolean {
  const lexer = new SelectorLexer(expression);
  try {
    for (let t = lexer.next(); t.kind !== TokenKind.EOF; t = lexer.next()) if (WORDS_5X.has(t.kind)) return true;
  } catch (e) {
    if (!(e instanceof Sql92ParseError)) throw e;
  }
  return false;
}

test('the vectors are complete (every case answered by both versions, at least 300)', () => {
  assert.ok(cases.length >= 300, `only ${cases.length} cases`);
  assert.equal(cases.filter((c) => !java498.has(c.id) || !java533.has(c.id)).map((c) => c.id), []);
});

test('tsmq answers every case as rocketmq-filter 5.3.3 does', () => {
  const bad = mismatches(java533, () => true);
  assert.equal(bad.slice(0, 25), [], `${bad.length} of ${cases.length} cases differ`);
});

test('tsmq answers as rocketmq-filter 4.9.8 wherever 4.9.8 and 5.3.3 agree', () => {
  const bad = mismatches(java498, (c) => !versionsDiffer(c));
  assert.equal(bad.slice(0, 25), [], `${bad.length} cases differ`);
});

test('4.9.8 and 5.3.3 differ only on the 5.x CONTAINS / STARTSWITH / ENDSWITH words', () => {
  const differing = cases.filter(versionsDiffer);
  const unexplained = differing.filter((c) => !uses5xWord(c.expression));
  assert.equal(unexplained.map((c) => `${c.id} ${c.expression}`), []);
  console.log(`  sql92 vectors: ${cases.length} cases; 4.9.8 and 5.3.3 differ on ${differing.length}, all 5.x string operators (tsmq follows 5.3.3)`);
});

test.run();
