import { encodeTopicRouteData } from '../../remoting/bodies/route-data';
import { decodeGetRouteInfoRequestHeader } from '../../remoting/headers/namesrv-headers';
import type { RequestContext, RequestProcessor } from '../../remoting/processor-table';
import { ResponseCode } from '../../remoting/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command';
import type { NamesrvContext } from '../namesrv-context';
import { ORDER_TOPIC_CONFIG_NAMESPACE } from './default';

const APPLY_TOPIC_URL = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';

/**
 * GET_ROUTEINFO_BY_TOPIC (Java: ClientRequestProcessor). Java answers clients older than 4.9.4 with fastjson's
 * unquoted numeric map keys; every client also reads the standard quoted form, so everyone gets that.
 */
export class ClientRequestProcessor implements RequestProcessor {
  readonly name = 'namesrv-client';

  constructor(private readonly ns: NamesrvContext) {}

  processRequest(_ctx: RequestContext, req: RemotingCommand): RemotingCommand {
    const { topic } = decodeGetRouteInfoRequestHeader(req.extFields);
    const route = this.ns.routes.pickupTopicRouteData(topic);
    if (!route) {
      return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${topic}${APPLY_TOPIC_URL}`);
    }
    if (this.ns.config.orderMessageEnable) {
      const conf = this.ns.kv.get(ORDER_TOPIC_CONFIG_NAMESPACE, topic);
      if (conf !== undefined) route.orderTopicConf = conf;
    }
    const res = createResponse(req, ResponseCode.SUCCESS);
    res.body = Buffer.from(encodeTopicRouteData(route), 'utf8');
    return res;
  }
}
