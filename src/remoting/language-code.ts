/** LanguageCode: the byte in a ROCKETMQ header and the name in a JSON header (the ordinal equals the code). */
export const LANGUAGE_NAMES = [
  'JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER', 'HTTP', 'GO', 'PHP', 'OMS', 'RUST', 'NODE_JS',
] as const;

export type LanguageName = (typeof LANGUAGE_NAMES)[number];

export const LanguageCode = {
  JAVA: 0,
  CPP: 1,
  GO: 9,
  OTHER: 7,
} as const;

/** Unknown languages decode to UNKNOWN_LANGUAGE, as Java decodes them to null without failing the frame. */
export const UNKNOWN_LANGUAGE = -1;

const CODE_BY_NAME = new Map<string, number>(LANGUAGE_NAMES.map((n, i) => [n, i]));

export function languageCodeOf(name: string): number {
  return CODE_BY_NAME.get(name) ?? UNKNOWN_LANGUAGE;
}

export function languageNameOf(code: number): string {
  return LANGUAGE_NAMES[code] ?? 'UNKNOWN';
}
