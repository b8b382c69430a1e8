import type { JavaValue } from './java-values';

/**
 * The parsed expression tree. Each node stands for one of RocketMQ's expression classes
 * (org.apache.rocketmq.filter.expression) because the parser's checks depend on those classes: a comparison may
 * not take a BooleanExpression operand, BETWEEN checks its bounds only when both are ConstantExpressions, IN
 * needs a PropertyExpression, and so on. A negated literal ("-5") is therefore a `negate` node here, as in Java,
 * where it is no ConstantExpression.
 */
export type Expression =
  | ConstantNode
  | PropertyNode
  | NegateNode
  | NotNode
  | BooleanCastNode
  | LogicNode
  | EqualNode
  | CompareNode
  | InNode
  | StringMatchNode;

/** ConstantExpression; TRUE, FALSE and NULL are BooleanConstantExpressions (`booleanConstant`). */
export interface ConstantNode {
  readonly type: 'constant';
  readonly value: JavaValue;
  readonly booleanConstant: boolean;
}

/** PropertyExpression: the value of a message property, null when the message lacks it. */
export interface PropertyNode {
  readonly type: 'property';
  readonly name: string;
}

/** UnaryExpression#createNegate: a number negated, anything else null. */
export interface NegateNode {
  readonly type: 'negate';
  readonly operand: Expression;
}

/** UnaryExpression#createNOT: null stays null. */
export interface NotNode {
  readonly type: 'not';
  readonly operand: Expression;
}

/** UnaryExpression#createBooleanCast: a bare property used as a condition; null if missing, else FALSE. */
export interface BooleanCastNode {
  readonly type: 'booleanCast';
  readonly operand: PropertyNode;
}

/** LogicExpression#createAND / createOR (SQL three-valued logic, left operand first). */
export interface LogicNode {
  readonly type: 'and' | 'or';
  readonly left: Expression;
  readonly right: Expression;
}

/** ComparisonExpression#doCreateEqual: '=', and under NOT '<>', IS NULL and IS NOT NULL. */
export interface EqualNode {
  readonly type: 'equal';
  readonly left: Expression;
  readonly right: Expression;
}

/** ComparisonExpression#createGreaterThan and friends; BETWEEN is built from these. */
export interface CompareNode {
  readonly type: 'compare';
  readonly op: '>' | '>=' | '<' | '<=';
  readonly left: Expression;
  readonly right: Expression;
}

/** UnaryExpression#createInExpression ([NOT] IN with string literals). */
export interface InNode {
  readonly type: 'in';
  readonly operand: PropertyNode;
  readonly values: readonly string[];
  readonly not: boolean;
}

/** RocketMQ 5.x: [NOT] CONTAINS / STARTSWITH / ENDSWITH 'literal'. */
export interface StringMatchNode {
  readonly type: 'stringMatch';
  readonly op: 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH';
  readonly not: boolean;
  readonly operand: Expression;
  readonly search: string;
}

/** Java: `instanceof BooleanExpression`, which decides what may stand as a condition or an AND/OR operand. */
export function isBooleanExpression(e: Expression): boolean {
  switch (e.type) {
    case 'constant':
      return e.booleanConstant;
    case 'property':
    case 'negate':
      return false;
    default:
      return true;
  }
}
