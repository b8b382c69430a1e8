import { TsmqError } from '../common/errors';

export { TsmqError, ConfigError, ERROR_CODES, type TsmqErrorCode } from '../common/errors';

/** A peer broke the framing or header rules: the only remedy is to close that one connection. */
export class ProtocolError extends TsmqError {}

/**
 * A request that fails with a RocketMQ response code (Java: AbortProcessException / RemotingCommandException
 * answered with a code). The server turns it into a response with that code and remark.
 */
export class ResponseError extends TsmqError {
  readonly responseCode: number;
  readonly remark: string;
  constructor(responseCode: number, remark: string) {
    super('TSMQ_ERR_RESPONSE', `response code ${responseCode}: ${remark}`);
    this.responseCode = responseCode;
    this.remark = remark;
  }
}

export class RemotingTimeoutError extends TsmqError {
  constructor(addr: string, code: number, timeoutMs: number) {
    super('TSMQ_ERR_TIMEOUT', `request code ${code} to ${addr} got no response within ${timeoutMs} ms`);
  }
}

export class ConnectionClosedError extends TsmqError {
  constructor(addr: string, why: string) {
    super('TSMQ_ERR_CONNECTION_CLOSED', `connection to ${addr} closed: ${why}`);
  }
}

export class ConnectError extends TsmqError {
  constructor(addr: string, why: string) {
    super('TSMQ_ERR_CONNECT', `cannot connect to ${addr}: ${why}`);
  }
}

/** One line, for remarks and logs: Java answers SYSTEM_ERROR with UtilAll.exceptionSimpleDesc(e), also one line. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const where = err.stack?.split('\n')[1]?.trim();
    return where ? `${err.name}: ${err.message}, ${where}` : `${err.name}: ${err.message}`;
  }
  return String(err);
}
