import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configureLogging, getLogger } from '../common/logger';
import { encodeFrame } from './command-codec';
import { ResponseError } from './errors';
import { ProcessorTable, type RequestProcessor } from './processor-table';
import { RemotingClient } from './remoting-client';
import { RemotingServer } from './remoting-server';
import { ResponseCode } from './response-code';
import { createRequest, createResponse, FLAG_ONEWAY, SerializeType, type RemotingCommand } from './remoting-command';
import { RawClient } from './testing/raw-client';

configureLogging({ level: process.env.TSMQ_LOG_LEVEL ?? 'error' });
const logger = getLogger('test');

const held: Array<() => void> = [];
let onewaySeen = 0;
let processed = 0;

const echo: RequestProcessor = {
  name: 'echo',
  processRequest(_ctx, req) {
    processed++;
    switch (req.code) {
      case 1000:
        return createResponse(req, ResponseCode.SUCCESS, undefined, { echo: req.extFields?.v ?? '' });
      case 1001:
        throw new ResponseError(ResponseCode.TOPIC_NOT_EXIST, 'no such topic');
      case 1002:
        throw new Error('boom');
      case 1003:
        onewaySeen++;
        return createResponse(req, ResponseCode.SUCCESS);
      case 1004:
        return new Promise<RemotingCommand>((resolve) => held.push(() => resolve(createResponse(req, ResponseCode.SUCCESS))));
      case 1006: {
        const res = createResponse(req, ResponseCode.SUCCESS);
        res.body = Buffer.alloc(1 << 20, 7);
        return res;
      }
      case 1005: {
        const res = createResponse(req, ResponseCode.SUCCESS);
        res.bodyParts = [Buffer.from('part1-'), Buffer.from('part2')];
        return res;
      }
      default:
        return null;
    }
  },
};
const busy: RequestProcessor = { name: 'busy', processRequest: () => null, rejectRequest: () => true };

async function withServer(fn: (port: number) => Promise<void>, maxInFlight = 64): Promise<void> {
  const table = new ProcessorTable().register([1000, 1001, 1002, 1003, 1004, 1005, 1006], echo).register([1100], busy);
  const server = new RemotingServer({ name: 'test', port: 0, host: '127.0.0.1', connection: { maxInFlight } }, table, logger);
  await server.start();
  try {
    await fn(server.port);
  } finally {
    await server.close();
  }
}

function frame(code: number, opaque: number, serializeType = SerializeType.JSON, ext?: Record<string, string>, flag = 0): Buffer {
  return encodeFrame({ code, language: 0, version: 409, opaque, flag, serializeType, ...(ext ? { extFields: ext } : {}) });
}

test('responses copy the opaque and use the request\'s own serialization', () =>
  withServer(async (port) => {
    const c = await RawClient.connect(port);
    c.write(frame(1000, 11, SerializeType.JSON, { v: 'a' }));
    c.write(frame(1000, 12, SerializeType.ROCKETMQ, { v: 'b' }));
    const r1 = await c.response(11);
    const r2 = await c.response(12);
    assert.is(r1.serializeType, SerializeType.JSON);
    assert.is(r2.serializeType, SerializeType.ROCKETMQ);
    assert.equal([r1.extFields?.echo, r2.extFields?.echo], ['a', 'b']);
    assert.is(r1.flag, 1);
    c.close();
  }),
);

