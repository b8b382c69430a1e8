import type { Connection } from './connection';
import { ResponseCode } from './response-code';
import { createResponse, type RemotingCommand } from './remoting-command';

export interface RequestContext {
  conn: Connection;
  /** performance.now() at dispatch, when the server has an observer (a held pull is timed from it). */
  receivedAt?: number;
}

/** What a handler gives back: a response, or null (oneway, suspended, or already written by the handler). */
export type HandlerResult = RemotingCommand | null | Promise<RemotingCommand | null>;

/**
 * A family of request codes, as Java groups them (NettyRequestProcessor). `rejectRequest` lets a processor turn work
 * away while it is overloaded or not allowed (a slave refusing sends); the server answers SYSTEM_BUSY.
 */
export interface RequestProcessor {
  readonly name: string;
  processRequest(ctx: RequestContext, cmd: RemotingCommand): HandlerResult;
  rejectRequest?(cmd: RemotingCommand): boolean;
}

export class ProcessorTable {
  private readonly byCode = new Map<number, RequestProcessor>();
  private fallback: RequestProcessor | undefined;

  register(codes: readonly number[], processor: RequestProcessor): this {
    for (const c of codes) this.byCode.set(c, processor);
    return this;
  }

  setDefault(processor: RequestProcessor): this {
    this.fallback = processor;
    return this;
  }

  lookup(code: number): RequestProcessor | undefined {
    return this.byCode.get(code) ?? this.fallback;
  }
}

/** Java's answer to a code nobody serves: code 3 and a remark that starts with a space. */
export function requestCodeNotSupported(req: RemotingCommand): RemotingCommand {
  return createResponse(req, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${req.code} not supported`);
}

export const SYSTEM_BUSY_REMARK = '[REJECTREQUEST]system busy, start flow control for a while';
