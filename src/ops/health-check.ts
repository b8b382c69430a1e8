import fs from 'node:fs';
import { Parser } from 'yargs/helpers';
import { loadBrokerConfigs } from '../broker/broker-config';
import { ConfigError } from '../common/errors';
import type { Logger } from '../common/logger';
import { RemotingClient } from '../remoting/remoting-client';
import { createRequest } from '../remoting/remoting-command';
import { RequestCode } from '../remoting/request-code';
import { ResponseCode } from '../remoting/response-code';
import { loadNamesrvConfig } from '../namesrv/namesrv-config';

/**
 * `tsmq health`: one request to a running name server or broker, answered SUCCESS or not. A container's health
 * check runs it beside the server, so by default it reads the server's own command line (/proc/1/cmdline) and the
 * config file named there to learn the role and the port, rather than asking the operator to repeat them.
 */

export type ServerRole = 'namesrv' | 'broker';

export interface HealthTarget {
  role: ServerRole;
  addr: string;
}

/** Role and address of a `tsmq namesrv|broker|dev ...` command line (the arguments after the node binary). */
export function targetFromCommandLine(args: readonly string[]): HealthTarget {
  const parsed = Parser(args.slice(), { string: ['c', 'configFile', 'n', 'namesrvAddr'], alias: { c: ['configFile'] } });
  const positionals = parsed._.map(String);
  const role = positionals.find((p) => p === 'namesrv' || p === 'broker' || p === 'dev');
  if (!role) throw new ConfigError(`not a tsmq server command line: ${args.join(' ')}`);
  const configFile = typeof parsed.c === 'string' ? parsed.c : undefined;
  const overrides = new Map<string, string>();
  if (parsed.listenPort !== undefined) overrides.set('listenPort', String(parsed.listenPort));
  if (role === 'namesrv') {
    const { config } = loadNamesrvConfig({ configFile, overrides });
    return { role, addr: `127.0.0.1:${config.listenPort}` };
  }
  // dev: its broker answers for both halves (it registers with the name server of the same process).
  if (role === 'dev') return { role: 'broker', addr: `127.0.0.1:${parsed.listenPort ?? 10911}` };
  const configs = loadBrokerConfigs({ configFile, overrides });
  return { role: 'broker', addr: `127.0.0.1:${configs.netty.listenPort}` };
}

/** The target of the server whose process id is `pid` (1: the server a container runs). */
export function targetOfProcess(pid: number): HealthTarget {
  let raw: string;
  try {
    raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch (err) {
    throw new ConfigError(`cannot read the command line of process ${pid}: ${(err as Error).message}; give --addr and --role`);
  }
  const argv = raw.split('\0').filter((a) => a.length > 0);
  return targetFromCommandLine(argv.slice(1));
}

export interface HealthResult {
  healthy: boolean;
  detail: string;
}

/** Broker: GET_BROKER_RUNTIME_INFO; name server: GET_BROKER_CLUSTER_INFO. Both must answer SUCCESS in time. */
export async function probe(target: HealthTarget, timeoutMs: number, logger: Logger): Promise<HealthResult> {
  const client = new RemotingClient(logger, { connectTimeoutMs: timeoutMs });
  const code = target.role === 'broker' ? RequestCode.GET_BROKER_RUNTIME_INFO : RequestCode.GET_BROKER_CLUSTER_INFO;
  const t0 = Date.now();
  try {
    const res = await client.invoke(target.addr, createRequest(code), timeoutMs);
    const ms = Date.now() - t0;
    if (res.code === ResponseCode.SUCCESS) return { healthy: true, detail: `${target.role} ${target.addr} answered in ${ms} ms` };
    return { healthy: false, detail: `${target.role} ${target.addr} answered code ${res.code}${res.remark ? ` (${res.remark})` : ''}` };
  } catch (err) {
    return { healthy: false, detail: `${target.role} ${target.addr}: ${(err as Error).message}` };
  } finally {
    client.close();
  }
}
