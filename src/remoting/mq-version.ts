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
