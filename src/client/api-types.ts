// Generated from Herald's OpenAPI document (/docs-json) by `npm run client:generate`. Do not edit.

export interface paths {
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Herald's webhook signing keys as a JWKS (no key needed): verifies the X-Fal-Webhook-Signature of fal webhooks */
        get: operations["SigningKeysController_jwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/signing-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every webhook signing key with its state (current, next, retired, revoked) and times; never a private part */
        get: operations["SigningKeysController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/signing-keys/{kid}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A leaked key leaves the JWKS at once and never signs again (its private part is erased); revoking the current key promotes the next one first, and a new next key is made. Revoking a revoked key again changes nothing. */
        post: operations["SigningKeysController_revoke"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/signing-keys/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The next key signs from now on (every instance at once, within 30 s at worst); the old one stays in the JWKS for 24 h; a new next key is published */
        post: operations["SigningKeysController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Webhook messages, newest first (filters: jobId, status, subscriptionId; paged with cursor) */
        get: operations["DeliveriesController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deliveries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook message with every attempt */
        get: operations["DeliveriesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deliveries/{id}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Attempt one message again now */
        post: operations["DeliveriesController_resend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deliveries/recover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-enqueue every message that failed for good since a time */
        post: operations["DeliveriesController_recover"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The event log as server-sent events, from now on (or right after Last-Event-ID): `event:` the type, `id:` the global position
         * @description A project key gets its own project's events only. Last-Event-ID 0 starts at the beginning of the log.
         */
        get: operations["EventsStreamController_stream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/algorithm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run one algorithm (HKube): a pipeline of one node, both named after the algorithm, submitted as exec/raw submits */
        post: operations["ExecController_algorithm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/auditTrail/{jobId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who ran, stopped, paused, resumed the job, newest first */
        get: operations["ExecQueriesController_auditTrail"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/caching": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a job's pipeline again from one node (HKube): a new job of the same project, named <name>-<nodeName>, in which the node and every node after it run, the nodes they read start completed with the job's results, and the other nodes are left out */
        post: operations["ExecController_caching"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/flowInput/{jobId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The job's flowInput; 404 FLOW_INPUT_NOT_FOUND when it was submitted without one */
        get: operations["ExecQueriesController_flowInput"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List jobs, newest first (filters: status, pipeline; paging: limit, cursor); a project key lists its project's. raw=true: the ids of the unfinished jobs (HKube) */
        get: operations["ExecController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a running job (HKube): its tasks are not handed out until it is resumed; leased tasks may still be reported; stop and ttl still apply */
        post: operations["ExecController_pause"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/pipeline/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The pipelines of the unfinished jobs (a project key: its project's), oldest first, at most 10000 */
        get: operations["ExecQueriesController_runningPipelines"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/pipelines/{jobId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The pipeline of a job as submitted (normalised, secrets masked) */
        get: operations["ExecQueriesController_pipeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/raw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Submit a pipeline; answers { jobId } ("<name>:<uuid>") */
        post: operations["ExecController_submit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/rerun": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a job's pipeline again, as it was submitted (HKube): a new job of the same project, with the original's flowInput, options, priority and webhooks (secrets included) */
        post: operations["ExecController_rerun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/results/{jobId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Results of a finished job (same body as the result webhook); 400 while running */
        get: operations["ExecController_results"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused job (HKube): its tasks are handed out again */
        post: operations["ExecController_resume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search jobs (HKube's search), the filters as query parameters (projectId and kind: Herald's extensions) */
        get: operations["ExecQueriesController_searchGet"];
        put?: never;
        /** Search jobs (HKube's search): by pipelineName, pipelineStatus, algorithmName, datesRange, and Herald's extensions query.projectId and query.kind (pipeline or queue); paged by cursor */
        post: operations["ExecQueriesController_searchPost"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/status/{jobId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Progress of a job (same body as the progress webhook) */
        get: operations["ExecController_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/status/{jobId}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The job's status as server-sent events: at once, then after each new event at or above ?level=, ending after the final one
         * @description Each event is the body of GET /api/v1/exec/status/{jobId} (and of the progress webhook) right after one of the job's events; its id is that event's version. Last-Event-ID resumes right after that version (204 when the job has ended and nothing is left). A comment every HERALD_STREAM_KEEPALIVE_MS while idle. Browsers (EventSource) authenticate with ?token= from POST …/stream-token.
         */
        get: operations["StatusStreamController_stream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/status/{jobId}/stream-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A token for this job's status stream alone (?token=, for EventSource, which sends no headers), valid ten minutes, on every instance */
        post: operations["StatusStreamController_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop a running job, or (HKube's bulk stop, no jobId) every unfinished job of the key's project(s) matching pipelineName, startTime, statusToStop */
        post: operations["ExecController_stop"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/stored": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a stored pipeline: { name, flowInput?, options? } merged over the stored ones */
        post: operations["StoredPipelinesController_run"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exec/tree/{jobId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tree of pipelines a job triggered (HKube). Herald has no pipeline triggers: a job is 404 TRIGGERS_TREE_NOT_FOUND, as in HKube for a job that triggered nothing */
        get: operations["ExecController_tree"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hooks/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a stored pipeline (stored with an admin key) from a webhook (body = flowInput); Standard Webhooks signature when it has a secret */
        post: operations["HooksController_hook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/jobs/{jobId}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The job's event stream, for audit (paged by fromVersion / limit) */
        get: operations["JobEventsController_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the projects by id (paging: limit, cursor): every project with a key, a project or batch webhook, a channel, a routing, a stored pipeline or a job, with its jobs in flight, webhooks, channels, keys and latest job; a project key lists its own project only */
        get: operations["ProjectListController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/batches/{batchId}/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One batch's own webhook with its last call and last error */
        get: operations["ProjectsController_getBatchWebhook"];
        /** Set one batch's webhook (overrides the project's) */
        put: operations["ProjectsController_putBatchWebhook"];
        post?: never;
        /** Remove one batch's webhook (the project's applies again) */
        delete: operations["ProjectsController_deleteBatchWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/channels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The project's notification channels */
        get: operations["ProjectsController_listChannels"];
        put?: never;
        /** Create a notification channel */
        post: operations["ProjectsController_createChannel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/channels/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One notification channel */
        get: operations["ProjectsController_getChannel"];
        put?: never;
        post?: never;
        /** Delete a channel and its routings */
        delete: operations["ProjectsController_deleteChannel"];
        options?: never;
        head?: never;
        /** Change some fields of a channel */
        patch: operations["ProjectsController_patchChannel"];
        trace?: never;
    };
    "/api/v1/projects/{projectId}/channels/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a test notification now and return the attempt */
        post: operations["ProjectsController_testChannel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/hooks/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a project's stored pipeline from a webhook (body = flowInput); Standard Webhooks signature when it has a secret, else a key of the project */
        post: operations["HooksController_projectHook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The project's keys: names, prefixes, scopes, created and last used times (never the keys) */
        get: operations["KeysController_list"];
        put?: never;
        /** Create an API key of the project; the key is answered this once (only its digest is kept) */
        post: operations["KeysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a key: refused at once by this instance, within HERALD_KEY_CACHE_MS (2 s) by every other */
        delete: operations["KeysController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/limits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The project's limits (requests per second, jobs in flight, webhooks) and what it uses */
        get: operations["LimitsController_get"];
        /** Set the project's limits (null: the configured default, 0: no limit); applies within HERALD_KEY_CACHE_MS on every instance */
        put: operations["LimitsController_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/routings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The project's routings */
        get: operations["ProjectsController_listRoutings"];
        put?: never;
        /** Route an event type to a channel */
        post: operations["ProjectsController_createRouting"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/routings/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a routing */
        delete: operations["ProjectsController_deleteRouting"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{projectId}/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The project's webhook with its last call and last error */
        get: operations["ProjectsController_getProjectWebhook"];
        /** Set the webhook of every batch of the project (batches with their own webhook excepted) */
        put: operations["ProjectsController_putProjectWebhook"];
        post?: never;
        /** Remove the project's webhook */
        delete: operations["ProjectsController_deleteProjectWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the named queues by name (paging: limit, cursor): every queue with settings or an unfinished request, its settings and its pending and active requests; a project key counts and finds its project's requests only */
        get: operations["QueueListController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/queues/{queueName}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retry and lease settings of a queue */
        get: operations["QueueSettingsController_get"];
        /** Set retry limit, retry delay/backoff and default lease of a queue (applies to new requests, every project's: admin keys only) */
        put: operations["QueueSettingsController_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/store/pipelines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List stored pipelines: a project key its project's, an admin key every project's (filter: projectId) */
        get: operations["StoredPipelinesController_list"];
        put?: never;
        /** Store a pipeline by name (an exec/raw body, optionally with triggers.webhook) */
        post: operations["StoredPipelinesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/store/pipelines/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One stored pipeline */
        get: operations["StoredPipelinesController_get"];
        /** Replace a stored pipeline */
        put: operations["StoredPipelinesController_replace"];
        post?: never;
        /** Delete a stored pipeline */
        delete: operations["StoredPipelinesController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every subscription Herald would deliver to (filters: projectId, jobId, status=active|disabled), with last call / last error, counts (skipped: events it missed while disabled) and its endpoint's health */
        get: operations["SubscriptionsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions/{id}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-enable a disabled subscription (410 Gone, or every attempt failed for HERALD_WEBHOOK_DISABLE_AFTER_DAYS): active again, failingSince and disabledReason cleared; with recoverSince, its messages that failed or were cancelled since then are sent again (enable + recover; recoverSince also needs deliveries:write, else 403 FORBIDDEN_SCOPE) */
        post: operations["SubscriptionsController_enable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** New signing secret; the old one also signs for 24 h (two v1 signatures), or as long as previousSecretValidSeconds says (0: revoked at once) */
        post: operations["SubscriptionsController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/{taskId}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Report the result of a task you hold; with next=true, also take the next pending task of the same algorithm or queue (`next`, null when none) */
        post: operations["TasksController_complete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/{taskId}/fail": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Report a failure; retryable (default) failures go back to pending until retry.limit */
        post: operations["TasksController_fail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/{taskId}/heartbeat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Extend the lease; 409 when the lease expired or the task was stopped */
        post: operations["TasksController_heartbeat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/{taskId}/release": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hand a task you hold back (a worker stopping): pending again at once for any worker, no retry spent */
        post: operations["TasksController_release"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/acquire": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Take up to `max` pending tasks under a lease; an empty list when nothing is pending (with `waitSeconds`, once that time passed without a task) */
        post: operations["TasksController_acquire"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Report many results at once (up to 1000); each is accepted or refused alone, in order in the answer */
        post: operations["TasksController_completeMany"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/list/{jobId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Progress and result webhook deliveries of a job: { jobId, result, progress } */
        get: operations["DeliveriesController_list2"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/results/{jobId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Result webhook delivery of a job */
        get: operations["DeliveriesController_results"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/status/{jobId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Latest progress webhook delivery of a job */
        get: operations["DeliveriesController_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/fal/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The same JWKS under the fal routes (no key needed): the URL a fal receiver uses instead of https://rest.alpha.fal.ai/.well-known/jwks.json */
        get: operations["SigningKeysController_falJwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/fal/queue/{owner}/{app}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Submit a request to the fal endpoint owner/app (any JSON body); ?fal_webhook= for webhooks */
        post: operations["FalQueueController_submit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/fal/queue/{owner}/{app}/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Submit a request to the fal endpoint owner/app/path (e.g. fal-ai/flux/dev): the Herald queue of that name */
        post: operations["FalQueueController_submitPath"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/fal/queue/{owner}/{app}/requests/{requestId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The request's result (200); its error once failed (422) or cancelled (409); 400 while unfinished */
        get: operations["FalQueueController_result"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/fal/queue/{owner}/{app}/requests/{requestId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Cancel a queued or running request: { status: CANCELLATION_REQUESTED } (202); ALREADY_COMPLETED (400) and NOT_FOUND (404) also carry fal's `status` */
        put: operations["FalQueueController_cancel"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/fal/queue/{owner}/{app}/requests/{requestId}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status of a request: 202 while IN_QUEUE or IN_PROGRESS, 200 once COMPLETED */
        get: operations["FalQueueController_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/fal/queue/{owner}/{app}/requests/{requestId}/status/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The status as server-sent events: at once, then after every change, ending after COMPLETED; a comment every 15 s while idle */
        get: operations["FalQueueController_stream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Database reachability (no key needed) */
        get: operations["HealthController_health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness probe: 200 while the process serves HTTP (never asks the database, so a database outage does not restart it) */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness probe: 200 when the database answers, its schema is this build's and the loops run; 503 with the failing checks otherwise */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queue/{queueName}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Submit a request (any JSON body, up to 1 MiB); webhook via ?webhook= or X-Webhook-Url */
        post: operations["QueueController_submit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queue/{queueName}/requests/{jobId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Cancel a queued or acquired request; 409 ALREADY_COMPLETED when finished */
        put: operations["QueueController_cancel"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queue/{queueName}/requests/{jobId}/result": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The worker's result (200); 202 with the status while unfinished; 422/409 when failed/cancelled */
        get: operations["QueueController_result"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/queue/{queueName}/requests/{jobId}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status of a request (times in epoch ms) */
        get: operations["QueueController_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    "exec.progress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Progress of a job
         * @description To webhooks.progress of an exec request, on each event at or above its progressVerbosityLevel; an older progress message may give way to a newer one.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Standard Webhooks message id (msg_<uuid>), when the subscription has a secret */
                    "webhook-id"?: string;
                    /** @description space-separated "v1,<base64 HMAC-SHA256 of <id>.<timestamp>.<body>>"; two during a secret rotation */
                    "webhook-signature"?: string;
                    /** @description epoch seconds of the attempt, when signed */
                    "webhook-timestamp"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["StatusView"];
                };
            };
            responses: {
                /** @description Delivered */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Gone: the subscription is disabled and gets nothing more */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Any other answer, a timeout or a network error: the attempt is retried on the retry schedule */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "exec.result": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Results of a finished job
         * @description To webhooks.result of an exec request, once, when the job completes, fails or stops.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Standard Webhooks message id (msg_<uuid>), when the subscription has a secret */
                    "webhook-id"?: string;
                    /** @description space-separated "v1,<base64 HMAC-SHA256 of <id>.<timestamp>.<body>>"; two during a secret rotation */
                    "webhook-signature"?: string;
                    /** @description epoch seconds of the attempt, when signed */
                    "webhook-timestamp"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ResultsView"];
                };
            };
            responses: {
                /** @description Delivered */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Gone: the subscription is disabled and gets nothing more */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Any other answer, a timeout or a network error: the attempt is retried on the retry schedule */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "fal.result": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A fal request ended
         * @description To the ?fal_webhook= of a request submitted on the fal routes, once it completes, fails or is cancelled (its lifecycle events go to the same URL first). Signed as fal signs it: X-Fal-Webhook-Signature is the hex ED25519 signature of request_id "\n" user_id "\n" timestamp "\n" hex(sha256(raw body)) (the other three X-Fal-Webhook-* headers, one a line), verifiable with any key of Herald's JWKS (/fal/.well-known/jwks.json). The JWKS publishes the next key before it signs: a copy cached up to 24 h, or up to the time between two rotations if less, keeps verifying.
         */
        post: {
            parameters: {
                query?: never;
                header: {
                    /** @description Standard Webhooks message id (msg_<uuid>), when the subscription has a secret */
                    "webhook-id"?: string;
                    /** @description space-separated "v1,<base64 HMAC-SHA256 of <id>.<timestamp>.<body>>"; two during a secret rotation */
                    "webhook-signature"?: string;
                    /** @description epoch seconds of the attempt, when signed */
                    "webhook-timestamp"?: string;
                    /** @description the request's id: the body's request_id */
                    "X-Fal-Webhook-Request-Id": string;
                    /** @description hex of the ED25519 signature (64 bytes) of the UTF-8 message request_id "\n" user_id "\n" timestamp "\n" hex(sha256(raw body)), by a key of the JWKS at /fal/.well-known/jwks.json (or /.well-known/jwks.json); any key of the set may verify it */
                    "X-Fal-Webhook-Signature": string;
                    /** @description unix seconds of the attempt (a retry is signed again); fal's receiver accepts ±300 s around its clock */
                    "X-Fal-Webhook-Timestamp": string;
                    /** @description whose request it is: the request's project id, or herald when it has none */
                    "X-Fal-Webhook-User-Id": string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["FalResultPayload"];
                };
            };
            responses: {
                /** @description Delivered */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Gone: the subscription is disabled and gets nothing more */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Any other answer, a timeout or a network error: the attempt is retried on the retry schedule */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    notification: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A notification
         * @description To a notification channel, for the event types routed to it.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Standard Webhooks message id (msg_<uuid>), when the subscription has a secret */
                    "webhook-id"?: string;
                    /** @description space-separated "v1,<base64 HMAC-SHA256 of <id>.<timestamp>.<body>>"; two during a secret rotation */
                    "webhook-signature"?: string;
                    /** @description epoch seconds of the attempt, when signed */
                    "webhook-timestamp"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["NotificationPayload"];
                };
            };
            responses: {
                /** @description Delivered */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Gone: the subscription is disabled and gets nothing more */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Any other answer, a timeout or a network error: the attempt is retried on the retry schedule */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "project.task": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A task of a project or batch completed
         * @description To the webhook of the project (or of the batch) of the job.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Standard Webhooks message id (msg_<uuid>), when the subscription has a secret */
                    "webhook-id"?: string;
                    /** @description space-separated "v1,<base64 HMAC-SHA256 of <id>.<timestamp>.<body>>"; two during a secret rotation */
                    "webhook-signature"?: string;
                    /** @description epoch seconds of the attempt, when signed */
                    "webhook-timestamp"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ProjectTaskPayload"];
                };
            };
            responses: {
                /** @description Delivered */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Gone: the subscription is disabled and gets nothing more */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Any other answer, a timeout or a network error: the attempt is retried on the retry schedule */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "queue.lifecycle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Lifecycle of a queue request
         * @description To the ?webhook= / X-Webhook-Url of a queue request: acquired, retried, completed, failed, cancelled, in order.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Standard Webhooks message id (msg_<uuid>), when the subscription has a secret */
                    "webhook-id"?: string;
                    /** @description space-separated "v1,<base64 HMAC-SHA256 of <id>.<timestamp>.<body>>"; two during a secret rotation */
                    "webhook-signature"?: string;
                    /** @description epoch seconds of the attempt, when signed */
                    "webhook-timestamp"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["LifecyclePayload"];
                };
            };
            responses: {
                /** @description Delivered */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Gone: the subscription is disabled and gets nothing more */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Any other answer, a timeout or a network error: the attempt is retried on the retry schedule */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        AcquireAnswer: {
            /** @description empty when nothing is pending */
            tasks: components["schemas"]["AcquiredTask"][];
        };
        AcquiredTask: {
            algorithmName: string;
            attempt: number;
            batchID: string | null;
            /** @description the resolved inputs (a queue request: its body) */
            input: unknown;
            jobId: string;
            /** Format: date-time */
            leaseExpiry: string;
            nodeName: string;
            /** Format: uuid */
            taskId: string;
        };
        AcquireRequest: {
            /** @description pipeline tasks of these algorithms */
            algorithmNames?: string[];
            /** @description default: the queue setting, else 30 */
            leaseSeconds?: number;
            /** @default 1 */
            max?: number;
            /** @description requests on these named queues (neither filter: any task) */
            queues?: string[];
            /**
             * @description long poll: when nothing is pending, wait up to this long for a task to become available (answered as soon as one is taken); 0 answers at once
             * @default 0
             */
            waitSeconds?: number;
            /** @example worker-1 */
            workerName: string;
        };
        /**
         * @description HKube's exec/algorithm: a pipeline of one node, both named after the algorithm. flowInput, webhooks, options, priority, projectId, batchId are Herald's, as on exec/raw
         * @example {
         *       "name": "green-alg",
         *       "input": [
         *         1,
         *         "#[1,2]"
         *       ]
         *     }
         */
        AlgorithmRequest: {
            /** @description needs projectId */
            batchId?: string;
            /** @description HKube: run as a debug algorithm. Herald has no debug mode: true is 400 DEBUG_NOT_SUPPORTED */
            debug?: boolean;
            flowInput?: {
                [key: string]: unknown;
            } | null;
            /** @description the node's input, as a node's input on exec/raw (default []) */
            input?: unknown[];
            /**
             * @description the algorithm; also the name of the pipeline and of its one node
             * @example green-alg
             */
            name: string;
            options?: {
                /** @description seconds a started job may run before it is stopped ("pipeline active TTL expired"); null: none */
                activeTtl?: number | null;
                /**
                 * @description % of failed items of a batch node at which the job fails
                 * @default 80
                 */
                batchTolerance?: number;
                concurrentPipelines?: {
                    /** @description unfinished jobs of this pipeline name in the project at most (absent: no limit) */
                    amount?: number;
                    /**
                     * @description true: refused over the limit (400 CONCURRENT_PIPELINES_LIMIT); false: accepted, waits until a job of the pipeline ends
                     * @default true
                     */
                    rejectOnFailure?: boolean;
                };
                /**
                 * @default info
                 * @enum {string}
                 */
                progressVerbosityLevel?: "trace" | "debug" | "info" | "warn" | "error" | "critical";
                /**
                 * @description seconds until an unfinished job is stopped (0: the longest, 30 days)
                 * @default 3600
                 */
                ttl?: number;
            };
            /**
             * @description 1 is the most urgent
             * @default 3
             */
            priority?: number;
            projectId?: string;
            webhooks?: {
                headers?: {
                    [key: string]: string;
                };
                /**
                 * Format: uri
                 * @description http(s); receives the status view on every event at or above progressVerbosityLevel
                 */
                progress?: string;
                /**
                 * Format: uri
                 * @description http(s); receives the results view once
                 */
                result?: string;
                /** @description whsec_<base64, at least 16 bytes>: sign deliveries (Standard Webhooks) */
                secret?: string;
            };
        };
        AttemptView: {
            attempt: number;
            /** Format: date-time */
            attemptedAt: string;
            durationMs: number;
            /** @description healthy, degraded (made under a reduced limit) or probe (the one request testing an open endpoint) */
            endpointState: string;
            errorCode: string | null;
            nextAttemptAt: string | null;
            outcome: string;
            responseBody: string | null;
            statusCode: number | null;
            statusMessage: string | null;
            url: string;
        };
        AuditEntry: {
            /** @enum {string} */
            action: "run" | "stop" | "pause" | "resume";
            /** @description ms since the epoch */
            timestamp: number;
            /**
             * @description the actor of the event: key:<keyId> (a project key), api (an admin key), trigger:webhook:<name> (a stored pipeline's webhook), herald:ttl-sweeper (ttl expired)
             * @example key:7d3c1f0e-3c55-4c1b-9a4e-2f5c0a9d1e11
             */
            user: string;
        };
        /** @description newest first */
        AuditTrail: components["schemas"]["AuditEntry"][];
        /** @description HKube's caching run: the job's pipeline again from one node, the nodes before it taken completed with the job's results */
        CachingRequest: {
            /** @description HKube: run the node as a debug algorithm. Herald has no debug mode: true is 400 DEBUG_NOT_SUPPORTED */
            debug?: boolean;
            /**
             * @description the job
             * @example batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10
             */
            jobId: string;
            /**
             * @description the node to run from (it and every node after it run again)
             * @example yellow
             */
            nodeName: string;
        };
        CancelledRequest: {
            jobId: number;
            queueName: string;
            /** @constant */
            status: "cancelled";
        };
        ChannelList: {
            channels: components["schemas"]["ChannelView"][];
        };
        /** @description The fields to change */
        ChannelPatch: {
            /** @description sent with every notification */
            headers?: {
                [key: string]: string;
            };
            name?: string;
            /** @description whsec_<base64, at least 16 bytes>: Standard Webhooks signing secret (never shown back) */
            secret?: string;
            /**
             * Format: uri
             * @description http or https
             */
            url?: string;
        };
        ChannelRequest: {
            /** @description sent with every notification */
            headers?: {
                [key: string]: string;
            };
            name: string;
            /** @description whsec_<base64, at least 16 bytes>: Standard Webhooks signing secret (never shown back) */
            secret?: string;
            /**
             * Format: uri
             * @description http or https
             */
            url: string;
        };
        ChannelTestAttempt: {
            attempt: number;
            /** Format: date-time */
            attemptedAt: string;
            deliveryId: string;
            durationMs: number;
            errorCode: string | null;
            /** @enum {string} */
            outcome: "delivered" | "failed";
            responseBody: string | null;
            statusCode: number | null;
            statusMessage: string | null;
            url: string;
        };
        ChannelView: {
            /** @description the event types routed to it */
            events: string[];
            hasSecret: boolean;
            /** @description values masked but for their last 4 characters */
            headers: {
                [key: string]: string;
            };
            /** Format: uuid */
            id: string;
            name: string | null;
            projectId: string;
            /** @enum {string} */
            status: "active" | "disabled";
            url: string;
        };
        CompleteManyAnswer: {
            /** @description in the request's order; each accepted or refused alone */
            tasks: ({
                jobId: string;
                /** @constant */
                state: "succeed";
                taskId: string;
            } | {
                error: {
                    code: string;
                    details?: unknown;
                    message: string;
                };
                taskId: string;
            })[];
        };
        CompleteManyRequest: {
            /** @description no task twice */
            tasks: {
                /** @description the attempt given at acquire (fences a re-acquired task) */
                attempt?: number;
                result?: unknown;
                /** Format: uuid */
                taskId: string;
            }[];
            /** @example worker-1 */
            workerName: string;
        };
        CompleteRequest: {
            /** @description the attempt given at acquire (fences a re-acquired task) */
            attempt?: number;
            /** @description any JSON value (default null) */
            result?: unknown;
            /** @example worker-1 */
            workerName: string;
        };
        CreatedKey: {
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            id: string;
            /**
             * @description the key: shown this once, only its SHA-256 digest is kept
             * @example hk_3f9aK2bQ…
             */
            key: string;
            /** @description recorded at most once a minute */
            lastUsedAt: string | null;
            name: string;
            /**
             * @description the first characters of the key, to tell keys apart
             * @example hk_3f9aK2bQ
             */
            prefix: string;
            projectId: string;
            scopes: ("jobs:write" | "jobs:read" | "workers" | "webhooks:manage" | "deliveries:read" | "deliveries:write")[];
        };
        DeliveryDetail: {
            attemptLog: components["schemas"]["AttemptView"][];
            attempts: number;
            /** Format: date-time */
            createdAt: string;
            deliveredAt: string | null;
            eventPosition: number;
            eventType: string;
            /** Format: uuid */
            id: string;
            jobId: string;
            /** @enum {string} */
            kind: "exec.progress" | "exec.result" | "queue.lifecycle" | "fal.result" | "project.task" | "notification";
            lastError: string | null;
            lastStatusCode: number | null;
            nextAttemptAt: string | null;
            /** @description the body sent */
            payload: unknown;
            /** @enum {string} */
            status: "pending" | "retrying" | "delivered" | "failed" | "superseded" | "cancelled";
            subscriptionId: string;
            supersededBy: string | null;
            /** Format: date-time */
            updatedAt: string;
            url: string;
        };
        DeliveryList: {
            deliveries: components["schemas"]["DeliveryView"][];
            /** @description pass it as cursor for the next page (opaque); null on the last page */
            nextCursor: string | null;
        };
        DeliveryView: {
            attempts: number;
            /** Format: date-time */
            createdAt: string;
            deliveredAt: string | null;
            eventPosition: number;
            eventType: string;
            /** Format: uuid */
            id: string;
            jobId: string;
            /** @enum {string} */
            kind: "exec.progress" | "exec.result" | "queue.lifecycle" | "fal.result" | "project.task" | "notification";
            lastError: string | null;
            lastStatusCode: number | null;
            nextAttemptAt: string | null;
            /** @description the body sent */
            payload: unknown;
            /** @enum {string} */
            status: "pending" | "retrying" | "delivered" | "failed" | "superseded" | "cancelled";
            subscriptionId: string;
            supersededBy: string | null;
            /** Format: date-time */
            updatedAt: string;
            url: string;
        };
        EnabledSubscription: {
            counts: {
                delivered: number;
                failed: number;
                pending: number;
                /** @description events it missed while disabled */
                skipped: number;
            };
            /** Format: date-time */
            createdAt: string;
            disabledAt: string | null;
            disabledReason: string | null;
            eventTypes: string[] | null;
            /** @description the first failed attempt after its last successful one (null while its last attempt succeeded); a failed attempt HERALD_WEBHOOK_DISABLE_AFTER_DAYS after it disables the subscription */
            failingSince: string | null;
            /**
             * @description the payload it receives (see webhooks)
             * @enum {string}
             */
            format: "exec.progress" | "exec.result" | "queue.lifecycle" | "fal.result" | "project.task" | "notification";
            hasSecret: boolean;
            /** @description values masked but for their last 4 characters */
            headers: {
                [key: string]: string;
            };
            health: {
                concurrency: number | null;
                consecutiveFailures: number;
                lastError: string | null;
                /** @description the subscription's own attempts of the last hour (not the endpoint's) */
                lastHour: {
                    attempts: number;
                    /** @description answered 2xx */
                    succeeded: number;
                    /** @description succeeded / attempts, from 0 to 1; null without attempts */
                    successRate: number | null;
                };
                retryAt: string | null;
                /**
                 * @description degraded: fewer attempts at once; open: paused until retryAt
                 * @enum {string}
                 */
                state: "healthy" | "degraded" | "open";
            };
            /** Format: uuid */
            id: string;
            lastCall: unknown;
            lastError: unknown;
            minLevel: string;
            name: string | null;
            previousSecretExpiresAt: string | null;
            /** @description with recoverSince: the messages queued again (as POST /api/v1/deliveries/recover answers); else null */
            recovered: {
                deliveryIds: string[];
                recovered: number;
            } | null;
            /** @enum {string} */
            scope: "job" | "project" | "batch" | "channel";
            /** @description jobId, projectId, "<projectId>/<batchId>", or the projectId of a channel */
            scopeId: string;
            /** @enum {string} */
            status: "active" | "disabled";
            /** Format: date-time */
            updatedAt: string;
            url: string;
        };
        EnableRequest: {
            /**
             * Format: date-time
             * @description also send again its messages that failed, or were cancelled by the disabling, since then (needs deliveries:write)
             */
            recoverSince?: string;
        };
        /** @description Every error Herald answers */
        ErrorEnvelope: {
            /** @description on the /fal routes only: the message again, where fal's clients read it */
            detail?: string;
            error: {
                /**
                 * @description stable, machine-readable
                 * @example VALIDATION_FAILED
                 */
                code: string;
                /** @description VALIDATION_FAILED: one { path, message } per bad field; other codes: facts about the refusal */
                details?: {
                    message: string;
                    /** @description the field, e.g. `tasks[0].taskId`; empty for the body itself */
                    path: string;
                }[] | {
                    [key: string]: unknown;
                };
                /** @description for people; may change */
                message: string;
            };
            /**
             * @description the fal cancel route only: fal's answer
             * @enum {string}
             */
            status?: "ALREADY_COMPLETED" | "NOT_FOUND";
        };
        FailRequest: {
            /** @description the attempt given at acquire (fences a re-acquired task) */
            attempt?: number;
            /** @description a message string or an object */
            error: unknown;
            /**
             * @description false: fail the task now, whatever its retry limit
             * @default true
             */
            retryable?: boolean;
            /** @example worker-1 */
            workerName: string;
        };
        FalCancelAnswer: {
            /** @constant */
            status: "CANCELLATION_REQUESTED";
        };
        FalQueued: {
            /** Format: uri */
            cancel_url: string;
            gateway_request_id: string;
            /** @description requests ahead of this one */
            queue_position: number;
            /** @description the Herald request id (the same as on /queue/{queueName}) */
            request_id: string;
            /** Format: uri */
            response_url: string;
            /** @constant */
            status: "IN_QUEUE";
            /** Format: uri */
            status_url: string;
        };
        /** @description The worker's result, as it sent it */
        FalResult: unknown;
        /** @description fal's webhook body, once, when a request submitted on /fal/queue/... with ?fal_webhook= ends (after its lifecycle events). */
        FalResultPayload: {
            /** @description ERROR: what went wrong */
            error: string | null;
            /** @description the same as request_id */
            gateway_request_id: string;
            /** @description OK: the worker's result; ERROR: { detail: <the worker's error> }, or null when cancelled */
            payload: unknown;
            request_id: string;
            /** @enum {string} */
            status: "OK" | "ERROR";
        };
        FalStatusView: {
            /** Format: uri */
            cancel_url: string;
            /** @description COMPLETED without success: what went wrong */
            error?: string;
            /** @enum {string} */
            error_type?: "request_failed" | "request_cancelled";
            /** @description with ?logs=1 */
            logs?: {
                /** @enum {string} */
                level: "INFO" | "WARN" | "ERROR";
                message: string;
                /** @constant */
                source: "herald";
                /** Format: date-time */
                timestamp: string;
            }[];
            /** @description COMPLETED only */
            metrics?: {
                /** @description seconds from acquisition to the end */
                inference_time: number | null;
            };
            /** @description IN_QUEUE only */
            queue_position?: number;
            /** @description the Herald request id (the same as on /queue/{queueName}) */
            request_id: string;
            /** Format: uri */
            response_url: string;
            /**
             * @description a failed or cancelled request is COMPLETED too (its result is the error)
             * @enum {string}
             */
            status: "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED";
            /** Format: uri */
            status_url: string;
        };
        /**
         * @description the job's flowInput
         * @example {
         *       "addInput": [
         *         2
         *       ]
         *     }
         */
        FlowInput: {
            [key: string]: unknown;
        };
        HealthAnswer: {
            /** @constant */
            database: "up";
            /** @constant */
            status: "ok";
        };
        HeartbeatAnswer: {
            /** Format: date-time */
            leaseExpiry: string;
        };
        HeartbeatRequest: {
            /** @description the attempt given at acquire (fences a re-acquired task) */
            attempt?: number;
            /** @description default: the task's lease */
            leaseSeconds?: number;
            /** @example worker-1 */
            workerName: string;
        };
        /** @description The run started (or, for a webhook-id seen within 24 h, the first run) */
        HookAnswer: {
            jobId: string;
            /** Format: uri */
            statusUrl: string;
        };
        /** @description Any JSON: the run's flowInput is this body, or the object at the trigger's flowInputPath */
        HookRequestBody: unknown;
        JobEvents: {
            events: {
                /** Format: date-time */
                createdAt: string;
                data: unknown;
                globalPosition: number;
                level: string;
                /** @description actor, correlationId, causationId, level */
                metadata: unknown;
                /** @example task.succeeded */
                type: string;
                version: number;
            }[];
            jobId: string;
            nextVersion: number | null;
        };
        JobList: {
            jobs: components["schemas"]["StatusView"][];
            nextCursor: string | null;
        };
        Jwks: {
            /** @description the current key first, then the next key (it signs after the next rotation), then keys retired less than 24 h ago (they still verify); never a revoked key */
            keys: components["schemas"]["SigningJwk"][];
        };
        KeyList: {
            keys: components["schemas"]["KeyView"][];
        };
        KeyRequest: {
            name: string;
            /** @description what the key may do; default: every scope */
            scopes?: ("jobs:write" | "jobs:read" | "workers" | "webhooks:manage" | "deliveries:read" | "deliveries:write")[];
        };
        /** @description A project key as listed: never the key itself */
        KeyView: {
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            id: string;
            /** @description recorded at most once a minute */
            lastUsedAt: string | null;
            name: string;
            /**
             * @description the first characters of the key, to tell keys apart
             * @example hk_3f9aK2bQ
             */
            prefix: string;
            projectId: string;
            scopes: ("jobs:write" | "jobs:read" | "workers" | "webhooks:manage" | "deliveries:read" | "deliveries:write")[];
        };
        /** @description A queue request's lifecycle (seed 001). completed also carries the result's top-level fields (the lifecycle fields win). */
        LifecyclePayload: {
            /** @description epoch milliseconds */
            acquiredAt: number | null;
            /** @description failed */
            error?: unknown;
            /** @enum {string} */
            eventType: "acquired" | "retried" | "completed" | "failed" | "cancelled";
            /** @description the request id */
            jobId: number | string;
            /** @description epoch milliseconds */
            leaseExpiry: number | null;
            queueName: string;
            /** @description completed with a result that is not an object */
            result?: unknown;
            /** @description epoch milliseconds */
            updatedAt: number | null;
            webhookUrl: string;
            workerName: string | null;
        } & {
            [key: string]: unknown;
        };
        LimitsRequest: {
            /** @description unfinished jobs and queue requests; 0: no limit; null or absent: the configured default */
            maxJobsInFlight?: number | null;
            /** @description project and batch webhooks and channels; 0: no limit; null or absent: the configured default */
            maxSubscriptions?: number | null;
            /** @description requests per second of the project, all instances together (each takes its share); 0: no limit; null or absent: the configured default */
            requestsPerSecond?: number | null;
        };
        LimitsView: {
            /** @description which of them are the configured defaults */
            defaults: ("requestsPerSecond" | "maxJobsInFlight" | "maxSubscriptions")[];
            /** @description what applies (0: no limit) */
            limits: {
                maxJobsInFlight: number;
                maxSubscriptions: number;
                requestsPerSecond: number;
            };
            /** @description this instance's share of the rate */
            perInstance: {
                liveInstances: number;
                requestsPerSecond: number;
            };
            projectId: string;
            /** @description what the project uses now (counted up to its limit) */
            usage: {
                jobsInFlight: number;
                subscriptions: number;
            };
        };
        LiveAnswer: {
            /** @constant */
            status: "ok";
        };
        MessageAnswer: {
            /** @constant */
            message: "OK";
        };
        /** @description A notification routed to a channel (seed 002) */
        NotificationPayload: {
            /** @description Markdown with a link to the job */
            body: string;
            /** @description flat herald.-prefixed keys: herald.event-type, herald.job-id, herald.status, herald.count-<state>, … */
            data: {
                [key: string]: unknown;
            };
            project: string | null;
            /** @example Job finished: batch/batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10 (failed) */
            title: string;
            /**
             * @description the event with an underscore: job_completed, task_failed, delivery_exhausted, subscription_disabled, test
             * @example job_failed
             */
            type: string;
            /** @description the job's status path (a delivery's path for delivery_exhausted, the project's disabled subscriptions for subscription_disabled) */
            url: string;
        };
        /** @description HKube's paused */
        PauseRequest: {
            /** @description the job (404 JOB_NOT_FOUND, 409 when it cannot be paused) */
            jobId: string;
        };
        /** @description the unfinished jobs, oldest first */
        PipelineList: components["schemas"]["PipelineView"][];
        /**
         * @description A pipeline of nodes (HKube's exec/raw format). Validated by HKube's rules (docs/API.md): bad names, expressions, unknown or cyclic references are 400, `message` in HKube's wording and each path in details; unknown fields are 400 too. Numeric strings are coerced to numbers where HKube coerces.
         * @example {
         *       "name": "batch",
         *       "nodes": [
         *         {
         *           "nodeName": "green",
         *           "algorithmName": "green-alg",
         *           "input": [
         *             "#[1...10]"
         *           ]
         *         },
         *         {
         *           "nodeName": "yellow",
         *           "algorithmName": "yellow-alg",
         *           "input": [
         *             "@green"
         *           ]
         *         }
         *       ]
         *     }
         */
        PipelineRequest: {
            /** @description needs projectId */
            batchId?: string;
            /** @description HKube field, accepted and ignored */
            description?: string;
            /** @description HKube field, accepted and ignored */
            experimentName?: string;
            flowInput?: {
                [key: string]: unknown;
            } | null;
            /**
             * @description "stream" is refused (STREAMING_NOT_SUPPORTED)
             * @constant
             */
            kind?: "batch";
            /** @example batch */
            name: string;
            nodes: ({
                /** @example green-alg */
                algorithmName: string;
                /**
                 * @description how batch inputs combine: indexed (zipped, default) or cartesian
                 * @enum {string}
                 */
                batchOperation?: "indexed" | "cartesian";
                /** @description HKube field, accepted and ignored */
                includeInResult?: unknown;
                /**
                 * @description literals, "#[1,2,3]" / "#[1...5]" / "#[1,2,1...10,hello]" batches, "@flowInput.a", "#@flowInput.list", "@node", "@node.path", "#@node", "*@node", "*#@node"; also nested in objects and arrays
                 * @example [
                 *       "#[1,2,3]"
                 *     ]
                 * @example [
                 *       "@green"
                 *     ]
                 * @example [
                 *       {
                 *         "a": "@flowInput.x",
                 *         "b": [
                 *           "#@flowInput.list"
                 *         ]
                 *       }
                 *     ]
                 */
                input?: unknown[];
                /**
                 * @description HKube's default node kind
                 * @constant
                 */
                kind?: "algorithm";
                /** @description HKube field, accepted and ignored */
                metrics?: unknown;
                /** @example green */
                nodeName: string;
                retry?: {
                    /**
                     * @description doubles the delay per attempt
                     * @default false
                     */
                    backoff?: boolean;
                    /** @default 0 */
                    delaySeconds?: number;
                    /**
                     * @description retries after the first attempt
                     * @default 3
                     */
                    limit?: number;
                };
                /** @description HKube field, accepted and ignored */
                ttl?: unknown;
            } | {
                /**
                 * @description how batch inputs combine: indexed (zipped, default) or cartesian
                 * @enum {string}
                 */
                batchOperation?: "indexed" | "cartesian";
                /** @description HKube field, accepted and ignored */
                includeInResult?: unknown;
                /**
                 * @description literals, "#[1,2,3]" / "#[1...5]" / "#[1,2,1...10,hello]" batches, "@flowInput.a", "#@flowInput.list", "@node", "@node.path", "#@node", "*@node", "*#@node"; also nested in objects and arrays
                 * @example [
                 *       "#[1,2,3]"
                 *     ]
                 * @example [
                 *       "@green"
                 *     ]
                 * @example [
                 *       {
                 *         "a": "@flowInput.x",
                 *         "b": [
                 *           "#@flowInput.list"
                 *         ]
                 *       }
                 *     ]
                 */
                input?: unknown[];
                /** @constant */
                kind: "webhook";
                /** @description HKube field, accepted and ignored */
                metrics?: unknown;
                /** @example hook */
                nodeName: string;
                /** @description HKube field, accepted and ignored */
                ttl?: unknown;
                webhook: components["schemas"]["WebhookStage"];
            })[];
            options?: {
                /** @description seconds a started job may run before it is stopped ("pipeline active TTL expired"); null: none */
                activeTtl?: number | null;
                /**
                 * @description % of failed items of a batch node at which the job fails
                 * @default 80
                 */
                batchTolerance?: number;
                concurrentPipelines?: {
                    /** @description unfinished jobs of this pipeline name in the project at most (absent: no limit) */
                    amount?: number;
                    /**
                     * @description true: refused over the limit (400 CONCURRENT_PIPELINES_LIMIT); false: accepted, waits until a job of the pipeline ends
                     * @default true
                     */
                    rejectOnFailure?: boolean;
                };
                /**
                 * @default info
                 * @enum {string}
                 */
                progressVerbosityLevel?: "trace" | "debug" | "info" | "warn" | "error" | "critical";
                /**
                 * @description seconds until an unfinished job is stopped (0: the longest, 30 days)
                 * @default 3600
                 */
                ttl?: number;
            };
            /**
             * @description 1 is the most urgent
             * @default 3
             */
            priority?: number;
            projectId?: string;
            /** @description HKube field, accepted and ignored */
            tags?: string[];
            webhooks?: {
                headers?: {
                    [key: string]: string;
                };
                /**
                 * Format: uri
                 * @description http(s); receives the status view on every event at or above progressVerbosityLevel
                 */
                progress?: string;
                /**
                 * Format: uri
                 * @description http(s); receives the results view once
                 */
                result?: string;
                /** @description whsec_<base64, at least 16 bytes>: sign deliveries (Standard Webhooks) */
                secret?: string;
            };
        };
        /** @description GET /api/v1/exec/pipelines/{jobId}: the pipeline of a job, as normalised at submission, its secrets masked */
        PipelineView: {
            batchId?: string;
            /** @constant */
            experimentName: "main";
            flowInput?: {
                [key: string]: unknown;
            };
            jobId: string;
            /** @description batch (a pipeline) or queue (a queue request) */
            kind: string;
            name: string;
            /** @description the normalised nodes (defaults filled in, webhook stages' header values masked) */
            nodes: {
                [key: string]: unknown;
            }[];
            options: {
                [key: string]: unknown;
            };
            priority: number;
            projectId?: string;
            /** @description a caching run (exec/caching): the first job of its chain, HKube's rootJobId */
            rootJobId?: string;
            /** @description submission time, ms since the epoch */
            startTime: number;
            /** @description secret and header values masked */
            webhooks?: {
                [key: string]: unknown;
            };
        };
        ProjectList: {
            /** @description pass it as cursor for the next page; null on the last page */
            nextCursor: string | null;
            /** @description by projectId: every project with a key, a webhook, a channel, a routing, a stored pipeline or a job (a project key: its own) */
            projects: components["schemas"]["ProjectListing"][];
        };
        ProjectListing: {
            /** @description its notification channels */
            channels: number;
            /** @description its unfinished (pending, active, paused) jobs and queue requests */
            jobsInFlight: number;
            /** @description its API keys */
            keys: number;
            /** @description when its latest job or queue request was submitted; null: none */
            lastJobAt: string | null;
            projectId: string;
            /** @description its project webhook and its batches' webhooks (disabled ones too) */
            webhooks: number;
        };
        /** @description A task of a job in the project or batch completed (seed 003) */
        ProjectTaskPayload: {
            batchId: string | null;
            projectId: string | null;
            taskId: string | null;
            /** @description the task's node name */
            type: string | null;
            /** @description the jobId */
            workflowId: string;
        };
        ProjectWebhookRequest: {
            /** @description sent as the Authorization header */
            header?: string | null;
            /**
             * Format: uri
             * @description http or https
             */
            url: string;
        };
        ProjectWebhookView: {
            disabledAt: string | null;
            disabledReason: string | null;
            /** @description every attempt has failed since then (disabled after HERALD_WEBHOOK_DISABLE_AFTER_DAYS); null after a 2xx or a PUT */
            failingSince: string | null;
            /** @description masked but for its last 4 characters */
            header: string | null;
            /** @description { statusCode, message, date } of the last call, or null */
            lastCall: unknown;
            /** @description { statusCode, message, body, date } of the last failed call, or null */
            lastError: unknown;
            /** @description events it missed while disabled */
            skippedEvents: number;
            /** @enum {string} */
            status: "active" | "disabled";
            /** Format: date-time */
            updatedAt: string;
            url: string;
        };
        QueuedRequest: {
            /** Format: uri */
            cancelUrl: string;
            jobId: number;
            queueName: string;
            /** Format: uri */
            resultUrl: string;
            /** @constant */
            status: "queued";
            /** Format: uri */
            statusUrl: string;
        };
        QueueList: {
            /** @description pass it as cursor for the next page; null on the last page */
            nextCursor: string | null;
            /** @description by queueName: every queue with settings or with an unfinished request (the defaults shown until set) */
            queues: components["schemas"]["QueueListing"][];
        };
        QueueListing: {
            /** @description requests held by a worker (a project key: its project's only) */
            active: number;
            leaseSeconds: number;
            /** @description requests waiting for a worker (a project key: its project's only) */
            pending: number;
            queueName: string;
            retryBackoff: boolean;
            retryDelaySeconds: number;
            retryLimit: number;
        };
        /**
         * @description Any JSON value (up to 1 MiB): the input of the task
         * @example {
         *       "prompt": "a lighthouse at dusk"
         *     }
         */
        QueueRequestBody: unknown;
        QueueSettings: {
            leaseSeconds: number;
            queueName: string;
            retryBackoff: boolean;
            retryDelaySeconds: number;
            retryLimit: number;
        };
        /** @description The fields to change; they apply to requests submitted afterwards */
        QueueSettingsRequest: {
            /** @description the lease of a task when the worker asks for none (default 30) */
            leaseSeconds?: number;
            /** @description doubles the delay per attempt (default false) */
            retryBackoff?: boolean;
            /** @description default 0 */
            retryDelaySeconds?: number;
            /** @description retries after the first attempt (default 3) */
            retryLimit?: number;
        };
        ReadyAnswer: {
            checks: {
                /** @enum {string} */
                database: "up" | "down";
                /**
                 * @description fan-out and delivery loops of this instance (off: HERALD_DELIVERY_WORKERS=false)
                 * @enum {string}
                 */
                loops: "running" | "stopped" | "off";
                migrations: {
                    current: boolean;
                    /** @description this build's migrations the database has not run */
                    pending: string[];
                };
            };
            /** @enum {string} */
            status: "ready" | "unavailable";
        };
        RecoverAnswer: {
            deliveryIds: string[];
            recovered: number;
        };
        RecoverRequest: {
            /** @description only this job's messages */
            jobId?: string;
            /** Format: date-time */
            since: string;
        };
        ReleaseRequest: {
            /** @description the attempt given at acquire (fences a re-acquired task) */
            attempt?: number;
            /** @example worker-1 */
            workerName: string;
        };
        ReportAnswer: {
            jobId: string;
            /** @description complete?next=true only: the next task taken, or null */
            next?: components["schemas"]["AcquiredTask"] | null;
            /**
             * @description complete: succeed; fail: pending (to be retried) or failed; release: pending
             * @enum {string}
             */
            state: "pending" | "active" | "succeed" | "failed" | "skipped" | "stopped";
            /** Format: uuid */
            taskId: string;
        };
        /** @description The worker's result, as it sent it */
        RequestResult: unknown;
        RequestStatusView: {
            /** @description epoch milliseconds */
            acquiredAt: number | null;
            attempts: number;
            batchId?: string;
            jobId: number;
            /** @description epoch milliseconds */
            leaseExpiry: number | null;
            /** @description queued only: requests ahead of this one */
            position?: number;
            projectId?: string;
            queueName: string;
            /** @enum {string} */
            status: "queued" | "acquired" | "completed" | "failed" | "cancelled";
            /** @description epoch milliseconds */
            updatedAt: number | null;
            workerName: string | null;
        };
        /** @description HKube's rerun: a new job from the pipeline the job was submitted with */
        RerunRequest: {
            /**
             * @description the job
             * @example batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10
             */
            jobId: string;
        };
        /** @description GET /api/v1/exec/results/{jobId}, and the body of the result webhook: the final nodes' entries */
        ResultsView: {
            data: {
                result: ({
                    algorithmName: string;
                    /** @description "<nodeName>#<1-based index>"; absent without batch input */
                    batchID?: string;
                    /** @description webhook stages */
                    context?: unknown;
                    nodeName: string;
                    result: unknown;
                } | {
                    algorithmName: string;
                    /** @description "<nodeName>#<1-based index>"; absent without batch input */
                    batchID?: string;
                    /** @description webhook stages */
                    context?: unknown;
                    /** @description items that never ran: "task stopped" */
                    error: unknown;
                    nodeName: string;
                })[];
            };
            /** @description a failed job */
            error?: string;
            jobId: string;
            /** @description a failed job: the node whose task failure ended it */
            nodeName?: string;
            pipeline: string;
            /** @description a stopped job */
            reason?: string;
            /** @enum {string} */
            status: "pending" | "active" | "paused" | "completed" | "failed" | "stopped";
            /** Format: date-time */
            timestamp: string;
            /** @description seconds from submission to the end of the job */
            timeTook?: number;
        };
        /** @description HKube's resumed */
        ResumeRequest: {
            /** @description the job (404 JOB_NOT_FOUND, 409 when it cannot be resumed) */
            jobId: string;
        };
        RevokedSigningKey: {
            /** @description the key that signs now (the promoted next key when the current one was revoked) */
            currentKid: string;
            /** @description the revoked key */
            kid: string;
            /** @description the next key now */
            nextKid: string;
            /**
             * @description its state before this revoke; revoked: it was revoked already and nothing changed
             * @enum {string}
             */
            previousState: "current" | "next" | "retired" | "revoked";
            /**
             * Format: date-time
             * @description when it was revoked (the first revoke)
             */
            revokedAt: string;
        };
        RotatedSecret: {
            id: string;
            /** @description the old secret also signs until then */
            previousSecretExpiresAt: string | null;
            /** @description whsec_…, shown once */
            secret: string;
        };
        RotatedSigningKey: {
            /** @description the key that signs from now on */
            kid: string;
            /** @description the new next key: in the JWKS from now on, signing from the next rotation */
            nextKid: string;
            /** @description the key it replaces */
            previousKid: string | null;
            /**
             * Format: date-time
             * @description the previous key stays in the JWKS (so verifies) until then
             */
            previousPublishedUntil: string | null;
        };
        RotateSecretRequest: {
            /** @description how long the old secret also signs (default 86400: a day); 0 revokes it at once (a leaked secret) */
            previousSecretValidSeconds?: number;
        };
        RoutingList: {
            routings: components["schemas"]["RoutingView"][];
        };
        RoutingRequest: {
            /** Format: uuid */
            channelId: string;
            /** @enum {string} */
            event: "job.submitted" | "job.completed" | "job.failed" | "job.stopped" | "task.failed" | "task.retried" | "delivery.exhausted" | "subscription.disabled";
        };
        RoutingView: {
            /** Format: uuid */
            channelId: string;
            /** Format: date-time */
            createdAt: string;
            event: string;
            /** Format: uuid */
            id: string;
            projectId: string;
        };
        SearchAnswer: {
            /** @description pass it as cursor for the next page; null on the last page */
            cursor: string | null;
            hits: components["schemas"]["SearchHit"][];
            /** @example 1.62ms */
            timeTook: string;
        };
        SearchHit: {
            /** @description the job has finished */
            completion: boolean;
            jobId: string;
            pipeline: components["schemas"]["PipelineView"];
            /** @description a finished job: how it ended (its results: GET /exec/results/{jobId}) */
            result?: {
                error?: string;
                pipeline: string;
                reason?: string;
                startTime: number;
                /** @enum {string} */
                status: "pending" | "active" | "paused" | "completed" | "failed" | "stopped";
                timestamp: number;
                timeTook: number;
            };
            status: components["schemas"]["StatusView"];
        };
        /**
         * @description HKube's job search (POST /exec/search); query.projectId and query.kind are Herald's extensions
         * @example {
         *       "query": {
         *         "pipelineName": "batch",
         *         "pipelineStatus": "completed",
         *         "datesRange": {
         *           "from": "2021-05-22T15:00:00",
         *           "to": "2021-06-22T16:00:00"
         *         }
         *       },
         *       "sort": "desc",
         *       "limit": 2
         *     }
         */
        SearchRequest: {
            /** @description the cursor of the previous page */
            cursor?: string;
            /** @description not supported (400 SEARCH_FILTER_NOT_SUPPORTED) */
            exists?: {
                [key: string]: unknown;
            };
            /** @description not supported (400 SEARCH_FILTER_NOT_SUPPORTED) */
            fields?: {
                [key: string]: unknown;
            };
            /** @default 100 */
            limit?: number;
            /** @description not supported (400 SEARCH_FILTER_NOT_SUPPORTED): page with cursor */
            pageNum?: number;
            query?: {
                /** @description jobs with a node of this algorithm */
                algorithmName?: string;
                /** @description submitted within [from, to] */
                datesRange?: {
                    /**
                     * @description UTC unless it names a zone
                     * @example 2021-03-11T14:30:00
                     */
                    from?: string;
                    /**
                     * @description UTC unless it names a zone
                     * @example 2021-03-11T14:30:00
                     */
                    to?: string;
                };
                /** @description Herald has one experiment, "main": another name finds nothing */
                experimentName?: string;
                /**
                 * @description Herald's extension (not HKube's): pipeline (exec/raw, exec/stored, exec/algorithm, a trigger) or queue (a request on a named queue)
                 * @enum {string}
                 */
                kind?: "pipeline" | "queue";
                pipelineName?: string;
                /** @description one job status */
                pipelineStatus?: string;
                /** @description not supported (400 SEARCH_FILTER_NOT_SUPPORTED) */
                pipelineType?: string;
                /** @description Herald's extension (not HKube's): only this project's jobs; a project key naming another project finds none (an empty page) */
                projectId?: string;
            };
            /**
             * @description by submission time
             * @default desc
             * @enum {string}
             */
            sort?: "asc" | "desc";
            /** @description Herald keeps no tags: any tag is 400 SEARCH_FILTER_NOT_SUPPORTED */
            tags?: string[];
        };
        SigningJwk: {
            /** @constant */
            alg: "EdDSA";
            /** @constant */
            crv: "Ed25519";
            /** @description the key's RFC 7638 thumbprint */
            kid: string;
            /** @constant */
            kty: "OKP";
            /** @constant */
            use: "sig";
            /** @description the public key, base64url (32 bytes) */
            x: string;
        };
        SigningKeyList: {
            /** @description current, next, retired (latest first), revoked (latest first); retired keys go 24 h after their retirement, revoked ones stay */
            keys: components["schemas"]["SigningKeyListing"][];
        };
        SigningKeyListing: {
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description when it began to sign (null: it never did)
             */
            currentSince: string | null;
            kid: string;
            /**
             * Format: date-time
             * @description a retired key: until when the JWKS still publishes it
             */
            publishedUntil: string | null;
            /**
             * Format: date-time
             * @description when it stopped signing (or being next)
             */
            retiredAt: string | null;
            /**
             * Format: date-time
             * @description when it was revoked
             */
            revokedAt: string | null;
            /**
             * @description current: signs; next: published, signs after the next rotation; retired: published 24 h after its retirement; revoked: never published again
             * @enum {string}
             */
            state: "current" | "next" | "retired" | "revoked";
        };
        /** @description GET /api/v1/exec/status/{jobId}, and the body of the progress webhook */
        StatusView: {
            batchId?: string;
            data: {
                activeNodes: {
                    algorithmName: string;
                    batch: {
                        /** @description unfinished items (active + pending) */
                        active: number;
                        total: number;
                    };
                    nodeName: string;
                    /** @description a waiting webhook stage's remote progress */
                    progress?: string;
                }[];
                /** @example 36.36% completed, 2 succeed, 2 failed, 2 active, 4 pending, 1 creating */
                details: string;
                /**
                 * @description two decimals; (succeed + failed + skipped) / all entries, where nodes never reached are not done
                 * @example 36.36
                 */
                progress: string;
                /** @description non-zero counts only */
                states: {
                    active?: number;
                    creating?: number;
                    failed?: number;
                    pending?: number;
                    skipped?: number;
                    stopped?: number;
                    succeed?: number;
                };
            };
            /**
             * @description a failed job
             * @example 8/10 (80%) failed tasks, batch tolerance is 80%, error: out of memory
             */
            error?: string;
            /** @description a completed job: seconds from submission to its end */
            grossTimeTook?: number;
            jobId: string;
            /** @enum {string} */
            level: "trace" | "debug" | "info" | "warn" | "error" | "critical";
            /** @description a completed job: seconds from its start by a worker to its end */
            netTimeTook?: number;
            /** @description a failed job: the node whose task failure ended it */
            nodeName?: string;
            pipeline: string;
            projectId?: string;
            /**
             * @description a stopped job
             * @example stopped due to request
             */
            reason?: string;
            /** @enum {string} */
            status: "pending" | "active" | "paused" | "completed" | "failed" | "stopped";
            /**
             * Format: date-time
             * @description of the event that produced this state
             */
            timestamp: string;
        };
        StopAnswer: {
            stoppedJobIds: string[];
        };
        /** @description HKube's stop: a jobId, or criteria (pipelineName, startTime, statusToStop) naming the unfinished jobs to stop; at least one of them */
        StopRequest: {
            /** @description one job (404 JOB_NOT_FOUND, 409 when finished); without it: every unfinished job of the key's project(s) that the other fields match */
            jobId?: string;
            pipelineName?: string;
            reason?: string;
            /** @description submitted within [from, to] */
            startTime?: {
                /**
                 * @description UTC unless it names a zone
                 * @example 2021-03-11T14:30:00
                 */
                from?: string;
                /**
                 * @description UTC unless it names a zone
                 * @example 2021-03-11T14:30:00
                 */
                to?: string;
            };
            /** @description default active, pending, paused */
            statusToStop?: string | string[];
        };
        StoredPipeline: {
            /** Format: date-time */
            createdAt?: string;
            /** @description the exec/raw body, as submitted, its secrets masked (webhooks.secret as "whsec_…", header values but their last 4 characters) */
            definition: {
                [key: string]: unknown;
            };
            name: string;
            /** @description the project whose key stored it (absent: stored with an admin key) */
            projectId?: string;
            triggers?: {
                webhook?: {
                    flowInputPath?: string;
                    /** @description shown as "whsec_…" */
                    secret?: string;
                };
            };
            /** Format: date-time */
            updatedAt?: string;
        };
        StoredPipelineList: {
            pipelines: components["schemas"]["StoredPipeline"][];
        };
        /** @description As StoredPipelineRequest; a name, when given, must be the one in the path */
        StoredPipelineReplace: {
            /** @description needs projectId */
            batchId?: string;
            /** @description HKube field, accepted and ignored */
            description?: string;
            /** @description HKube field, accepted and ignored */
            experimentName?: string;
            flowInput?: {
                [key: string]: unknown;
            } | null;
            /**
             * @description "stream" is refused (STREAMING_NOT_SUPPORTED)
             * @constant
             */
            kind?: "batch";
            /** @example batch */
            name?: string;
            nodes: ({
                /** @example green-alg */
                algorithmName: string;
                /**
                 * @description how batch inputs combine: indexed (zipped, default) or cartesian
                 * @enum {string}
                 */
                batchOperation?: "indexed" | "cartesian";
                /** @description HKube field, accepted and ignored */
                includeInResult?: unknown;
                /**
                 * @description literals, "#[1,2,3]" / "#[1...5]" / "#[1,2,1...10,hello]" batches, "@flowInput.a", "#@flowInput.list", "@node", "@node.path", "#@node", "*@node", "*#@node"; also nested in objects and arrays
                 * @example [
                 *       "#[1,2,3]"
                 *     ]
                 * @example [
                 *       "@green"
                 *     ]
                 * @example [
                 *       {
                 *         "a": "@flowInput.x",
                 *         "b": [
                 *           "#@flowInput.list"
                 *         ]
                 *       }
                 *     ]
                 */
                input?: unknown[];
                /**
                 * @description HKube's default node kind
                 * @constant
                 */
                kind?: "algorithm";
                /** @description HKube field, accepted and ignored */
                metrics?: unknown;
                /** @example green */
                nodeName: string;
                retry?: {
                    /**
                     * @description doubles the delay per attempt
                     * @default false
                     */
                    backoff?: boolean;
                    /** @default 0 */
                    delaySeconds?: number;
                    /**
                     * @description retries after the first attempt
                     * @default 3
                     */
                    limit?: number;
                };
                /** @description HKube field, accepted and ignored */
                ttl?: unknown;
            } | {
                /**
                 * @description how batch inputs combine: indexed (zipped, default) or cartesian
                 * @enum {string}
                 */
                batchOperation?: "indexed" | "cartesian";
                /** @description HKube field, accepted and ignored */
                includeInResult?: unknown;
                /**
                 * @description literals, "#[1,2,3]" / "#[1...5]" / "#[1,2,1...10,hello]" batches, "@flowInput.a", "#@flowInput.list", "@node", "@node.path", "#@node", "*@node", "*#@node"; also nested in objects and arrays
                 * @example [
                 *       "#[1,2,3]"
                 *     ]
                 * @example [
                 *       "@green"
                 *     ]
                 * @example [
                 *       {
                 *         "a": "@flowInput.x",
                 *         "b": [
                 *           "#@flowInput.list"
                 *         ]
                 *       }
                 *     ]
                 */
                input?: unknown[];
                /** @constant */
                kind: "webhook";
                /** @description HKube field, accepted and ignored */
                metrics?: unknown;
                /** @example hook */
                nodeName: string;
                /** @description HKube field, accepted and ignored */
                ttl?: unknown;
                webhook: components["schemas"]["WebhookStage"];
            })[];
            options?: {
                /** @description seconds a started job may run before it is stopped ("pipeline active TTL expired"); null: none */
                activeTtl?: number | null;
                /**
                 * @description % of failed items of a batch node at which the job fails
                 * @default 80
                 */
                batchTolerance?: number;
                concurrentPipelines?: {
                    /** @description unfinished jobs of this pipeline name in the project at most (absent: no limit) */
                    amount?: number;
                    /**
                     * @description true: refused over the limit (400 CONCURRENT_PIPELINES_LIMIT); false: accepted, waits until a job of the pipeline ends
                     * @default true
                     */
                    rejectOnFailure?: boolean;
                };
                /**
                 * @default info
                 * @enum {string}
                 */
                progressVerbosityLevel?: "trace" | "debug" | "info" | "warn" | "error" | "critical";
                /**
                 * @description seconds until an unfinished job is stopped (0: the longest, 30 days)
                 * @default 3600
                 */
                ttl?: number;
            };
            /**
             * @description 1 is the most urgent
             * @default 3
             */
            priority?: number;
            projectId?: string;
            /** @description HKube field, accepted and ignored */
            tags?: string[];
            /** @description How else it may be started: POST /api/v1/hooks/{name} */
            triggers?: {
                webhook?: {
                    /**
                     * @description JSONPath into the request body for flowInput (default: the whole body)
                     * @example $.data
                     */
                    flowInputPath?: string;
                    /** @description whsec_<base64, at least 16 bytes>: requests must carry a valid Standard Webhooks signature */
                    secret?: string;
                };
            };
            webhooks?: {
                headers?: {
                    [key: string]: string;
                };
                /**
                 * Format: uri
                 * @description http(s); receives the status view on every event at or above progressVerbosityLevel
                 */
                progress?: string;
                /**
                 * Format: uri
                 * @description http(s); receives the results view once
                 */
                result?: string;
                /** @description whsec_<base64, at least 16 bytes>: sign deliveries (Standard Webhooks) */
                secret?: string;
            };
        };
        /** @description An exec/raw body (validated the same way) plus optional triggers */
        StoredPipelineRequest: {
            /** @description needs projectId */
            batchId?: string;
            /** @description HKube field, accepted and ignored */
            description?: string;
            /** @description HKube field, accepted and ignored */
            experimentName?: string;
            flowInput?: {
                [key: string]: unknown;
            } | null;
            /**
             * @description "stream" is refused (STREAMING_NOT_SUPPORTED)
             * @constant
             */
            kind?: "batch";
            /** @example batch */
            name: string;
            nodes: ({
                /** @example green-alg */
                algorithmName: string;
                /**
                 * @description how batch inputs combine: indexed (zipped, default) or cartesian
                 * @enum {string}
                 */
                batchOperation?: "indexed" | "cartesian";
                /** @description HKube field, accepted and ignored */
                includeInResult?: unknown;
                /**
                 * @description literals, "#[1,2,3]" / "#[1...5]" / "#[1,2,1...10,hello]" batches, "@flowInput.a", "#@flowInput.list", "@node", "@node.path", "#@node", "*@node", "*#@node"; also nested in objects and arrays
                 * @example [
                 *       "#[1,2,3]"
                 *     ]
                 * @example [
                 *       "@green"
                 *     ]
                 * @example [
                 *       {
                 *         "a": "@flowInput.x",
                 *         "b": [
                 *           "#@flowInput.list"
                 *         ]
                 *       }
                 *     ]
                 */
                input?: unknown[];
                /**
                 * @description HKube's default node kind
                 * @constant
                 */
                kind?: "algorithm";
                /** @description HKube field, accepted and ignored */
                metrics?: unknown;
                /** @example green */
                nodeName: string;
                retry?: {
                    /**
                     * @description doubles the delay per attempt
                     * @default false
                     */
                    backoff?: boolean;
                    /** @default 0 */
                    delaySeconds?: number;
                    /**
                     * @description retries after the first attempt
                     * @default 3
                     */
                    limit?: number;
                };
                /** @description HKube field, accepted and ignored */
                ttl?: unknown;
            } | {
                /**
                 * @description how batch inputs combine: indexed (zipped, default) or cartesian
                 * @enum {string}
                 */
                batchOperation?: "indexed" | "cartesian";
                /** @description HKube field, accepted and ignored */
                includeInResult?: unknown;
                /**
                 * @description literals, "#[1,2,3]" / "#[1...5]" / "#[1,2,1...10,hello]" batches, "@flowInput.a", "#@flowInput.list", "@node", "@node.path", "#@node", "*@node", "*#@node"; also nested in objects and arrays
                 * @example [
                 *       "#[1,2,3]"
                 *     ]
                 * @example [
                 *       "@green"
                 *     ]
                 * @example [
                 *       {
                 *         "a": "@flowInput.x",
                 *         "b": [
                 *           "#@flowInput.list"
                 *         ]
                 *       }
                 *     ]
                 */
                input?: unknown[];
                /** @constant */
                kind: "webhook";
                /** @description HKube field, accepted and ignored */
                metrics?: unknown;
                /** @example hook */
                nodeName: string;
                /** @description HKube field, accepted and ignored */
                ttl?: unknown;
                webhook: components["schemas"]["WebhookStage"];
            })[];
            options?: {
                /** @description seconds a started job may run before it is stopped ("pipeline active TTL expired"); null: none */
                activeTtl?: number | null;
                /**
                 * @description % of failed items of a batch node at which the job fails
                 * @default 80
                 */
                batchTolerance?: number;
                concurrentPipelines?: {
                    /** @description unfinished jobs of this pipeline name in the project at most (absent: no limit) */
                    amount?: number;
                    /**
                     * @description true: refused over the limit (400 CONCURRENT_PIPELINES_LIMIT); false: accepted, waits until a job of the pipeline ends
                     * @default true
                     */
                    rejectOnFailure?: boolean;
                };
                /**
                 * @default info
                 * @enum {string}
                 */
                progressVerbosityLevel?: "trace" | "debug" | "info" | "warn" | "error" | "critical";
                /**
                 * @description seconds until an unfinished job is stopped (0: the longest, 30 days)
                 * @default 3600
                 */
                ttl?: number;
            };
            /**
             * @description 1 is the most urgent
             * @default 3
             */
            priority?: number;
            projectId?: string;
            /** @description HKube field, accepted and ignored */
            tags?: string[];
            /** @description How else it may be started: POST /api/v1/hooks/{name} */
            triggers?: {
                webhook?: {
                    /**
                     * @description JSONPath into the request body for flowInput (default: the whole body)
                     * @example $.data
                     */
                    flowInputPath?: string;
                    /** @description whsec_<base64, at least 16 bytes>: requests must carry a valid Standard Webhooks signature */
                    secret?: string;
                };
            };
            webhooks?: {
                headers?: {
                    [key: string]: string;
                };
                /**
                 * Format: uri
                 * @description http(s); receives the status view on every event at or above progressVerbosityLevel
                 */
                progress?: string;
                /**
                 * Format: uri
                 * @description http(s); receives the results view once
                 */
                result?: string;
                /** @description whsec_<base64, at least 16 bytes>: sign deliveries (Standard Webhooks) */
                secret?: string;
            };
        };
        StoredRunRequest: {
            /** @description an object, merged (one level) over the stored flowInput */
            flowInput?: unknown;
            name: string;
            /** @description an object, merged (one level) over the stored options */
            options?: unknown;
            /** @description an admin key: run that project's pipeline of this name */
            projectId?: string;
        };
        /** @description The data of one events-stream event (a request's secrets masked, as in GET /api/v1/jobs/{jobId}/events) */
        StreamedEvent: {
            /** Format: date-time */
            createdAt: string;
            data: unknown;
            /** @description the event's position in the log: the SSE id */
            globalPosition: number;
            metadata: {
                [key: string]: unknown;
            };
            /** @description the jobId */
            streamId: string;
            /** @example task.succeeded */
            type: string;
            version: number;
        };
        StreamTokenAnswer: {
            /**
             * Format: date-time
             * @description ten minutes after it was made
             */
            expiresAt: string;
            /**
             * @description send as ?token= on GET /api/v1/exec/status/{jobId}/stream (that job only)
             * @example hst_3q2+…
             */
            token: string;
        };
        SubmitAnswer: {
            /**
             * @description "<name>:<uuid v4>"
             * @example batch:2f0b7a51-5a2b-4c3e-9f39-6f3a3f2b8f10
             */
            jobId: string;
        };
        SubscriptionList: {
            subscriptions: components["schemas"]["SubscriptionView"][];
        };
        SubscriptionView: {
            counts: {
                delivered: number;
                failed: number;
                pending: number;
                /** @description events it missed while disabled */
                skipped: number;
            };
            /** Format: date-time */
            createdAt: string;
            disabledAt: string | null;
            disabledReason: string | null;
            eventTypes: string[] | null;
            /** @description the first failed attempt after its last successful one (null while its last attempt succeeded); a failed attempt HERALD_WEBHOOK_DISABLE_AFTER_DAYS after it disables the subscription */
            failingSince: string | null;
            /**
             * @description the payload it receives (see webhooks)
             * @enum {string}
             */
            format: "exec.progress" | "exec.result" | "queue.lifecycle" | "fal.result" | "project.task" | "notification";
            hasSecret: boolean;
            /** @description values masked but for their last 4 characters */
            headers: {
                [key: string]: string;
            };
            health: {
                concurrency: number | null;
                consecutiveFailures: number;
                lastError: string | null;
                /** @description the subscription's own attempts of the last hour (not the endpoint's) */
                lastHour: {
                    attempts: number;
                    /** @description answered 2xx */
                    succeeded: number;
                    /** @description succeeded / attempts, from 0 to 1; null without attempts */
                    successRate: number | null;
                };
                retryAt: string | null;
                /**
                 * @description degraded: fewer attempts at once; open: paused until retryAt
                 * @enum {string}
                 */
                state: "healthy" | "degraded" | "open";
            };
            /** Format: uuid */
            id: string;
            lastCall: unknown;
            lastError: unknown;
            minLevel: string;
            name: string | null;
            previousSecretExpiresAt: string | null;
            /** @enum {string} */
            scope: "job" | "project" | "batch" | "channel";
            /** @description jobId, projectId, "<projectId>/<batchId>", or the projectId of a channel */
            scopeId: string;
            /** @enum {string} */
            status: "active" | "disabled";
            /** Format: date-time */
            updatedAt: string;
            url: string;
        };
        /** @description HKube's tree of the pipelines a job triggered. Herald has no pipeline triggers, so it never answers one (every job is 404 TRIGGERS_TREE_NOT_FOUND, as HKube for a job that triggered nothing) */
        TriggersTree: {
            /** @description the jobs it triggered, each { name, jobId, children } */
            children: unknown[];
            jobId: string;
            /** @description the pipeline of the job */
            name: string;
        };
        /** @description The pipeline engine's record of a progress or result webhook delivery */
        WebhookRecord: {
            /**
             * @description Herald's state of the message (GET /api/v1/deliveries)
             * @enum {string}
             */
            deliveryStatus: "pending" | "retrying" | "delivered" | "failed" | "superseded" | "cancelled";
            httpResponse: {
                statusCode: number | null;
                statusMessage: string | null;
            };
            jobId: string;
            pipelineStatus: string | null;
            /** @enum {string} */
            responseStatus: "succeed" | "failed";
            /**
             * @description the engine's: completed once the request is over, whatever its answer
             * @enum {string}
             */
            status: "pending" | "completed";
            /** Format: date-time */
            timestamp: string;
            /** @enum {string} */
            type: "progress" | "result";
            url: string;
        };
        /** @description The latest result and progress deliveries of a job; a kind never sent is absent */
        WebhookRecords: {
            jobId: string;
            progress?: components["schemas"]["WebhookRecord"];
            result?: components["schemas"]["WebhookRecord"];
        };
        WebhookStage: {
            /**
             * @description one request
             * @default 20
             */
            callTimeoutSeconds?: number;
            /** @description comma-separated, case-insensitive */
            canceledStatuses?: string;
            cancelEndpoint?: string;
            /**
             * @default POST
             * @enum {string}
             */
            cancelMethod?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
            cancelPayload?: unknown;
            /** @default 300 */
            createRetryBudgetSeconds?: number;
            customHeaders?: {
                [key: string]: string;
            };
            /**
             * @default [
             *       504
             *     ]
             */
            failFastStatusCodes?: number[];
            /**
             * @default POST
             * @enum {string}
             */
            method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
            /** @default false */
            monitorOnly?: boolean;
            payload?: unknown;
            /** @description default: 1 s for the first minute of polling, then 15 s */
            pollIntervalSeconds?: number;
            progressJsonPath?: string;
            retries?: {
                [key: string]: {
                    maxAttempts: number;
                };
            };
            /**
             * @description retried too (every 5xx is)
             * @default [
             *       429
             *     ]
             */
            retryStatusCodes?: number[];
            /**
             * @description JSONPath; required when waitForCompletion
             * @example $.status
             */
            statusJsonPath?: string;
            /** @description JSONPath; required with statusUrlResolution webhookResponse */
            statusUrlJsonPath?: string;
            /**
             * @default getMethod
             * @enum {string}
             */
            statusUrlResolution?: "getMethod" | "locationHeader" | "webhookResponse";
            /**
             * @description comma-separated, case-insensitive
             * @default SUCCESS
             */
            successStatuses?: string;
            /** @description comma-separated, case-insensitive */
            terminalStatuses?: string;
            /**
             * @description the whole stage
             * @default 3600
             */
            timeoutSeconds?: number;
            /** @example https://ci.example/deploy?env=${ flowInput.env } */
            url: string;
            /** @default 0 */
            waitBeforeMonitorSeconds?: number;
            /** @default false */
            waitForCompletion?: boolean;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    SigningKeysController_jwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The current key, then the next one (published before it signs), then keys retired less than 24 h ago; never a revoked key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jwks"];
                };
            };
        };
    };
    SigningKeysController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Current, next, retired (latest first), revoked (latest first) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SigningKeyList"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    SigningKeysController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                kid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revoked key, and the current and next keys after the revoke */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevokedSigningKey"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: SIGNING_KEY_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    SigningKeysController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key that signs now, the one it replaces, the new next key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotatedSigningKey"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    DeliveriesController_list: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page */
                cursor?: string;
                jobId?: string;
                limit?: number;
                status?: "pending" | "retrying" | "delivered" | "failed" | "superseded" | "cancelled";
                /** @description only this subscription's messages (a project key: none of another project's subscription) */
                subscriptionId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The webhook messages matching the filters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryList"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    DeliveriesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The message and its attempts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryDetail"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: DELIVERY_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    DeliveriesController_resend: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The message, queued for an attempt now */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryView"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: DELIVERY_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    DeliveriesController_recover: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RecoverRequest"];
            };
        };
        responses: {
            /** @description The messages queued again */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecoverAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    EventsStreamController_stream: {
        parameters: {
            query?: {
                /** @description only this job's events */
                jobId?: string;
                /** @description only this project's events (a project key: its own project, always) */
                projectId?: string;
                /** @description comma-separated event types, e.g. task.succeeded,job.completed */
                types?: string;
            };
            header?: {
                /** @description resume right after this global position (the id of the last event received) */
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/event-stream of events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_LAST_EVENT_ID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PROJECT_NOT_FOUND, JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecController_algorithm: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AlgorithmRequest"];
            };
        };
        responses: {
            /** @description The job was accepted */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmitAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, DEBUG_NOT_SUPPORTED, TARGET_NOT_ALLOWED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecQueriesController_auditTrail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job's audit trail */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditTrail"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecController_caching: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CachingRequest"];
            };
        };
        responses: {
            /** @description The new job was accepted */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmitAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, UNKNOWN_NODE, CACHING_NOT_SUPPORTED, DEBUG_NOT_SUPPORTED, TARGET_NOT_ALLOWED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: CACHE_NOT_AVAILABLE */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecQueriesController_flowInput: {
        parameters: {
            query?: {
                /** @description true: answer with Content-Disposition: attachment;filename="flowInput.json" */
                download?: "true" | "false" | "";
            };
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job's flowInput */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlowInput"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND, FLOW_INPUT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecController_list: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page */
                cursor?: string;
                limit?: number;
                pipeline?: string;
                /** @description true (HKube's raw): the answer is a JSON array of the ids of the unfinished jobs (status: only those), oldest first, at most 10000; limit and cursor do not apply */
                raw?: "true" | "false";
                status?: "pending" | "active" | "paused" | "completed" | "failed" | "stopped";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of jobs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobList"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecController_pause: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PauseRequest"];
            };
        };
        responses: {
            /** @description The job is paused */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: JOB_NOT_RUNNING, JOB_ALREADY_PAUSED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecQueriesController_runningPipelines: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The running pipelines */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PipelineList"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecQueriesController_pipeline: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job's pipeline */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PipelineView"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecController_submit: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PipelineRequest"];
            };
        };
        responses: {
            /** @description The job was accepted */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmitAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, TARGET_NOT_ALLOWED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecController_rerun: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RerunRequest"];
            };
        };
        responses: {
            /** @description The new job was accepted */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmitAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, RERUN_NOT_SUPPORTED, TARGET_NOT_ALLOWED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecController_results: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The final nodes' results */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResultsView"];
                };
            };
            /** @description Invalid request: JOB_NOT_FINISHED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecController_resume: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResumeRequest"];
            };
        };
        responses: {
            /** @description The job runs again */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: JOB_NOT_PAUSED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecQueriesController_searchGet: {
        parameters: {
            query?: {
                algorithmName?: string;
                /** @description the cursor of the previous page */
                cursor?: string;
                /** @description not supported (400) */
                exists?: string;
                experimentName?: string;
                /** @description not supported (400) */
                fields?: string;
                /** @description datesRange.from */
                from?: string;
                /** @description Herald's extension (not HKube's): pipeline or queue (a request on a named queue) */
                kind?: string;
                /** @description integer from 1 to 100 (default 100) */
                limit?: string;
                /** @description not supported (400) */
                page?: string;
                pipelineName?: string;
                pipelineStatus?: string;
                /** @description not supported (400) */
                pipelineType?: string;
                /** @description Herald's extension (not HKube's): only this project's jobs; a project key naming another project finds none (an empty page) */
                projectId?: string;
                /** @description asc or desc (default) */
                sort?: string;
                /** @description comma-separated; not supported (400) unless empty */
                tags?: string;
                /** @description datesRange.to */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of jobs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecQueriesController_searchPost: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SearchRequest"];
            };
        };
        responses: {
            /** @description One page of jobs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, SEARCH_FILTER_NOT_SUPPORTED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecController_status: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job as of its latest event */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatusView"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    StatusStreamController_stream: {
        parameters: {
            query?: {
                /** @description lowest event level whose snapshot is sent, as a job's progressVerbosityLevel (default: the job's own); the final snapshot is always sent */
                level?: "trace" | "debug" | "info" | "warn" | "error" | "critical";
                /** @description a stream token (POST …/stream-token) in place of the Authorization header, for EventSource */
                token?: string;
            };
            header?: {
                /** @description resume right after this version (the id of the last event received) */
                "Last-Event-ID"?: string;
            };
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/event-stream of status views */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Resumed after the final snapshot: nothing more will come */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_LAST_EVENT_ID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    StatusStreamController_token: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StreamTokenAnswer"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecController_stop: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StopRequest"];
            };
        };
        responses: {
            /** @description The jobs stopped */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StopAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND, NO_JOBS_MATCHED */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: JOB_NOT_RUNNING */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    StoredPipelinesController_run: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StoredRunRequest"];
            };
        };
        responses: {
            /** @description The job was accepted */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmitAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PIPELINE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ExecController_tree: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description HKube's shape; Herald answers it for no job today */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggersTree"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND, TRIGGERS_TREE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    HooksController_hook: {
        parameters: {
            query?: never;
            header?: {
                /** @description Standard Webhooks: required with a secret; a webhook-id seen within 24 h starts nothing */
                "webhook-id"?: string;
                /** @description a "v1,<base64 HMAC-SHA256>" entry over <id>.<timestamp>.<body> */
                "webhook-signature"?: string;
                /** @description epoch seconds, within 5 minutes */
                "webhook-timestamp"?: string;
            };
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HookRequestBody"];
            };
        };
        responses: {
            /** @description The run started */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HookAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PIPELINE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    JobEventsController_events: {
        parameters: {
            query?: {
                fromVersion?: number;
                limit?: number;
            };
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Events in version order; nextVersion is null on the last page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobEvents"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectListController_list: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page (the last projectId it listed) */
                cursor?: string;
                /** @description projects per page (default 100) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of projects */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectList"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_getBatchWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                batchId: string;
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The batch's webhook */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectWebhookView"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: WEBHOOK_NOT_FOUND, PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_putBatchWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                batchId: string;
                projectId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectWebhookRequest"];
            };
        };
        responses: {
            /** @description The webhook now set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectWebhookView"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, TARGET_NOT_ALLOWED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_deleteBatchWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                batchId: string;
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: WEBHOOK_NOT_FOUND, PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_listChannels: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The channels */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChannelList"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_createChannel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                projectId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChannelRequest"];
            };
        };
        responses: {
            /** @description The channel */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChannelView"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, TARGET_NOT_ALLOWED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_getChannel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The channel */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChannelView"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: CHANNEL_NOT_FOUND, PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_deleteChannel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: CHANNEL_NOT_FOUND, PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_patchChannel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                projectId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChannelPatch"];
            };
        };
        responses: {
            /** @description The channel */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChannelView"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, TARGET_NOT_ALLOWED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: CHANNEL_NOT_FOUND, PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_testChannel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The attempt, delivered or failed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChannelTestAttempt"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: CHANNEL_NOT_FOUND, PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    HooksController_projectHook: {
        parameters: {
            query?: never;
            header?: {
                /** @description Standard Webhooks: required with a secret; a webhook-id seen within 24 h starts nothing */
                "webhook-id"?: string;
                /** @description a "v1,<base64 HMAC-SHA256>" entry over <id>.<timestamp>.<body> */
                "webhook-signature"?: string;
                /** @description epoch seconds, within 5 minutes */
                "webhook-timestamp"?: string;
            };
            path: {
                name: string;
                projectId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HookRequestBody"];
            };
        };
        responses: {
            /** @description The run started */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HookAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PIPELINE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    KeysController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The keys */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyList"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    KeysController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                projectId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["KeyRequest"];
            };
        };
        responses: {
            /** @description The key, shown once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedKey"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    KeysController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                keyId: string;
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: KEY_NOT_FOUND, PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    LimitsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The limits */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LimitsView"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    LimitsController_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                projectId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LimitsRequest"];
            };
        };
        responses: {
            /** @description The limits now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LimitsView"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_listRoutings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The routings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoutingList"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_createRouting: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                projectId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RoutingRequest"];
            };
        };
        responses: {
            /** @description The routing (the same one when it exists already) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoutingView"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_deleteRouting: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: ROUTING_NOT_FOUND, PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_getProjectWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The project's webhook */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectWebhookView"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: WEBHOOK_NOT_FOUND, PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_putProjectWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                projectId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectWebhookRequest"];
            };
        };
        responses: {
            /** @description The webhook now set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectWebhookView"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, TARGET_NOT_ALLOWED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    ProjectsController_deleteProjectWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                projectId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: WEBHOOK_NOT_FOUND, PROJECT_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    QueueListController_list: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page (the last queueName it listed) */
                cursor?: string;
                /** @description queues per page (default 100) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of queues */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueList"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    QueueSettingsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                queueName: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The queue's settings (the defaults until set) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueSettings"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    QueueSettingsController_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                queueName: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["QueueSettingsRequest"];
            };
        };
        responses: {
            /** @description The settings now in force */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueSettings"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    StoredPipelinesController_list: {
        parameters: {
            query?: {
                /** @description an admin key: one project's pipelines only */
                projectId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stored pipelines */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredPipelineList"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    StoredPipelinesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StoredPipelineRequest"];
            };
        };
        responses: {
            /** @description The stored pipeline (secrets shown as whsec_…) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredPipeline"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: PIPELINE_EXISTS */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    StoredPipelinesController_get: {
        parameters: {
            query?: {
                /** @description an admin key: the project whose pipeline it is (default: one stored with an admin key); a project key: its own, or left out */
                projectId?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stored pipeline */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredPipeline"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PIPELINE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    StoredPipelinesController_replace: {
        parameters: {
            query?: {
                /** @description an admin key: the project whose pipeline it is (default: one stored with an admin key); a project key: its own, or left out */
                projectId?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StoredPipelineReplace"];
            };
        };
        responses: {
            /** @description The stored pipeline now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredPipeline"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PIPELINE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    StoredPipelinesController_remove: {
        parameters: {
            query?: {
                /** @description an admin key: the project whose pipeline it is (default: one stored with an admin key); a project key: its own, or left out */
                projectId?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: PIPELINE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    SubscriptionsController_list: {
        parameters: {
            query?: {
                /** @description who would hear this job now (and the disabled ones that would) */
                jobId?: string;
                limit?: number;
                projectId?: string;
                status?: "active" | "disabled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The subscriptions, each with its endpoint health */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionList"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    SubscriptionsController_enable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EnableRequest"];
            };
        };
        responses: {
            /** @description The subscription, active, with what was queued again */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnabledSubscription"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: SUBSCRIPTION_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: SUBSCRIPTION_ALREADY_ACTIVE */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    SubscriptionsController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateSecretRequest"];
            };
        };
        responses: {
            /** @description The new secret (shown once) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotatedSecret"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: SUBSCRIPTION_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    TasksController_complete: {
        parameters: {
            query?: {
                /** @description true: also take the next pending task of the same algorithm or queue (answered as `next`) */
                next?: "true" | "false" | "";
            };
            header?: never;
            path: {
                taskId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CompleteRequest"];
            };
        };
        responses: {
            /** @description The task succeeded (and, with next=true, the next task taken) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: TASK_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: TASK_NOT_ACTIVE, LEASE_NOT_HELD, LEASE_EXPIRED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    TasksController_fail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                taskId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FailRequest"];
            };
        };
        responses: {
            /** @description The task is pending again (to be retried) or failed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: TASK_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: TASK_NOT_ACTIVE, LEASE_NOT_HELD, LEASE_EXPIRED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    TasksController_heartbeat: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                taskId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HeartbeatRequest"];
            };
        };
        responses: {
            /** @description The new lease expiry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HeartbeatAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: TASK_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: TASK_NOT_ACTIVE, LEASE_NOT_HELD, LEASE_EXPIRED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    TasksController_release: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                taskId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReleaseRequest"];
            };
        };
        responses: {
            /** @description The task is pending again */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: TASK_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: TASK_NOT_ACTIVE, LEASE_NOT_HELD, LEASE_EXPIRED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    TasksController_acquire: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AcquireRequest"];
            };
        };
        responses: {
            /** @description The tasks now leased to this worker */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcquireAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    TasksController_completeMany: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CompleteManyRequest"];
            };
        };
        responses: {
            /** @description One entry per result: recorded, or refused with its error */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompleteManyAnswer"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    DeliveriesController_list2: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The latest result and progress deliveries (a kind never sent is absent) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookRecords"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND, WEBHOOK_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    DeliveriesController_results: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The result delivery */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookRecord"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND, WEBHOOK_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    DeliveriesController_status: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The latest progress delivery */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookRecord"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: JOB_NOT_FOUND, WEBHOOK_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    SigningKeysController_falJwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The current key, then the next one (published before it signs), then keys retired less than 24 h ago; never a revoked key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jwks"];
                };
            };
        };
    };
    FalQueueController_submit: {
        parameters: {
            query?: {
                /** @description http(s) URL: the request's lifecycle webhooks, then fal's webhook body when it ends */
                fal_webhook?: string;
            };
            header?: {
                /** @description normal (default) or low */
                "X-Fal-Queue-Priority"?: string;
            };
            path: {
                app: string;
                owner: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["QueueRequestBody"];
            };
        };
        responses: {
            /** @description Queued */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FalQueued"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, TARGET_NOT_ALLOWED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    FalQueueController_submitPath: {
        parameters: {
            query?: {
                /** @description http(s) URL: the request's lifecycle webhooks, then fal's webhook body when it ends */
                fal_webhook?: string;
            };
            header?: {
                /** @description normal (default) or low */
                "X-Fal-Queue-Priority"?: string;
            };
            path: {
                app: string;
                owner: string;
                /** @description the endpoint path, one or more segments */
                path: unknown;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["QueueRequestBody"];
            };
        };
        responses: {
            /** @description Queued */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FalQueued"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, TARGET_NOT_ALLOWED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    FalQueueController_result: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                app: string;
                owner: string;
                requestId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The worker's result */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FalResult"];
                };
            };
            /** @description Invalid request: REQUEST_IN_PROGRESS */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: REQUEST_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: REQUEST_CANCELLED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unprocessable: REQUEST_FAILED */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    FalQueueController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                app: string;
                owner: string;
                requestId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancelled: a queued request is never handed out, a running one loses its lease */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FalCancelAnswer"];
                };
            };
            /** @description Invalid request: ALREADY_COMPLETED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: REQUEST_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    FalQueueController_status: {
        parameters: {
            query?: {
                /** @description 1: include the log lines (one per lifecycle event) */
                logs?: "0" | "1";
            };
            header?: never;
            path: {
                app: string;
                owner: string;
                requestId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Completed (a failed or cancelled request too: its result is the error) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FalStatusView"];
                };
            };
            /** @description Queued or in progress */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FalStatusView"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: REQUEST_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    FalQueueController_stream: {
        parameters: {
            query?: {
                /** @description 1: include the log lines (one per lifecycle event) */
                logs?: "0" | "1";
            };
            header?: never;
            path: {
                app: string;
                owner: string;
                requestId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/event-stream of status bodies */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FalStatusView"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: REQUEST_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    HealthController_health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Herald and its database answer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthAnswer"];
                };
            };
            /** @description Unavailable: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LiveAnswer"];
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadyAnswer"];
                };
            };
            /** @description Not ready: the checks say why */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadyAnswer"];
                };
            };
        };
    };
    QueueController_submit: {
        parameters: {
            query?: {
                /** @description the same, as fal.ai names it (also: header x-pipelet-webhook) */
                fal_webhook?: string;
                /** @description http(s) URL for lifecycle webhooks (also: header X-Webhook-Url) */
                webhook?: string;
            };
            header?: {
                /** @description and a batch of that project (needs X-Project-Id) */
                "X-Batch-Id"?: string;
                /** @description group the request under a project (a project key's requests are its project's) */
                "X-Project-Id"?: string;
                /** @description whsec_<base64, at least 16 bytes>: sign the lifecycle webhooks */
                "X-Webhook-Secret"?: string;
                /** @description http(s) URL for lifecycle webhooks */
                "X-Webhook-Url"?: string;
            };
            path: {
                queueName: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["QueueRequestBody"];
            };
        };
        responses: {
            /** @description Queued; follow it at statusUrl */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueuedRequest"];
                };
            };
            /** @description Invalid request: VALIDATION_FAILED, TARGET_NOT_ALLOWED, INVALID_JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Request body too large: PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    QueueController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
                queueName: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancelled */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CancelledRequest"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: REQUEST_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: ALREADY_COMPLETED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    QueueController_result: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
                queueName: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The worker's result */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RequestResult"];
                };
            };
            /** @description Not finished yet: the status */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RequestStatusView"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: REQUEST_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Conflict with the current state: REQUEST_CANCELLED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Unprocessable: REQUEST_FAILED */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    QueueController_status: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                jobId: string;
                queueName: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Where the request is */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RequestStatusView"];
                };
            };
            /** @description No valid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not allowed for this key: FORBIDDEN_SCOPE */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            /** @description Not found: REQUEST_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
}
