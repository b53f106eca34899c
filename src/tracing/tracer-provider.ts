import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '../config/config';
import { HERALD_VERSION } from '../version';

/**
 * One tracer provider per Herald application, never registered as the process's global one:
 * spans go through a batch processor to an OTLP/HTTP (JSON) exporter. The SDK reads the OTEL_*
 * variables Herald leaves to it: OTEL_EXPORTER_OTLP(_TRACES)_HEADERS, _TIMEOUT, _COMPRESSION and
 * certificates; OTEL_TRACES_SAMPLER(_ARG); OTEL_SPAN_* limits; OTEL_BSP_MAX_QUEUE_SIZE,
 * _MAX_EXPORT_BATCH_SIZE, _EXPORT_TIMEOUT; OTEL_RESOURCE_ATTRIBUTES (service.name and
 * service.version are Herald's: OTEL_SERVICE_NAME and its version).
 */
export function createTracerProvider(config: TracingConfig & { tracesUrl: string }): BasicTracerProvider {
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName, [ATTR_SERVICE_VERSION]: HERALD_VERSION }));
  const exporter = new OTLPTraceExporter({ url: config.tracesUrl });
  return new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: config.exportDelayMs })] });
}
