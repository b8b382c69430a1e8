import fs from 'node:fs';
import type { Logger } from '../common/logger';
import { readFileWithBackupSync, writeFileAtomic } from '../common/atomic-file';
import { toFastjsonPretty } from '../common/fastjson';
import { parseLenientJson } from '../common/lenient-json';

/**
 * One JSON config file of the store or broker (Java: ConfigManager): topics.json, consumerOffset.json,
 * subscriptionGroup.json, delayOffset.json. Read from the file, or from its .bak when the file is missing, empty or
 * unparsable; written in fastjson's pretty form through a temporary file, keeping the previous content as .bak.
 * Writes are serialized and the newest content always wins.
 */
export class ConfigFile {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly logger: Logger,
  ) {}

  /** The parsed content, or undefined when there is none (a new store). */
  load(): unknown {
    let found = readFileWithBackupSync(this.file);
    while (found) {
      try {
        const value = parseLenientJson(found.content);
        if (found.from !== this.file) this.logger.warn('config file unreadable; loaded its backup', { file: this.file, from: found.from });
        return value;
      } catch (err) {
        this.logger.error('config file does not parse', { file: found.from, error: (err as Error).message });
        if (found.from === this.file && fs.existsSync(`${this.file}.bak`)) {
          found = { content: fs.readFileSync(`${this.file}.bak`, 'utf8'), from: `${this.file}.bak` };
        } else return undefined;
      }
    }
    return undefined;
  }

  persist(value: unknown): Promise<void> {
    const text = toFastjsonPretty(value);
    this.writing = this.writing
      .then(() => writeFileAtomic(this.file, text))
      .catch((err: unknown) => {
        this.logger.error('cannot write config file', { file: this.file, error: (err as Error).message });
      });
    return this.writing;
  }

  flush(): Promise<void> {
    return this.writing;
  }
}
