import { MQVersion } from '../remoting/mq-version';
import { ResponseCode } from '../remoting/response-code';

/** Topic names and rules (Java: TopicValidator). */
export const TopicValidator = {
  AUTO_CREATE_TOPIC_KEY_TOPIC: 'TBW102',
  RMQ_SYS_SCHEDULE_TOPIC: 'SCHEDULE_TOPIC_XXXX',
  RMQ_SYS_BENCHMARK_TOPIC: 'BenchmarkTest',
  RMQ_SYS_TRANS_HALF_TOPIC: 'RMQ_SYS_TRANS_HALF_TOPIC',
  RMQ_SYS_TRACE_TOPIC: 'RMQ_SYS_TRACE_TOPIC',
  RMQ_SYS_TRANS_OP_HALF_TOPIC: 'RMQ_SYS_TRANS_OP_HALF_TOPIC',
  RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC: 'TRANS_CHECK_MAX_TIME_TOPIC',
  RMQ_SYS_SELF_TEST_TOPIC: 'SELF_TEST_TOPIC',
  RMQ_SYS_OFFSET_MOVED_EVENT: 'OFFSET_MOVED_EVENT',
  SYSTEM_TOPIC_PREFIX: 'rmq_sys_',
} as const;

export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';

const NOT_ALLOWED_SEND = new Set<string>([
  TopicValidator.RMQ_SYS_SCHEDULE_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  TopicValidator.RMQ_SYS_SELF_TEST_TOPIC,
  TopicValidator.RMQ_SYS_OFFSET_MOVED_EVENT,
]);

const SYSTEM_TOPICS = new Set<string>([
  TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC,
  TopicValidator.RMQ_SYS_SCHEDULE_TOPIC,
  TopicValidator.RMQ_SYS_BENCHMARK_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC,
  TopicValidator.RMQ_SYS_TRACE_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  TopicValidator.RMQ_SYS_SELF_TEST_TOPIC,
  TopicValidator.RMQ_SYS_OFFSET_MOVED_EVENT,
]);

const VALID = /^[%|a-zA-Z0-9_-]+$/;

/**
 * Java's TopicValidator.addSystemTopic: the broker's own topics (its cluster's and its name, the reply topic, the
 * trace topic) join the set when it starts, so they cannot be updated or deleted and count as system topics.
 */
export function addSystemTopic(topic: string): void {
  SYSTEM_TOPICS.add(topic);
}

export function isSystemTopic(topic: string): boolean {
  return SYSTEM_TOPICS.has(topic) || topic.startsWith(TopicValidator.SYSTEM_TOPIC_PREFIX);
}

export function isNotAllowedSendTopic(topic: string): boolean {
  return NOT_ALLOWED_SEND.has(topic);
}

export function isRetryTopic(topic: string): boolean {
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
}

export function retryTopic(group: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + group;
}

export function dlqTopic(group: string): string {
  return DLQ_GROUP_TOPIC_PREFIX + group;
}

/**
 * Why a topic name is unacceptable, or undefined when it is fine. Retry and dead-letter topics may be 255 long
 * (5.x); others 127. The code is 29 INVALID_PARAMETER for 5.x clients and 1 SYSTEM_ERROR for older ones, which
 * do not know 29 (it is what each Java broker generation answers).
 */
export function validateTopic(topic: string, requestVersion: number): { code: number; remark: string } | undefined {
  const code = requestVersion >= MQVersion.V5_0_0 ? ResponseCode.INVALID_PARAMETER : ResponseCode.SYSTEM_ERROR;
  if (topic.trim() === '') return { code, remark: 'The specified topic is blank.' };
  if (!VALID.test(topic)) return { code, remark: 'The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$' };
  const max = topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX) ? 255 : 127;
  if (topic.length > max) return { code, remark: 'The specified topic is longer than topic max length.' };
  return undefined;
}

/** Consumer groups follow the same character rule and a 255 limit. */
export function validateGroup(group: string): string | undefined {
  if (group.trim() === '') return 'the consumer group is blank';
  if (!VALID.test(group)) return 'the consumer group contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$';
  if (group.length > 255) return 'the consumer group is longer than 255';
  return undefined;
}
