import { javaStringHashCode } from '../../common/java-hash';

/** tagsCode of a TAGS property (MESSAGE.md §8): Java's hash of the whole string, 0 when absent or empty. */
export function tagsCodeOfTags(tags: string | undefined): number {
  return tags ? javaStringHashCode(tags) : 0;
}
