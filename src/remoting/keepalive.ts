import type { Socket } from 'node:net';
import NetKeepAlive from 'net-keepalive';
import type { Logger } from '../common/logger';

export interface KeepAliveOptions {
  /** Idle time before the first probe. */
  idleMs: number;
  intervalMs: number;
  probes: number;
}

/**
 * A peer that vanishes without a FIN (a pulled cable, a killed VM) would otherwise hold its routes or held pulls
 * for hours: with these settings the kernel notices within idle + interval * probes.
 */
export const DEFAULT_KEEPALIVE: KeepAliveOptions = { idleMs: 30_000, intervalMs: 5_000, probes: 3 };

let warned = false;

export function tuneKeepAlive(socket: Socket, opts: KeepAliveOptions, logger: Logger): void {
  socket.setKeepAlive(true, opts.idleMs);
  try {
    NetKeepAlive.setKeepAliveInterval(socket, opts.intervalMs);
    NetKeepAlive.setKeepAliveProbes(socket, opts.probes);
  } catch (err) {
    if (!warned) {
      warned = true;
      logger.warn('cannot tune TCP keepalive interval and probes on this platform; using the kernel defaults', {
        error: (err as Error).message,
      });
    }
  }
}
