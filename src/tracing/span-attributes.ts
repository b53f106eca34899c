/**
 * Herald's own span attributes (docs/TRACING.md), beside the semantic conventions' stable ones
 * (@opentelemetry/semantic-conventions). The messaging attributes are still incubating in the
 * conventions: their names are copied here, as the package advises, rather than imported.
 */
export const ATTR_HERALD_REQUEST_ID = 'herald.request.id';
export const ATTR_HERALD_JOB_ID = 'herald.job.id';
export const ATTR_HERALD_STREAM_ID = 'herald.stream.id';
export const ATTR_HERALD_STREAM_TYPE = 'herald.stream.type';
export const ATTR_HERALD_STREAM_VERSION = 'herald.stream.version';
export const ATTR_HERALD_EVENT_TYPES = 'herald.event.types';
export const ATTR_HERALD_EVENT_COUNT = 'herald.event.count';
export const ATTR_HERALD_EVENT_TYPE = 'herald.event.type';
export const ATTR_HERALD_FANOUT_PATH = 'herald.fanout.path';
export const ATTR_HERALD_MESSAGE_COUNT = 'herald.message.count';
export const ATTR_HERALD_MESSAGE_ID = 'herald.message.id';
export const ATTR_HERALD_SUBSCRIPTION_ID = 'herald.subscription.id';
export const ATTR_HERALD_ATTEMPT = 'herald.attempt';
export const ATTR_HERALD_ENDPOINT_STATE = 'herald.endpoint.state';
export const ATTR_HERALD_TASK_ID = 'herald.task.id';
export const ATTR_HERALD_NODE_NAME = 'herald.node.name';
export const ATTR_HERALD_STAGE_PHASE = 'herald.stage.phase';
export const ATTR_HERALD_STAGE_CALL = 'herald.stage.call';
export const ATTR_HERALD_PROJECT_ID = 'herald.project.id';

export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
