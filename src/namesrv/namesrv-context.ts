import type { Logger } from '../common/logger';
import type { KVConfigManager } from './kv-config-manager';
import type { NamesrvConfig } from './namesrv-config';
import type { RouteInfoManager } from './route-info-manager';

/** What the name server's processors work with; explicit so tests can build one around fakes. */
export interface NamesrvContext {
  config: NamesrvConfig;
  routes: RouteInfoManager;
  kv: KVConfigManager;
  logger: Logger;
  /** The config as GET_NAMESRV_CONFIG returns it: `key=value\n` lines. */
  configText(): string;
  /** Applies UPDATE_NAMESRV_CONFIG properties and persists the whole config to configStorePath. */
  updateConfig(props: Map<string, string>, source: string): Promise<void>;
}
