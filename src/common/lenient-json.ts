/**
 * A JSON reader that accepts what fastjson writes and reads (BODIES.md §0): unquoted keys (`{0:"a"}`), object keys
 * (`{{"brokerName":"b","queueId":0,"topic":"T"}:5}`, returned as the key's compact JSON text), single-quoted strings,
 * and trailing commas. Java peers send these in bodies that plain JSON.parse rejects. Standard JSON goes through
 * JSON.parse first, which is faster; this parser only runs when that fails.
 */

export class LenientJsonError extends Error {}

export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const p = new Parser(text);
    const v = p.value();
    p.ws();
    if (p.pos !== text.length) p.fail('trailing characters');
    return v;
  }
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new LenientJsonError(`${what} at offset ${this.pos}`);
  }

  ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  value(): unknown {
    this.ws();
    const c = this.s[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"' || c === "'") return this.string();
    if (c === undefined) this.fail('unexpected end');
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(this.s.slice(this.pos, this.pos + 64));
    if (!m) this.fail(`unexpected character ${JSON.stringify(c)}`);
    this.pos += m[0].length;
    return JSON.parse(m[0]);
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    for (;;) {
      this.ws();
      if (this.s[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.key();
      this.ws();
      if (this.s[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      out[key] = this.value();
      this.ws();
      if (this.s[this.pos] === ',') this.pos++;
      else if (this.s[this.pos] !== '}') this.fail('expected "," or "}"');
    }
  }

  private key(): string {
    const c = this.s[this.pos];
    if (c === '"' || c === "'") return this.string();
    if (c === '{' || c === '[') return JSON.stringify(this.value());
    const m = /^[A-Za-z0-9_$.\-+]+/.exec(this.s.slice(this.pos, this.pos + 256));
    if (!m) this.fail('expected a key');
    this.pos += m[0].length;
    return m[0];
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    for (;;) {
      this.ws();
      if (this.s[this.pos] === ']') {
        this.pos++;
        return out;
      }
      out.push(this.value());
      this.ws();
      if (this.s[this.pos] === ',') this.pos++;
      else if (this.s[this.pos] !== ']') this.fail('expected "," or "]"');
    }
  }

  private string(): string {
    const q = this.s[this.pos]!;
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.s[this.pos];
      if (c === undefined) this.fail('unterminated string');
      this.pos++;
      if (c === q) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.pos++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          const hex = this.s.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        case undefined: this.fail('unterminated escape'); break;
        default: out += e;
      }
    }
  }
}
