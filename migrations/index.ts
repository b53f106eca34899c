import { EventStore1763800000000 } from './1763800000000-event-store';
import { JobReadModels1763800000001 } from './1763800000001-job-read-models';
import { Webhooks1763800000002 } from './1763800000002-webhooks';
import { Queues1763800000003 } from './1763800000003-queues';
import { Projects1763800000004 } from './1763800000004-projects';
import { PipelinedWrites1763800000005 } from './1763800000005-pipelined-writes';
import { WebhookStages1763800000006 } from './1763800000006-webhook-stages';
import { PipelineTriggers1763800000007 } from './1763800000007-pipeline-triggers';
import { EndpointHealth1763800000020 } from './1763800000020-endpoint-health';
import { AppendCheckPlans1763800000021 } from './1763800000021-append-check-plans';
import { Tenants1763800000030 } from './1763800000030-tenants';
import { Instances1763800000040 } from './1763800000040-instances';
import { ProjectLimits1763800000045 } from './1763800000045-project-limits';
import { MessageCorrelation1763800000050 } from './1763800000050-message-correlation';
import { MetricsIndexes1763800000055 } from './1763800000055-metrics-indexes';
import { MessageTrace1763800000060 } from './1763800000060-message-trace';
import { Retention1763800000070 } from './1763800000070-retention';
import { StreamTokens1763800000075 } from './1763800000075-stream-tokens';
import { TaskReleases1763800000080 } from './1763800000080-task-releases';
import { FailingSince1763800000085 } from './1763800000085-failing-since';
import { StreamHolds1763800000090 } from './1763800000090-stream-holds';
import { StreamWaiters1763800000095 } from './1763800000095-stream-waiters';
import { PendingFanouts1763800000098 } from './1763800000098-pending-fanouts';
import { SigningKeys1763800000100 } from './1763800000100-signing-keys';
import { SearchKindIndexes1763800000105 } from './1763800000105-search-kind-indexes';
import { DeliveryPageIndexes1763800000110 } from './1763800000110-delivery-page-indexes';
import { SigningKeyRing1763800000120 } from './1763800000120-signing-key-ring';
import { MessageEndpoints1763800000125 } from './1763800000125-message-endpoints';
import { StageTrace1763800000126 } from './1763800000126-stage-trace';
import { ConcurrentPipelines1763800000130 } from './1763800000130-concurrent-pipelines';

/** Every migration, in order. Listed explicitly (no globbing) so bundlers and ESM tests see them. */
export const MIGRATIONS = [
  EventStore1763800000000,
  JobReadModels1763800000001,
  Webhooks1763800000002,
  Queues1763800000003,
  Projects1763800000004,
  PipelinedWrites1763800000005,
  WebhookStages1763800000006,
  PipelineTriggers1763800000007,
  EndpointHealth1763800000020,
  AppendCheckPlans1763800000021,
  Tenants1763800000030,
  Instances1763800000040,
  ProjectLimits1763800000045,
  MessageCorrelation1763800000050,
  MetricsIndexes1763800000055,
  MessageTrace1763800000060,
  Retention1763800000070,
  StreamTokens1763800000075,
  TaskReleases1763800000080,
  FailingSince1763800000085,
  StreamHolds1763800000090,
  StreamWaiters1763800000095,
  PendingFanouts1763800000098,
  SigningKeys1763800000100,
  SearchKindIndexes1763800000105,
  DeliveryPageIndexes1763800000110,
  SigningKeyRing1763800000120,
  MessageEndpoints1763800000125,
  StageTrace1763800000126,
  ConcurrentPipelines1763800000130,
];
