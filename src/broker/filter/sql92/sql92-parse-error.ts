/**
 * An SQL92 expression that RocketMQ would refuse (Java: MQFilterException "Invalid MessageSelector." wrapping a
 * ParseException, a TokenMgrError or a RuntimeException from the expression factories). The broker answers such
 * a subscription with SUBSCRIPTION_PARSE_FAILED.
 *
 * The message says where (0-based `position`, shown as line and column) and what was expected; it is ours, not
 * a copy of JavaCC's text.
 */
export class Sql92ParseError extends Error {
  readonly code = 'TSMQ_ERR_SQL92_PARSE';

  constructor(
    message: string,
    /** 0-based offset in the expression where the problem was found. */
    readonly position: number,
    /** The message without the location prefix. */
    readonly detail: string,
  ) {
    super(message);
    this.name = 'Sql92ParseError';
  }

  static at(expression: string, position: number, detail: string): Sql92ParseError {
    return new Sql92ParseError(`Invalid SQL92 expression at ${location(expression, position)}: ${detail}`, position, detail);
  }
}

/** "position 7 (column 8)" or, for multi-line expressions, "position 12 (line 2, column 3)". */
function location(expression: string, position: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < expression.length; i++) {
    const c = expression.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && expression.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = position - lineStart + 1;
  return line === 1 ? `position ${position} (column ${column})` : `position ${position} (line ${line}, column ${column})`;
}
