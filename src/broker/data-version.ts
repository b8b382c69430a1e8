import type { DataVersion } from '../remoting/bodies/route-data';

/** A mutable DataVersion (Java: DataVersion#nextVersion): the counter moves and the timestamp is now. */
export class VersionCounter {
  counter = 0;
  timestamp = Date.now();
  stateVersion = 0;

  next(): void {
    this.counter++;
    this.timestamp = Date.now();
  }

  assign(v: Partial<DataVersion> | undefined): void {
    if (!v) return;
    if (typeof v.counter === 'number') this.counter = v.counter;
    if (typeof v.timestamp === 'number') this.timestamp = v.timestamp;
    if (typeof v.stateVersion === 'number') this.stateVersion = v.stateVersion;
  }

  toJSON(): DataVersion {
    return { counter: this.counter, stateVersion: this.stateVersion, timestamp: this.timestamp };
  }
}
