/**
 * MQVersion ordinals (the `version` field). The enum is append-only in Java, so ordinals are stable across releases.
 * tsmq stamps TSMQ_VERSION on everything it sends: Java clients store a broker's version from heartbeat responses and
 * gate features on it (SQL92 pulls need >= V4_1_0_SNAPSHOT), so it must be a real ordinal.
 */
export const MQVersion = {
  V3_0_11: 37,
  V3_4_9: 121,
  V4_1_0_SNAPSHOT: 232,
  V4_5_2: 317,
  V4_9_4: 401,
  V4_9_7: 407,
  V4_9_8: 409,
  V5_0_0: 413,
  V5_3_1: 475,
  V5_3_3: 479,
} as const;

export const TSMQ_VERSION = MQVersion.V5_3_3;

/** Java's MQVersion.getVersionDesc for the ordinals tsmq reports. */
export const TSMQ_VERSION_DESC = 'V5_3_3';

/**
 * MQVersion#getVersionDesc for a 4.1.0 or later ordinal: from V4_1_0_SNAPSHOT on, every x.y.z has a _SNAPSHOT ordinal
 * and a release ordinal after it, z and y running 0 to 9 (V4_9_9 is followed by V5_0_0_SNAPSHOT). Older ordinals,
 * whose names follow no rule, come back as the number.
 */
export function versionDesc(ordinal: number): string {
  const FIRST = MQVersion.V4_1_0_SNAPSHOT;
  if (!Number.isInteger(ordinal) || ordinal < FIRST) return String(ordinal);
  const steps = ordinal - FIRST; // 0 = V4_1_0_SNAPSHOT
  const release = Math.floor(steps / 2) + 10; // 4.1.0 counted from 4.0.0 in patch units
  const major = 4 + Math.floor(release / 100);
  const minor = Math.floor(release / 10) % 10;
  const patch = release % 10;
  return `V${major}_${minor}_${patch}${steps % 2 === 0 ? '_SNAPSHOT' : ''}`;
}
