import { LanguageCode } from './language-code';
import { TSMQ_VERSION } from './mq-version';

export const enum SerializeType {
  JSON = 0,
  ROCKETMQ = 1,
}

/** flag bits (Java RemotingCommand.RPC_TYPE / RPC_ONEWAY). */
export const FLAG_RESPONSE = 0x1;
export const FLAG_ONEWAY = 0x2;

export type ExtFields = Record<string, string>;

/**
 * One RemotingCommand, request or response. A decoded command's `body` is a view of the frame it came from; it is
 * only valid until the handler stores or copies it. An outbound command may carry `bodyParts` instead of `body`:
 * the parts are written one after another and never concatenated (pull results, query results).
 */
export interface RemotingCommand {
  code: number;
  /** LanguageCode value; UNKNOWN_LANGUAGE when the peer sent a name or byte we do not know. */
  language: number;
  version: number;
  opaque: number;
  flag: number;
  /** Absent and null are the same to Java; "" is kept apart only so JSON frames re-encode as they came. */
  remark?: string;
  /** Absent when the frame had none: Java then decodes every custom header field as null. */
  extFields?: ExtFields;
  body?: Buffer;
  bodyParts?: readonly Buffer[];
  serializeType: SerializeType;
}

let nextOpaque = 0;

/** Requests get ids from one counter per process, as Java's static AtomicInteger; it wraps like an int32. */
export function newOpaque(): number {
  const o = nextOpaque;
  nextOpaque = (nextOpaque + 1) | 0;
  return o;
}

export function isResponse(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_RESPONSE) !== 0;
}

export function isOneway(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_ONEWAY) !== 0;
}

export function createRequest(code: number, extFields?: ExtFields, body?: Buffer, serializeType = SerializeType.JSON): RemotingCommand {
  const cmd: RemotingCommand = { code, language: LanguageCode.JAVA, version: TSMQ_VERSION, opaque: newOpaque(), flag: 0, serializeType };
  if (extFields) cmd.extFields = extFields;
  if (body) cmd.body = body;
  return cmd;
}

/** A response to `req`, in the request's own serialization, carrying its opaque. */
export function createResponse(req: RemotingCommand, code: number, remark?: string, extFields?: ExtFields): RemotingCommand {
  const cmd: RemotingCommand = {
    code,
    language: LanguageCode.JAVA,
    version: TSMQ_VERSION,
    opaque: req.opaque,
    flag: FLAG_RESPONSE,
    serializeType: req.serializeType,
  };
  if (remark !== undefined) cmd.remark = remark;
  if (extFields) cmd.extFields = extFields;
  return cmd;
}

/** The body of a response or request as one buffer (for small JSON bodies; never on a message hot path). */
export function bodyOf(cmd: RemotingCommand): Buffer | undefined {
  if (cmd.body) return cmd.body;
  if (cmd.bodyParts) return Buffer.concat(cmd.bodyParts as Buffer[]);
  return undefined;
}
