import type { CompareNode, EqualNode, Expression, InNode, LogicNode, StringMatchNode } from './expression';
import {
  type JavaNumber,
  type JavaValue,
  compareIntegral,
  isJavaNumber,
  javaBooleanValueOf,
  javaCompare,
  javaDoubleCompare,
  javaInt,
  javaLong,
  javaDouble,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
} from './java-values';

/** A message's properties: user properties and system ones such as TAGS and KEYS, all strings. */
export type Properties = ReadonlyMap<string, string>;

/** A condition: TRUE, FALSE or null (unknown). Throws Sql92EvaluationError where Java throws. */
export type Condition = (props: Properties) => boolean | null;

type Operand = (props: Properties) => JavaValue;

/**
 * Turns a parsed expression into a tree of closures, once per subscription, so that evaluating a message is a
 * few map lookups and comparisons. Each closure reproduces the evaluate() of the Java expression class it
 * stands for, including evaluation order (which decides whether an exception is reached) and null handling.
 * Common shapes (a property against a literal) get closures of their own that skip the generic type dispatch.
 */
export function compileCondition(e: Expression): Condition {
  switch (e.type) {
    case 'constant':
      return constantCondition(e.value);
    case 'booleanCast':
      return booleanCast(e.operand.name);
    case 'not':
      return not(compileCondition(e.operand));
    case 'and':
    case 'or':
      return logic(e);
    case 'equal':
      return equal(e);
    case 'compare':
      return compare(e);
    case 'in':
      return inList(e);
    case 'stringMatch':
      return stringMatch(e);
    default:
      // The parser only lets conditions through (asBooleanExpression); this is a bug if reached.
      throw new Error(`not a condition: ${e.type}`);
  }
}

function constantCondition(value: JavaValue): Condition {
  const v = typeof value === 'boolean' ? value : null;
  return () => v;
}

/** Java: UnaryExpression#createBooleanCast: property values are Strings, never Booleans, so FALSE if present. */
function booleanCast(name: string): Condition {
  return (p) => (p.get(name) === undefined ? null : false);
}

/** Java: UnaryExpression#createNOT: NOT unknown is unknown. */
function not(operand: Condition): Condition {
  return (p) => {
    const v = operand(p);
    return v === null ? null : !v;
  };
}

/** Java: LogicExpression#createAND/createOR: left first; the right side is skipped once the answer is known. */
function logic(e: LogicNode): Condition {
  const left = compileCondition(e.left);
  const right = compileCondition(e.right);
  if (e.type === 'and') {
    return (p) => {
      const l = left(p);
      if (l === false) return false;
      const r = right(p);
      if (r === false) return false;
      return l === null || r === null ? null : true;
    };
  }
  return (p) => {
    const l = left(p);
    if (l === true) return true;
    const r = right(p);
    if (r === true) return true;
    return l === null || r === null ? null : false;
  };
}

// ------------------------------------------------------------------------------------------------ operands

/** A sentinel for "not a constant" (null is a constant: NULL). */
const NOT_CONSTANT = Symbol('not constant');

/**
 * The value of an operand that is known before any message: a literal, or a negated literal. Java negates at
 * evaluation time, but the result never differs, so folding it here is safe (the parser already made its
 * checks on the unfolded tree).
 */
function constantOf(e: Expression): JavaValue | typeof NOT_CONSTANT {
  if (e.type === 'constant') return e.value;
  if (e.type !== 'negate') return NOT_CONSTANT;
  const inner = constantOf(e.operand);
  return inner === NOT_CONSTANT ? NOT_CONSTANT : negate(inner);
}

/** Java: UnaryExpression#createNegate: numbers negate (with Java's wrap-around), anything else is null. */
function negate(v: JavaValue): JavaValue {
  if (!isJavaNumber(v)) return null;
  if (v.kind === 'int') return javaInt(-v.value | 0);
  if (v.kind === 'long') return javaLong(BigInt.asIntN(64, -v.value));
  return javaDouble(-v.value);
}

function compileOperand(e: Expression): Operand {
  const c = constantOf(e);
  if (c !== NOT_CONSTANT) return () => c;
  if (e.type === 'property') {
    const name = e.name;
    return (p) => p.get(name) ?? null;
  }
  if (e.type === 'negate') {
    const operand = compileOperand(e.operand);
    return (p) => negate(operand(p));
  }
  return compileCondition(e);
}

// ------------------------------------------------------------------------------------------------ equality

/**
 * Java: ComparisonExpression#doCreateEqual. Null handling is lopsided: a null on the left with a value on the
 * right is unknown, a value on the left with a null on the right is FALSE, two nulls are TRUE. So with `a`
 * missing, "a = 'x'" is unknown but "'x' = a" is FALSE (and "'x' <> a" TRUE). Otherwise the values are compared
 * as __compare does (a string against a number is parsed as that number, and throws if it is none).
 */
function equal(e: EqualNode): Condition {
  return equalPropertyConstant(e) ?? equalConstantProperty(e) ?? equalGeneric(e);
}

function equalGeneric(e: EqualNode): Condition {
  const left = compileOperand(e.left);
  const right = compileOperand(e.right);
  return (p) => {
    const l = left(p);
    const r = right(p);
    if (l === null) return r === null ? true : null;
    if (r === null) return false;
    return javaCompare(l, r) === 0;
  };
}

