import type { Connection } from '../../remoting/connection';

/** One client connection as a group sees it (Java: ClientChannelInfo). */
export interface ClientChannelInfo {
  conn: Connection;
  clientId: string;
  language: number;
  version: number;
  lastUpdateTimestamp: number;
}
