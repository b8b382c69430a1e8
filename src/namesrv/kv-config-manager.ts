import { readFileWithBackupSync, writeFileAtomic } from '../common/atomic-file';
import type { Logger } from '../common/logger';
import { parseLenientJson } from '../common/lenient-json';

/**
 * Namespaced key-value config (ORDER_TOPIC_CONFIG and whatever tools put there), persisted after every change to
 * kvConfigPath in Java's form: {"configTable":{"<namespace>":{"<key>":"<value>"}}}. Writes are serialized so the
 * file always holds the latest table.
 */
export class KVConfigManager {
  private readonly configTable = new Map<string, Map<string, string>>();
  private persisting: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {}

  load(): void {
    const found = readFileWithBackupSync(this.file);
    if (!found) return;
    let parsed: unknown;
    try {
      parsed = parseLenientJson(found.content);
    } catch (err) {
      this.logger.error('KV config file is not valid JSON; starting with an empty table', { file: found.from, error: (err as Error).message });
      return;
    }
    const table = (parsed as { configTable?: Record<string, Record<string, unknown>> } | null)?.configTable ?? {};
    for (const [ns, kv] of Object.entries(table)) {
      const m = new Map<string, string>();
      for (const [k, v] of Object.entries(kv ?? {})) if (v !== null && v !== undefined) m.set(k, String(v));
      this.configTable.set(ns, m);
    }
    this.logger.info('KV config loaded', { file: found.from, namespaces: this.configTable.size });
  }

  put(namespace: string, key: string, value: string | undefined): Promise<void> {
    let kv = this.configTable.get(namespace);
    if (!kv) this.configTable.set(namespace, (kv = new Map()));
    // Java's HashMap keeps a null value; a null value is dropped when the table is written, so we drop it here.
    if (value === undefined) kv.delete(key);
    else kv.set(key, value);
    this.logger.info('KV config put', { namespace, key, value });
    return this.persist();
  }

  get(namespace: string, key: string): string | undefined {
    return this.configTable.get(namespace)?.get(key);
  }

  delete(namespace: string, key: string): Promise<void> {
    const kv = this.configTable.get(namespace);
    if (kv?.delete(key)) this.logger.info('KV config deleted', { namespace, key });
    return this.persist();
  }

  list(namespace: string): Map<string, string> | undefined {
    return this.configTable.get(namespace);
  }

  private persist(): Promise<void> {
    const content = this.toJson();
    this.persisting = this.persisting
      .then(() => writeFileAtomic(this.file, content))
      .catch((err: unknown) => {
        this.logger.error('cannot write the KV config file', { file: this.file, error: (err as Error).message });
      });
    return this.persisting;
  }

  /** Waits for pending writes (shutdown). */
  flush(): Promise<void> {
    return this.persisting;
  }

  toJson(): string {
    const table: Record<string, Record<string, string>> = {};
    for (const [ns, kv] of this.configTable) table[ns] = Object.fromEntries(kv);
    return JSON.stringify({ configTable: table });
  }
}
