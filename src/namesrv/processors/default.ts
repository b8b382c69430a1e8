import zlib from 'node:zlib';
import type { Logger } from '../../common/logger';
import { parseProperties } from '../../common/java-properties';
import { ResponseError } from '../../remoting/errors';
import {
  encodeClusterInfo,
  encodeDataVersion,
  encodeKvTable,
  encodeTopicList,
  type QueueData,
} from '../../remoting/bodies/route-data';
import { decodeRegisterBrokerBody, toDataVersion } from '../../remoting/bodies/register-broker-body';
import { parseLenientJson } from '../../common/lenient-json';
import {
  decodeBrokerIdentityHeader,
  decodeBrokerNameHeader,
  decodeDeleteTopicFromNamesrvHeader,
  decodeGetTopicsByClusterHeader,
  decodeKvHeader,
  decodeNamespaceHeader,
  decodeRegisterBrokerRequestHeader,
} from '../../remoting/headers/namesrv-headers';
import { requiredString } from '../../remoting/headers/header-fields';
import { requestCodeNotSupported, type RequestContext, type RequestProcessor } from '../../remoting/processor-table';
import { RequestCode } from '../../remoting/request-code';
import { ResponseCode } from '../../remoting/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import type { NamesrvContext } from '../namesrv-context';

export const ORDER_TOPIC_CONFIG_NAMESPACE = 'ORDER_TOPIC_CONFIG';

const ok = (req: RemotingCommand, body?: string | Buffer): RemotingCommand => {
  const res = createResponse(req, ResponseCode.SUCCESS);
  if (body !== undefined) res.body = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return res;
};

/**
 * Everything the name server serves except route lookups (Java: DefaultRequestProcessor): broker registration,
 * KV config, cluster and topic lists, write permissions, and its own config.
 */
export class DefaultRequestProcessor implements RequestProcessor {
  readonly name = 'namesrv-default';
  private readonly logger: Logger;

  constructor(private readonly ns: NamesrvContext) {
    this.logger = ns.logger;
  }

