import { ProcessorTable } from '../../remoting/processor-table';
import { RequestCode } from '../../remoting/request-code';
import type { BrokerContext } from '../broker-context';
import { AdminBrokerProcessor } from './admin-broker';
import { ClientManageProcessor } from './client-manage';
import { ConsumerManageProcessor } from './consumer-manage';
import { PullMessageProcessor } from './pull-message';
import { QueryMessageProcessor } from './query-message';
import { SendMessageProcessor } from './send-message';
import { EndTransactionProcessor } from './end-transaction';
import { ReplyMessageProcessor } from './reply-message';

export interface BrokerProcessors {
  main: ProcessorTable;
  /** The VIP channel (listenPort - 2) serves the same families except pulls (Java: fastRemotingServer). */
  vip: ProcessorTable;
  pull: PullMessageProcessor;
}

/** The one list of request code -> family, as Java's BrokerController#registerProcessor. */
export function registerBrokerProcessors(b: BrokerContext): BrokerProcessors {
  const send = new SendMessageProcessor(b);
  const pull = new PullMessageProcessor(b);
  const query = new QueryMessageProcessor(b);
  const client = new ClientManageProcessor(b);
  const consumer = new ConsumerManageProcessor(b);
  const admin = new AdminBrokerProcessor(b);
  const endTx = new EndTransactionProcessor(b, b.transactions);
  const reply = new ReplyMessageProcessor(b);
  const sendCodes = [RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE, RequestCode.CONSUMER_SEND_MSG_BACK];
  const queryCodes = [RequestCode.QUERY_MESSAGE, RequestCode.VIEW_MESSAGE_BY_ID];
  const clientCodes = [RequestCode.HEART_BEAT, RequestCode.UNREGISTER_CLIENT, RequestCode.CHECK_CLIENT_CONFIG];
  const consumerCodes = [RequestCode.GET_CONSUMER_LIST_BY_GROUP, RequestCode.UPDATE_CONSUMER_OFFSET, RequestCode.QUERY_CONSUMER_OFFSET];
  const build = (withPull: boolean) => {
    const t = new ProcessorTable().register([RequestCode.END_TRANSACTION], endTx).register([RequestCode.SEND_REPLY_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2], reply).register(sendCodes, send).register(queryCodes, query).register(clientCodes, client).register(consumerCodes, consumer).setDefault(admin);
    if (withPull) t.register([RequestCode.PULL_MESSAGE, RequestCode.LITE_PULL_MESSAGE], pull);
    return t;
  };
  return { main: build(true), vip: build(false), pull };
}
