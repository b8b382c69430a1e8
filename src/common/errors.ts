/**
 * Typed errors. Every error carries a stable `code` string so operators and tests can match on it
 * without parsing messages; errors.test.ts checks that each one is documented in ERROR_CODES.
 */

export const ERROR_CODES = {
  TSMQ_ERR_FRAME_TOO_LARGE: 'a frame length prefix exceeds the frame limit (16 MiB by default); the connection is closed',
  TSMQ_ERR_FRAME_TOO_SHORT: 'a frame length prefix is smaller than the 4-byte header length word; the connection is closed',
  TSMQ_ERR_HEADER_LENGTH: 'the header length in a frame exceeds the frame; the connection is closed',
  TSMQ_ERR_SERIALIZE_TYPE: 'a frame names a serialize type other than 0 (JSON) or 1 (ROCKETMQ); the connection is closed',
  TSMQ_ERR_HEADER_DECODE: 'a header could not be decoded (bad JSON, truncated binary header); the connection is closed',
  TSMQ_ERR_RESPONSE: 'a request failed with a RocketMQ response code, which is sent back to the requester',
  TSMQ_ERR_TIMEOUT: 'an outbound request got no response in time',
  TSMQ_ERR_CONNECTION_CLOSED: 'an outbound request failed because its connection closed',
  TSMQ_ERR_CONNECT: 'an outbound connection could not be established',
  TSMQ_ERR_CONFIG: 'a configuration value is invalid; the message names the key and the file',
  TSMQ_ERR_SQL92_PARSE: 'an SQL92 subscription expression does not parse; the consumer hears SUBSCRIPTION_PARSE_FAILED',
} as const;

export type TsmqErrorCode = keyof typeof ERROR_CODES;

export class TsmqError extends Error {
  readonly code: TsmqErrorCode;
  constructor(code: TsmqErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

export class ConfigError extends TsmqError {
  constructor(message: string) {
    super('TSMQ_ERR_CONFIG', message);
  }
}
