import { type Condition, type Properties, compileCondition } from './expression-evaluator';
import { Sql92EvaluationError } from './java-values';
import { parseSelector } from './selector-parser';

/**
 * tsmq's SQL92 message filter: the expression language of RocketMQ's `MessageSelector.bySql(...)`, with the
 * semantics of the broker's filter module (org.apache.rocketmq.filter, 4.9.8 and 5.3.3). See README.md beside
 * this file for the grammar, the evaluation rules and where 4.9 and 5.x differ.
 *
 *   const f = compileSql92("TAGS = 'a' AND price > 10");   // once per subscription; throws Sql92ParseError
 *   f.matches(properties);                                   // per message
 */
export { Sql92ParseError } from './sql92-parse-error';
export { Sql92EvaluationError } from './java-values';
export type { Properties } from './expression-evaluator';

export interface Sql92Filter {
  readonly expression: string;
  /**
   * Java: ExpressionMessageFilter#isMatchedByCommitLog: true only if the expression evaluates to TRUE. Unknown
   * (null) and an evaluation that Java aborts with an exception (e.g. "a > 5" with a = "abc") do not match.
   */
  matches(properties: Properties): boolean;
  /**
   * The three-valued result (Java: BooleanExpression#evaluate): true, false, or null for unknown. Throws
   * Sql92EvaluationError where Java's evaluation throws.
   */
  evaluate(properties: Properties): boolean | null;
}

class CompiledSql92Filter implements Sql92Filter {
  constructor(
    readonly expression: string,
    private readonly condition: Condition,
  ) {}

  matches(properties: Properties): boolean {
    try {
      return this.condition(properties) === true;
    } catch (e) {
      if (e instanceof Sql92EvaluationError) return false;
      throw e;
    }
  }

  evaluate(properties: Properties): boolean | null {
    return this.condition(properties);
  }
}

/**
 * Parses and compiles an SQL92 selector. Throws Sql92ParseError (with the position and what was expected)
 * for every expression RocketMQ's SelectorParser refuses, and accepts every one it accepts.
 */
export function compileSql92(expression: string): Sql92Filter {
  return new CompiledSql92Filter(expression, compileCondition(parseSelector(expression)));
}
