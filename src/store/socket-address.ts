import net from 'node:net';

/**
 * Hosts as RocketMQ stores them: address bytes then the port as an int (8 bytes for IPv4, 20 for IPv6). Java turns
 * IPv4-mapped IPv6 peers (what Node reports on dual-stack sockets) into IPv4, and so do we.
 */
export function encodeSocketAddress(host: string, port: number): Buffer {
  const ip = parseIp(host);
  const out = Buffer.allocUnsafe(ip.length + 4);
  ip.copy(out, 0);
  out.writeInt32BE(port | 0, ip.length);
  return out;
}

export function parseIp(host: string): Buffer {
  let h = host;
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.toLowerCase().startsWith('::ffff:') && net.isIPv4(h.slice(7))) h = h.slice(7);
  if (net.isIPv4(h)) return Buffer.from(h.split('.').map(Number));
  if (!net.isIPv6(h)) throw new Error(`not an IP address: ${host}`);
  const zone = h.indexOf('%');
  if (zone >= 0) h = h.slice(0, zone);
  const out = Buffer.alloc(16);
  let head = h;
  let tail = '';
  const dbl = h.indexOf('::');
  if (dbl >= 0) {
    head = h.slice(0, dbl);
    tail = h.slice(dbl + 2);
  }
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const v4 = g.split('.').map(Number);
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  const hg = groups(head);
  const tg = groups(tail);
  hg.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  tg.forEach((g, i) => out.writeUInt16BE(g, 16 - tg.length * 2 + i * 2));
  return out;
}

/** "ip:port" text of an encoded address (8 or 20 bytes). */
export function formatSocketAddress(b: Buffer): string {
  if (b.length === 8) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}:${b.readInt32BE(4)}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return `${groups.join(':')}:${b.readInt32BE(16)}`;
}

/** Splits "host:port" (IPv6 in brackets or bare with the port after the last colon). */
export function splitHostPort(addr: string): { host: string; port: number } {
  const at = addr.lastIndexOf(':');
  return { host: addr.slice(0, at), port: Number(addr.slice(at + 1)) };
}