test('unknown codes get REQUEST_CODE_NOT_SUPPORTED with Java\'s remark', () =>
  withServer(async (port) => {
    const c = await RawClient.connect(port);
    c.write(frame(4242, 1));
    const r = await c.response(1);
    assert.is(r.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    assert.is(r.remark, ' request type 4242 not supported');
    c.close();
  }),
);

test('ResponseError becomes its code; any other error becomes SYSTEM_ERROR; a refusing processor gives SYSTEM_BUSY', () =>
  withServer(async (port) => {
    const c = await RawClient.connect(port);
    c.write(frame(1001, 1));
    c.write(frame(1002, 2));
    c.write(frame(1100, 3));
    assert.is((await c.response(1)).code, ResponseCode.TOPIC_NOT_EXIST);
    assert.is((await c.response(1)).remark, 'no such topic');
    const sys = await c.response(2);
    assert.is(sys.code, ResponseCode.SYSTEM_ERROR);
    assert.ok(sys.remark?.startsWith('Error: boom'), sys.remark);
    const b = await c.response(3);
    assert.is(b.code, ResponseCode.SYSTEM_BUSY);
    assert.is(b.remark, '[REJECTREQUEST]system busy, start flow control for a while');
    c.close();
  }),
);

test('oneway requests are processed and never answered, even on error', () =>
  withServer(async (port) => {
    const c = await RawClient.connect(port);
    const before = onewaySeen;
    c.write(frame(1003, 1, SerializeType.JSON, undefined, FLAG_ONEWAY));
    c.write(frame(1001, 2, SerializeType.JSON, undefined, FLAG_ONEWAY));
    c.write(frame(9999, 3, SerializeType.JSON, undefined, FLAG_ONEWAY));
    c.write(frame(1000, 4));
    await c.response(4);
    await new Promise((r) => setTimeout(r, 50));
    assert.is(onewaySeen, before + 1);
    assert.equal(c.received.map((r) => r.opaque), [4]);
    c.close();
  }),
);

test('responses go out in completion order, not request order', () =>
  withServer(async (port) => {
    const c = await RawClient.connect(port);
    c.write(frame(1004, 1));
    c.write(frame(1000, 2));
    await c.response(2);
    assert.is(c.received.length, 1);
    held.shift()!();
    await c.response(1);
    c.close();
  }),
);

test('body parts are written after the header and counted in the length', () =>
  withServer(async (port) => {
    const c = await RawClient.connect(port);
    c.write(frame(1005, 1, SerializeType.ROCKETMQ));
    assert.is((await c.response(1)).body?.toString(), 'part1-part2');
    c.close();
  }),
);

test('a connection with too many requests in flight is not read until one finishes', () =>
  withServer(async (port) => {
    const c = await RawClient.connect(port);
    c.write(frame(1004, 1));
    c.write(frame(1004, 2));
    await new Promise((r) => setTimeout(r, 50));
    const before = processed;
    c.write(frame(1000, 3));
    await new Promise((r) => setTimeout(r, 100));
    assert.is(processed, before, 'third request waits while two are in flight');
    held.shift()!();
    await c.response(3);
    held.shift()!();
    await c.response(2);
    c.close();
  }, 2),
);

test('a peer that does not read its responses stops being read from', () =>
  withServer(async (port) => {
    const c = await RawClient.connect(port);
    c.socket.pause();
    const before = processed;
    for (let i = 0; i < 400; i++) c.write(frame(1006, i));
    await new Promise((r) => setTimeout(r, 500));
    const stalled = processed - before;
    assert.ok(stalled < 400, `stopped reading after ${stalled} of 400 requests with 1 MiB responses`);
    c.socket.resume();
    await c.until(() => c.received.length === 400, 10000, 'all 400 responses once the peer reads');
    assert.is(processed - before, 400);
    c.close();
  }),
);

test('the outbound client matches responses by opaque and times out', () =>
  withServer(async (port) => {
    const client = new RemotingClient(logger);
    const addr = `127.0.0.1:${port}`;
    const [a, b] = await Promise.all([
      client.invoke(addr, createRequest(1000, { v: 'x' }), 1000),
      client.invoke(addr, createRequest(1000, { v: 'y' }, undefined, SerializeType.ROCKETMQ), 1000),
    ]);
    assert.equal([a.extFields?.echo, b.extFields?.echo], ['x', 'y']);
    try {
      await client.invoke(addr, createRequest(1004), 100);
      assert.unreachable('should time out');
    } catch (e) {
      assert.is((e as { code?: string }).code, 'TSMQ_ERR_TIMEOUT');
    }
    held.shift()!();
    try {
      await client.invoke('127.0.0.1:1', createRequest(1000), 500);
      assert.unreachable('should fail to connect');
    } catch (e) {
      assert.is((e as { code?: string }).code, 'TSMQ_ERR_CONNECT');
    }
    client.close();
  }),
);

test.run();
