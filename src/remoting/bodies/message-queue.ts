/**
 * MessageQueue and maps keyed by it. fastjson writes such a map with the queue itself as the key, an object in key
 * position (`{{"brokerName":"b","queueId":0,"topic":"T"}:{...}}`). It is not JSON, but it is what Java writes and
 * the only form the Go client's decoders understand besides Gson's, so tsmq writes it too (BODIES.md §0 rule 3).
 */
export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

export function messageQueueJson(mq: MessageQueue): string {
  return `{"brokerName":${JSON.stringify(mq.brokerName)},"queueId":${mq.queueId},"topic":${JSON.stringify(mq.topic)}}`;
}

/** `{<mq>:<value JSON>,...}` with object keys. */
export function mqKeyedMapJson(entries: Iterable<[MessageQueue, string]>): string {
  const parts: string[] = [];
  for (const [mq, v] of entries) parts.push(`${messageQueueJson(mq)}:${v}`);
  return `{${parts.join(',')}}`;
}

/** Sort order clients use for queues: topic, then broker name, then queue id. */
export function compareMessageQueue(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}
