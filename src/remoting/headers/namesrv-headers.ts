import type { ExtFields } from '../remoting-command';
import { optionalBool, optionalLong, optionalString, requiredLong, requiredString } from './header-fields';

/**
 * The name server's custom headers. They are small (one to seven fields), so they share this file; each decode
 * lists the Java class and its fields. Java: org.apache.rocketmq.remoting.protocol.header.namesrv (5.x),
 * org.apache.rocketmq.common.protocol.header.namesrv (4.9).
 */

/** RegisterBrokerRequestHeader: brokerName, brokerAddr, clusterName, haServerAddr, brokerId, compressed, bodyCrc32; 5.x heartbeatTimeoutMillis, enableActingMaster. */
export interface RegisterBrokerRequestHeader {
  brokerName: string;
  brokerAddr: string;
  clusterName: string;
  haServerAddr: string;
  brokerId: number;
  compressed: boolean;
  bodyCrc32: number;
  heartbeatTimeoutMillis?: number;
  enableActingMaster?: boolean;
  zoneName?: string;
}

export function decodeRegisterBrokerRequestHeader(ext: ExtFields | undefined): RegisterBrokerRequestHeader {
  const h: RegisterBrokerRequestHeader = {
    brokerName: requiredString(ext, 'brokerName'),
    brokerAddr: requiredString(ext, 'brokerAddr'),
    clusterName: requiredString(ext, 'clusterName'),
    haServerAddr: optionalString(ext, 'haServerAddr') ?? '',
    brokerId: requiredLong(ext, 'brokerId'),
    compressed: optionalBool(ext, 'compressed') ?? false,
    bodyCrc32: Number(optionalLong(ext, 'bodyCrc32') ?? 0),
  };
  const timeout = optionalLong(ext, 'heartbeatTimeoutMillis');
  if (timeout !== undefined) h.heartbeatTimeoutMillis = timeout;
  const acting = optionalBool(ext, 'enableActingMaster');
  if (acting !== undefined) h.enableActingMaster = acting;
  const zone = optionalString(ext, '__ZONE_NAME');
  if (zone !== undefined) h.zoneName = zone;
  return h;
}

/** UnRegisterBrokerRequestHeader and QueryDataVersionRequestHeader: brokerName, brokerAddr, clusterName, brokerId. */
export interface BrokerIdentityHeader {
  brokerName: string;
  brokerAddr: string;
  clusterName: string;
  brokerId: number;
}

export function decodeBrokerIdentityHeader(ext: ExtFields | undefined): BrokerIdentityHeader {
  return {
    brokerName: requiredString(ext, 'brokerName'),
    brokerAddr: requiredString(ext, 'brokerAddr'),
    clusterName: requiredString(ext, 'clusterName'),
    brokerId: requiredLong(ext, 'brokerId'),
  };
}

/** GetRouteInfoRequestHeader: topic; acceptStandardJsonOnly (4.9.4+). */
export function decodeGetRouteInfoRequestHeader(ext: ExtFields | undefined): { topic: string; acceptStandardJsonOnly: boolean } {
  return { topic: requiredString(ext, 'topic'), acceptStandardJsonOnly: optionalBool(ext, 'acceptStandardJsonOnly') ?? false };
}

/** PutKVConfigRequestHeader: namespace, key, value. GetKVConfigRequestHeader / DeleteKVConfigRequestHeader: namespace, key. */
export function decodeKvHeader(ext: ExtFields | undefined): { namespace?: string; key?: string; value?: string } {
  const h: { namespace?: string; key?: string; value?: string } = {};
  const ns = optionalString(ext, 'namespace');
  const key = optionalString(ext, 'key');
  const value = optionalString(ext, 'value');
  if (ns !== undefined) h.namespace = ns;
  if (key !== undefined) h.key = key;
  if (value !== undefined) h.value = value;
  return h;
}

/** GetKVListByNamespaceRequestHeader: namespace. */
export function decodeNamespaceHeader(ext: ExtFields | undefined): { namespace: string } {
  return { namespace: requiredString(ext, 'namespace') };
}

/** GetTopicsByClusterRequestHeader: cluster. */
export function decodeGetTopicsByClusterHeader(ext: ExtFields | undefined): { cluster: string } {
  return { cluster: requiredString(ext, 'cluster') };
}

/** DeleteTopicFromNamesrvRequestHeader: topic; clusterName (5.x). */
export function decodeDeleteTopicFromNamesrvHeader(ext: ExtFields | undefined): { topic: string; clusterName?: string } {
  const h: { topic: string; clusterName?: string } = { topic: requiredString(ext, 'topic') };
  const c = optionalString(ext, 'clusterName');
  if (c) h.clusterName = c;
  return h;
}

/** WipeWritePermOfBrokerRequestHeader / AddWritePermOfBrokerRequestHeader: brokerName. */
export function decodeBrokerNameHeader(ext: ExtFields | undefined): { brokerName: string } {
  return { brokerName: requiredString(ext, 'brokerName') };
}
