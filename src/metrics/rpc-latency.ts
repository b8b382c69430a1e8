import type { Connection } from '../remoting/connection';
import { isOneway, type RemotingCommand } from '../remoting/remoting-command';
import type { RequestObserver } from '../remoting/remoting-server';
import { requestCodeName } from '../remoting/request-code';
import { responseCodeName } from '../remoting/response-code';
import { HistogramFamily, type Labels } from './metric-families';

const RPC_LATENCY_BUCKETS = [1, 3, 5, 7, 10, 100, 1000, 2000, 3000];

/**
 * rocketmq_rpc_latency_milliseconds (Java RemotingMetricsManager): every answered request, from dispatch to the
 * answer, by request code, response code, long polling and result.
 */
export class RpcLatency implements RequestObserver {
  readonly family: HistogramFamily;

  constructor(maxSeries: number) {
    this.family = new HistogramFamily('rocketmq_rpc_latency_milliseconds', 'Rpc latency', RPC_LATENCY_BUCKETS, maxSeries);
  }

  /** RemotingServer observer; `longPolling` when a held pull is answered at last. */
  requestDone(req: RemotingCommand, res: RemotingCommand | null, startedAt: number, conn: Connection, longPolling = false): void {
    const oneway = isOneway(req);
    if (!res && !oneway) return; // held: recorded when answered
    const ms = performance.now() - startedAt;
    const resCode = res ? res.code : -1;
    const resultIndex = oneway ? 1 : conn.isOpen ? 0 : 2;
    // One series per (request, response, long polling, result): a number key keeps the per-request lookup cheap.
    const key = ((req.code * 4096 + (resCode + 1)) * 2 + (longPolling ? 1 : 0)) * 4 + resultIndex;
    this.family
      .cell(key, () => {
        const labels: Labels = { protocol_type: 'remoting', request_code: codeLabel(requestCodeName(req.code), req.code), result: RESULTS[resultIndex]! };
        // Java labels a oneway request with the response its handler made, as if it had been written.
        if (res) {
          labels.response_code = codeLabel(responseCodeName(resCode), resCode);
          labels.is_long_polling = String(longPolling);
        }
        return labels;
      })
      .observe(ms);
  }
}

const RESULTS = ['success', 'oneway', 'write_channel_failed'];

/** Java labels codes by their constant's name in lower case, and unknown codes by number. */
function codeLabel(name: string, code: number): string {
  return name.startsWith('UNKNOWN(') ? String(code) : name.toLowerCase();
}