/** property = literal, and IS NULL. */
function equalPropertyConstant(e: EqualNode): Condition | undefined {
  const c = constantOf(e.right);
  if (e.left.type !== 'property' || c === NOT_CONSTANT) return undefined;
  const name = e.left.name;
  if (c === null) return (p) => p.get(name) === undefined;
  if (typeof c === 'string') {
    return (p) => {
      const v = p.get(name);
      return v === undefined ? null : v === c;
    };
  }
  if (typeof c === 'boolean') {
    return (p) => {
      const v = p.get(name);
      return v === undefined ? null : javaBooleanValueOf(v) === c;
    };
  }
  const cmp = numberComparator(c);
  return (p) => {
    const v = p.get(name);
    return v === undefined ? null : cmp(v) === 0;
  };
}

/** literal = property: a missing property makes it FALSE, not unknown. */
function equalConstantProperty(e: EqualNode): Condition | undefined {
  const c = constantOf(e.left);
  if (e.right.type !== 'property' || c === NOT_CONSTANT || c === null || typeof c === 'boolean') return undefined;
  const name = e.right.name;
  if (typeof c === 'string') {
    return (p) => {
      const v = p.get(name);
      return v === undefined ? false : v === c;
    };
  }
  const cmp = numberComparator(c);
  return (p) => {
    const v = p.get(name);
    return v === undefined ? false : cmp(v) === 0;
  };
}

// ------------------------------------------------------------------------------------------------ ordering

const ORDER_TESTS: Record<CompareNode['op'], (order: number) => boolean> = {
  '>': (o) => o > 0,
  '>=': (o) => o >= 0,
  '<': (o) => o < 0,
  '<=': (o) => o <= 0,
};

/** The same test seen from the other side: "5 < a" is "a > 5". */
const MIRRORED: Record<CompareNode['op'], CompareNode['op']> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=' };

/**
 * Java: ComparisonExpression#evaluate for >, >=, <, <=: unknown if either side is null (the right side is not
 * evaluated when the left is null); two strings are both read as doubles (throwing if either is no number);
 * anything else goes through __compare.
 */
function compare(e: CompareNode): Condition {
  return comparePropertyConstant(e) ?? compareGeneric(e);
}

function compareGeneric(e: CompareNode): Condition {
  const left = compileOperand(e.left);
  const right = compileOperand(e.right);
  const test = ORDER_TESTS[e.op];
  return (p) => {
    const l = left(p);
    if (l === null) return null;
    const r = right(p);
    if (r === null) return null;
    if (typeof l === 'string' && typeof r === 'string') return test(javaDoubleCompare(parseJavaDouble(l), parseJavaDouble(r)));
    return test(javaCompare(l, r));
  };
}

/** property <op> number, or number <op> property. */
function comparePropertyConstant(e: CompareNode): Condition | undefined {
  const rightConstant = constantOf(e.right);
  const leftConstant = constantOf(e.left);
  let name: string;
  let c: JavaValue | typeof NOT_CONSTANT;
  let op = e.op;
  if (e.left.type === 'property' && rightConstant !== NOT_CONSTANT) {
    name = e.left.name;
    c = rightConstant;
  } else if (e.right.type === 'property' && leftConstant !== NOT_CONSTANT) {
    name = e.right.name;
    c = leftConstant;
    op = MIRRORED[op];
  } else {
    return undefined;
  }
  if (!isJavaNumber(c)) return () => null; // e.g. "a > -'x'": the negated string is null, so always unknown
  const cmp = numberComparator(c);
  const test = ORDER_TESTS[op];
  return (p) => {
    const v = p.get(name);
    return v === undefined ? null : test(cmp(v));
  };
}

/**
 * Compares a property string with a literal number the way __compare does: the string is parsed as the
 * literal's box (Integer/Long/Double.valueOf, throwing if it does not parse), then compared by that box's
 * compareTo. Answers the sign of (property - literal).
 */
function numberComparator(c: JavaNumber): (s: string) => number {
  switch (c.kind) {
    case 'int': {
      const n = c.value;
      return (s) => compareIntegral(parseJavaInt(s), n);
    }
    case 'long': {
      const n = c.value;
      return (s) => compareIntegral(parseJavaLong(s), n);
    }
    default: {
      const n = c.value;
      return (s) => javaDoubleCompare(parseJavaDouble(s), n);
    }
  }
}

// ------------------------------------------------------------------------------------------------ IN, CONTAINS

/** Java: UnaryExpression#createInExpression: unknown for a missing property, then membership (flipped by NOT). */
function inList(e: InNode): Condition {
  const name = e.operand.name;
  const values = new Set(e.values);
  const not = e.not;
  return (p) => {
    const v = p.get(name);
    return v === undefined ? null : values.has(v) !== not;
  };
}

/**
 * Java 5.x: ContainsExpression, StartsWithExpression, EndsWithExpression and their NOT forms. Unlike the other
 * operators these are never unknown: an empty search string, a missing property or a non-string value give
 * FALSE, for the NOT forms too.
 */
function stringMatch(e: StringMatchNode): Condition {
  const search = e.search;
  if (search.length === 0) return () => false; // Java answers before evaluating the operand
  const operand = compileOperand(e.operand);
  const test = STRING_TESTS[e.op];
  const not = e.not;
  return (p) => {
    const v = operand(p);
    if (typeof v !== 'string') return false;
    return test(v, search) !== not;
  };
}

const STRING_TESTS: Record<StringMatchNode['op'], (value: string, search: string) => boolean> = {
  CONTAINS: (v, s) => v.includes(s),
  STARTSWITH: (v, s) => v.startsWith(s),
  ENDSWITH: (v, s) => v.endsWith(s),
};
