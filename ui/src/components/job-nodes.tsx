import { graphLayout, TASK_STATES, type NodeRow } from '../lib/node-states';
import { Empty } from './basics';

const W = 150;
const H = 40;
const GAP_X = 60;
const GAP_Y = 18;

function stateOf(n: NodeRow): string {
  if (!n.expanded) return 'creating';
  if (n.counts.failed > 0) return 'failed';
  if (n.counts.active > 0) return 'active';
  if (n.counts.pending > 0) return 'pending';
  if (n.counts.stopped > 0) return 'stopped';
  return 'succeed';
}

/** The pipeline as a left-to-right graph: a node per box, an arrow per dependency, coloured by state. */
export function NodeGraph({ nodes }: { nodes: NodeRow[] }) {
  if (nodes.length < 2) return null;
  const layout = graphLayout(nodes);
  const pos = (name: string) => {
    const p = layout.at.get(name)!;
    return { x: p.column * (W + GAP_X), y: p.row * (H + GAP_Y) };
  };
  const width = layout.columns * (W + GAP_X) - GAP_X;
  const height = layout.rows * (H + GAP_Y) - GAP_Y;
  return (
    <div class="graph-scroll">
      <svg class="graph" viewBox={`-4 -4 ${width + 8} ${height + 8}`} width={width + 8} height={height + 8} role="img" aria-label="pipeline graph">
        <defs>
          <marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L8,4 L0,8 z" class="graph-arrow" />
          </marker>
        </defs>
        {nodes.flatMap((n) =>
          n.deps
            .filter((d) => layout.at.has(d))
            .map((d) => {
              const a = pos(d);
              const b = pos(n.nodeName);
              return <path key={`${d}->${n.nodeName}`} class="graph-edge" d={`M${a.x + W},${a.y + H / 2} C${a.x + W + GAP_X / 2},${a.y + H / 2} ${b.x - GAP_X / 2},${b.y + H / 2} ${b.x},${b.y + H / 2}`} marker-end="url(#arrow)" />;
            }),
        )}
        {nodes.map((n) => {
          const p = pos(n.nodeName);
          return (
            <g key={n.nodeName} transform={`translate(${p.x},${p.y})`} class={`graph-node node-${stateOf(n)}`}>
              <rect width={W} height={H} rx={6} />
              <text x={W / 2} y={16} text-anchor="middle" class="graph-name">
                {n.nodeName.length > 18 ? `${n.nodeName.slice(0, 17)}…` : n.nodeName}
              </text>
              <text x={W / 2} y={32} text-anchor="middle" class="graph-counts">
                {n.expanded ? `${n.counts.succeed + n.counts.failed + n.counts.skipped}/${n.total} done` : 'waiting'}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** Per node: algorithm, what it reads, and its tasks' states (batch items counted one by one). */
export function NodeTable({ nodes }: { nodes: NodeRow[] }) {
  if (nodes.length === 0) return <Empty>No node yet.</Empty>;
  return (
    <div class="table-scroll">
      <table class="nodes">
        <thead>
          <tr>
            <th>node</th>
            <th>algorithm</th>
            <th>reads</th>
            {TASK_STATES.map((s) => (
              <th key={s} class="num">
                {s}
              </th>
            ))}
            <th class="num">total</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.nodeName} data-node={n.nodeName}>
              <td>
                <strong>{n.nodeName}</strong>
                {n.kind === 'webhook' ? <span class="muted"> (webhook stage)</span> : null}
                {n.lastError ? <div class="node-error">{n.lastError}</div> : null}
              </td>
              <td>{n.algorithmName}</td>
              <td>{n.deps.length ? n.deps.join(', ') : '—'}</td>
              {TASK_STATES.map((s) => (
                <td key={s} class={`num count-${s} ${n.counts[s] ? '' : 'zero'}`} data-state={s}>
                  {n.counts[s]}
                </td>
              ))}
              <td class="num">{n.expanded ? n.total : 'not expanded'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
