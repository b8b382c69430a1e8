import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a config file the way RocketMQ's MixAll.string2File does (content to <file>.tmp, the previous version kept as
 * <file>.bak, then the rename), with an fsync before the rename so a crash leaves either the old or the new file,
 * never a torn one.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  const fh = await fsp.open(tmp, 'w');
  try {
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.copyFile(file, `${file}.bak`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fsp.rename(tmp, file);
}

/** The file's text, or the .bak's when the file is missing or empty (Java's ConfigManager falls back the same way). */
export function readFileWithBackupSync(file: string): { content: string; from: string } | undefined {
  for (const candidate of [file, `${file}.bak`]) {
    try {
      const content = fs.readFileSync(candidate, 'utf8');
      if (content.trim() !== '') return { content, from: candidate };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return undefined;
}
