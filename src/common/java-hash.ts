/**
 * Java's String.hashCode over UTF-16 code units, as a signed 32-bit int. RocketMQ hashes tags into ConsumeQueue
 * tagsCodes and keys into IndexFile slots with it, so every byte must match Java (VECTORS.md V3).
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}