  processRequest(ctx: RequestContext, req: RemotingCommand): RemotingCommand | Promise<RemotingCommand> {
    switch (req.code) {
      case RequestCode.PUT_KV_CONFIG:
        return this.putKvConfig(req);
      case RequestCode.GET_KV_CONFIG:
        return this.getKvConfig(req);
      case RequestCode.DELETE_KV_CONFIG:
        return this.deleteKvConfig(req);
      case RequestCode.QUERY_DATA_VERSION:
        return this.queryDataVersion(req);
      case RequestCode.REGISTER_BROKER:
        return this.registerBroker(ctx, req);
      case RequestCode.UNREGISTER_BROKER: {
        const h = decodeBrokerIdentityHeader(req.extFields);
        this.ns.routes.unregisterBroker(h.clusterName, h.brokerAddr, h.brokerName, h.brokerId);
        return ok(req);
      }
      case RequestCode.GET_BROKER_CLUSTER_INFO:
        return ok(req, encodeClusterInfo(this.ns.routes.brokerAddrTable.values(), this.ns.routes.clusterAddrTable));
      case RequestCode.WIPE_WRITE_PERM_OF_BROKER: {
        const { brokerName } = decodeBrokerNameHeader(req.extFields);
        const n = this.ns.routes.wipeWritePerm(brokerName);
        this.logger.info('write permission wiped', { broker: brokerName, topics: n, client: ctx.conn.remoteAddress });
        return createResponse(req, ResponseCode.SUCCESS, undefined, { wipeTopicCount: String(n) });
      }
      case RequestCode.ADD_WRITE_PERM_OF_BROKER: {
        const { brokerName } = decodeBrokerNameHeader(req.extFields);
        const n = this.ns.routes.addWritePerm(brokerName);
        this.logger.info('write permission added', { broker: brokerName, topics: n, client: ctx.conn.remoteAddress });
        return createResponse(req, ResponseCode.SUCCESS, undefined, { addTopicCount: String(n) });
      }
      case RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER:
        if (!this.ns.config.enableAllTopicList) return createResponse(req, ResponseCode.SYSTEM_ERROR, 'disable');
        return ok(req, encodeTopicList(this.ns.routes.allTopics()));
      case RequestCode.DELETE_TOPIC_IN_NAMESRV: {
        const h = decodeDeleteTopicFromNamesrvHeader(req.extFields);
        this.ns.routes.deleteTopic(h.topic, h.clusterName);
        this.logger.info('topic deleted from routes', { topic: h.topic, cluster: h.clusterName ?? '(all)', client: ctx.conn.remoteAddress });
        return ok(req);
      }
      case RequestCode.REGISTER_TOPIC_IN_NAMESRV:
        return this.registerTopic(req);
      case RequestCode.GET_KVLIST_BY_NAMESPACE: {
        const { namespace } = decodeNamespaceHeader(req.extFields);
        const table = this.ns.kv.list(namespace);
        if (!table) return createResponse(req, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${namespace}`);
        return ok(req, encodeKvTable(table));
      }
      case RequestCode.GET_TOPICS_BY_CLUSTER: {
        if (!this.ns.config.enableTopicList) return createResponse(req, ResponseCode.SYSTEM_ERROR, 'disable');
        const { cluster } = decodeGetTopicsByClusterHeader(req.extFields);
        return ok(req, encodeTopicList(this.ns.routes.topicsByCluster(cluster)));
      }
      case RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS: {
        const { topics, brokerAddr } = this.ns.routes.systemTopicList();
        return ok(req, encodeTopicList(topics, brokerAddr));
      }
      case RequestCode.GET_UNIT_TOPIC_LIST:
        return ok(req, encodeTopicList(this.ns.routes.unitTopics()));
      case RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST:
        return ok(req, encodeTopicList(this.ns.routes.hasUnitSubTopics()));
      case RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST:
        return ok(req, encodeTopicList(this.ns.routes.hasUnitSubUnUnitTopics()));
      case RequestCode.UPDATE_NAMESRV_CONFIG:
        return this.updateConfig(ctx, req);
      case RequestCode.GET_NAMESRV_CONFIG:
        return ok(req, this.ns.configText());
      default:
        return requestCodeNotSupported(req);
    }
  }

  private async putKvConfig(req: RemotingCommand): Promise<RemotingCommand> {
    const h = decodeKvHeader(req.extFields);
    if (h.namespace === undefined || h.key === undefined) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, 'namespace or key is null');
    }
    await this.ns.kv.put(h.namespace, h.key, h.value);
    return ok(req);
  }

  private getKvConfig(req: RemotingCommand): RemotingCommand {
    const h = decodeKvHeader(req.extFields);
    const value = h.namespace !== undefined && h.key !== undefined ? this.ns.kv.get(h.namespace, h.key) : undefined;
    if (value === undefined) {
      return createResponse(req, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${h.namespace ?? 'null'} Key: ${h.key ?? 'null'}`);
    }
    return createResponse(req, ResponseCode.SUCCESS, undefined, { value });
  }

  private async deleteKvConfig(req: RemotingCommand): Promise<RemotingCommand> {
    const h = decodeKvHeader(req.extFields);
    if (h.namespace !== undefined && h.key !== undefined) await this.ns.kv.delete(h.namespace, h.key);
    return ok(req);
  }

  private registerBroker(ctx: RequestContext, req: RemotingCommand): RemotingCommand {
    const h = decodeRegisterBrokerRequestHeader(req.extFields);
    if (h.bodyCrc32 !== 0) {
      const crc = req.body ? zlib.crc32(req.body) & 0x7fffffff : 0;
      if (crc !== h.bodyCrc32) {
        this.logger.warn('REGISTER_BROKER body checksum mismatch; refused', { broker: h.brokerName, client: ctx.conn.remoteAddress });
        return createResponse(req, ResponseCode.SYSTEM_ERROR, 'crc32 not match');
      }
    }
    const body = decodeRegisterBrokerBody(req.body, h.compressed, req.version);
    const result = this.ns.routes.registerBroker({
      clusterName: h.clusterName,
      brokerAddr: h.brokerAddr,
      brokerName: h.brokerName,
      brokerId: h.brokerId,
      haServerAddr: h.haServerAddr,
      dataVersion: body.dataVersion,
      topicConfigTable: body.topicConfigTable,
      filterServerList: body.filterServerList,
      conn: ctx.conn,
      ...(h.heartbeatTimeoutMillis !== undefined ? { heartbeatTimeoutMs: h.heartbeatTimeoutMillis } : {}),
      ...(h.enableActingMaster !== undefined ? { enableActingMaster: h.enableActingMaster } : {}),
      ...(h.zoneName !== undefined ? { zoneName: h.zoneName } : {}),
    });
    const ext: Record<string, string> = {};
    if (result.haServerAddr !== undefined) ext.haServerAddr = result.haServerAddr;
    if (result.masterAddr !== undefined) ext.masterAddr = result.masterAddr;
    const res = createResponse(req, ResponseCode.SUCCESS, undefined, ext);
    const order = this.ns.config.returnOrderTopicConfigToBroker ? this.ns.kv.list(ORDER_TOPIC_CONFIG_NAMESPACE) : undefined;
    if (order) res.body = Buffer.from(encodeKvTable(order), 'utf8');
    return res;
  }

  private queryDataVersion(req: RemotingCommand): RemotingCommand {
    const h = decodeBrokerIdentityHeader(req.extFields);
    let dataVersion;
    try {
      dataVersion = toDataVersion(req.body ? parseLenientJson(req.body.toString('utf8')) : {});
    } catch (err) {
      throw new ResponseError(ResponseCode.SYSTEM_ERROR, `bad DataVersion body: ${(err as Error).message}`);
    }
    const changed = this.ns.routes.isBrokerTopicConfigChanged(h.brokerAddr, dataVersion);
    if (!changed) this.ns.routes.updateBrokerInfoUpdateTimestamp(h.brokerAddr);
    const res = createResponse(req, ResponseCode.SUCCESS, undefined, { changed: String(changed) });
    const mine = this.ns.routes.queryBrokerTopicConfig(h.brokerAddr);
    if (mine) res.body = Buffer.from(encodeDataVersion(mine), 'utf8');
    return res;
  }

  /** 5.x: adds queue data for brokers the name server already knows (Java: RouteInfoManager#registerTopic). */
  private registerTopic(req: RemotingCommand): RemotingCommand {
    const topic = requiredString(req.extFields, 'topic');
    let route: unknown;
    try {
      route = req.body ? parseLenientJson(req.body.toString('utf8')) : undefined;
    } catch (err) {
      throw new ResponseError(ResponseCode.SYSTEM_ERROR, `bad TopicRouteData body: ${(err as Error).message}`);
    }
    const queueDatas = (route as { queueDatas?: unknown[] } | undefined)?.queueDatas;
    if (!Array.isArray(queueDatas)) return ok(req);
    for (const raw of queueDatas) {
      const q = raw as Partial<Record<keyof QueueData, unknown>>;
      const brokerName = typeof q.brokerName === 'string' ? q.brokerName : undefined;
      if (!brokerName || !this.ns.routes.brokerAddrTable.has(brokerName)) continue;
      let queues = this.ns.routes.topicQueueTable.get(topic);
      if (!queues) this.ns.routes.topicQueueTable.set(topic, (queues = new Map()));
      queues.set(brokerName, {
        brokerName,
        readQueueNums: Number(q.readQueueNums ?? 0),
        writeQueueNums: Number(q.writeQueueNums ?? 0),
        perm: Number(q.perm ?? 6),
        topicSysFlag: Number(q.topicSysFlag ?? 0),
      });
    }
    return ok(req);
  }

  private async updateConfig(ctx: RequestContext, req: RemotingCommand): Promise<RemotingCommand> {
    this.logger.info('name server config update requested', { client: ctx.conn.remoteAddress });
    if (!req.body) return ok(req);
    const props = parseProperties(req.body.toString('utf8'));
    const blackList = this.ns.config.configBlackList.split(';').map((s) => s.trim()).filter(Boolean);
    if (blackList.some((k) => props.has(k))) {
      return createResponse(req, ResponseCode.NO_PERMISSION, 'Can not update config in black list.');
    }
    await this.ns.updateConfig(props, `UPDATE_NAMESRV_CONFIG from ${ctx.conn.remoteAddress}`);
    return ok(req);
  }
}
