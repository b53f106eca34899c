import type { PipelineSpec } from './pipeline.types';

/** A URL Herald will send requests to, with the request field it came from. */
export interface Target {
  path: string;
  url: string;
}

/**
 * The URL to check at creation for a stage URL that may hold expressions: the URL itself when it
 * has none, else its scheme and host when those are written out (`https://ci.example/${ x }`);
 * undefined when the host is only known at run time (the connect-time guard checks it then).
 */
export function fixedTarget(raw: string): string | undefined {
  if (!raw.includes('${')) return raw;
  const m = /^(https?:\/\/[^/?#]*)[/?#]/i.exec(raw);
  return m && !m[1].includes('${') ? `${m[1]}/` : undefined;
}

/** Every outbound target a pipeline names: its webhooks and its webhook stages' URLs. */
export function pipelineTargets(spec: PipelineSpec, lifecyclePath = 'webhooks.lifecycle'): Target[] {
  const out: Target[] = [];
  const w = spec.webhooks;
  if (w?.progress) out.push({ path: 'webhooks.progress', url: w.progress });
  if (w?.result) out.push({ path: 'webhooks.result', url: w.result });
  if (w?.lifecycle) out.push({ path: lifecyclePath, url: w.lifecycle });
  spec.nodes.forEach((n, i) => {
    if (!n.webhook) return;
    const url = fixedTarget(n.webhook.url);
    if (url) out.push({ path: `nodes[${i}].webhook.url`, url });
    const cancel = n.webhook.cancelEndpoint !== undefined ? fixedTarget(n.webhook.cancelEndpoint) : undefined;
    if (cancel) out.push({ path: `nodes[${i}].webhook.cancelEndpoint`, url: cancel });
  });
  return out;
}
