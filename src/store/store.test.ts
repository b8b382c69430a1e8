import { test } from 'uvu';
import { defineContract, scenarios } from './store.contract';

for (const flush of ['ASYNC_FLUSH', 'SYNC_FLUSH'] as const) {
  for (const scenario of scenarios(flush)) defineContract(test, scenario);
}

test.run();
