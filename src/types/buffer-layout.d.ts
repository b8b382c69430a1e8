// Minimal typings for the parts of buffer-layout that tsmq uses (the package ships none).
declare module 'buffer-layout' {
  export class Layout<T = unknown> {
    span: number;
    property?: string;
    decode(b: Buffer, offset?: number): T;
    encode(src: T, b: Buffer, offset?: number): number;
  }
  export class Structure<T = Record<string, unknown>> extends Layout<T> {}
  export function struct<T = Record<string, unknown>>(fields: Layout<unknown>[], property?: string): Structure<T>;
  export function ns64be(property?: string): Layout<number>;
  export function nu64be(property?: string): Layout<number>;
  export function s32be(property?: string): Layout<number>;
  export function u32be(property?: string): Layout<number>;
}
