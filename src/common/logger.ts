import winston from 'winston';

/**
 * One winston root per process; each part takes a child with its component name, so a line says where it came from:
 *   2026-11-22T10:00:00.000Z info  [namesrv] broker registered  {"cluster":"DefaultCluster","broker":"broker-a"}
 * The level comes from --logLevel or TSMQ_LOG_LEVEL (tests set it to "error" to keep their output readable).
 */

export type Logger = winston.Logger;

const lineFormat = winston.format.printf((info) => {
  const { level, message, timestamp, component, ...meta } = info as Record<string, unknown> & {
    level: string;
    message: unknown;
  };
  const rest = Object.keys(meta).length > 0 ? '  ' + JSON.stringify(meta) : '';
  return `${String(timestamp)} ${level.padEnd(5)} [${String(component ?? 'tsmq')}] ${String(message)}${rest}`;
});

/**
 * Every line carries the time it was logged. winston's timestamp() keeps a `timestamp` already on the entry, so a
 * metadata field of that name would stand in for the time; this format always sets it.
 */
export const logFormat = winston.format.combine(winston.format.timestamp({ format: () => new Date().toISOString() }), lineFormat);

let root: winston.Logger | undefined;

export function configureLogging(options: { level?: string; file?: string } = {}): winston.Logger {
  const level = options.level ?? process.env.TSMQ_LOG_LEVEL ?? 'info';
  const transports: winston.transport[] = [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })];
  if (options.file) transports.push(new winston.transports.File({ filename: options.file }));
  if (root) {
    root.level = level;
    root.clear();
    for (const t of transports) root.add(t);
    return root;
  }
  root = winston.createLogger({
    level,
    format: logFormat,
    transports,
  });
  return root;
}

export function getLogger(component: string): winston.Logger {
  return (root ?? configureLogging()).child({ component });
}
