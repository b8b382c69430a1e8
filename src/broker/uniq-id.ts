import { parseIp } from '../store/socket-address';

/**
 * Unique message ids in the layout of Java's MessageClientIDSetter (MESSAGE.md §10.2): ip, pid, a per-process
 * random stand-in for the class loader hash, milliseconds since the start of the month, and a counter. The broker
 * makes them for messages it writes itself (transaction op messages) and for sends that arrive without one.
 */
export class UniqIdGenerator {
  private readonly prefix: string;
  private counter = 0;
  private monthStart = 0;
  private nextMonth = 0;

  constructor(ip: string) {
    const b = Buffer.alloc(10);
    const addr = (() => {
      try {
        return parseIp(ip);
      } catch {
        return Buffer.from([127, 0, 0, 1]);
      }
    })();
    addr.subarray(addr.length - 4).copy(b, 0);
    b.writeUInt16BE(process.pid & 0xffff, 4);
    b.writeUInt32BE((Math.random() * 0xffffffff) >>> 0, 6);
    this.prefix = b.toString('hex').toUpperCase();
  }

  next(now = Date.now()): string {
    if (now >= this.nextMonth) {
      const d = new Date(now);
      this.monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
      this.nextMonth = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
    }
    const b = Buffer.alloc(6);
    b.writeInt32BE((now - this.monthStart) | 0, 0);
    b.writeUInt16BE(this.counter, 4);
    this.counter = (this.counter + 1) & 0xffff;
    return this.prefix + b.toString('hex').toUpperCase();
  }
}
