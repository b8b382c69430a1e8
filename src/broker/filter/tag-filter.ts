import { javaStringHashCode } from '../../common/java-hash';
import type { SubscriptionData } from '../../remoting/bodies/heartbeat-data';

export const SUB_ALL = '*';

/**
 * A TAG expression ("*", "TagA || TagB") as the client builds it (FilterAPI.buildSubscriptionData): tags split on
 * "||" and trimmed, each hashed with Java's String.hashCode into the set the broker compares ConsumeQueue
 * tagsCodes with.
 */
export function buildSubscriptionData(topic: string, subString: string | undefined, subVersion = 0): SubscriptionData {
  const expr = subString === undefined || subString.trim() === '' ? SUB_ALL : subString.trim();
  const s: SubscriptionData = { topic, subString: expr, tagsSet: [], codeSet: [], subVersion, expressionType: 'TAG', classFilterMode: false };
  if (expr === SUB_ALL) return s;
  for (const t of expr.split('||')) {
    const tag = t.trim();
    if (tag.length > 0) {
      s.tagsSet.push(tag);
      s.codeSet.push(javaStringHashCode(tag));
    }
  }
  return s;
}

/** Java: ExpressionMessageFilter#isMatchedByConsumeQueue for TAG subscriptions. */
export function tagMatches(sub: SubscriptionData | undefined, tagsCode: number): boolean {
  if (!sub || sub.subString === SUB_ALL || sub.expressionType !== 'TAG') return true;
  // Java compares tagsCode.intValue(): the low 32 bits.
  return sub.codeSet.includes(tagsCode | 0);
}
