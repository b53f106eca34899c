import { parser } from '@prometheus-io/lezer-promql';

/** One metric selector of a PromQL expression and what surrounds it. */
export interface SelectorUse {
  metric: string;
  /** Label names of its matchers ({route="…"}). */
  matchers: string[];
  /** Inside rate(), irate() or increase(). */
  inRate: boolean;
  /** The aggregations around it, innermost first (sum, max, topk, …). */
  aggregations: string[];
}

export interface ExprUsage {
  /** Syntax errors (as the text around them); none for a valid expression. */
  errors: string[];
  selectors: SelectorUse[];
  /** Label names of every `by (…)`. */
  groupedBy: string[];
}

/** Grafana's range variables, replaced by a duration so that the expression parses as Prometheus sees it. */
const GRAFANA_RANGES = /\$__(rate_interval|interval|range)\b/g;
const RATE_FUNCTIONS = new Set(['rate', 'irate', 'increase']);

/** Parses a dashboard's PromQL with the Prometheus project's own grammar (lezer-promql). */
export function promqlUsage(expr: string): ExprUsage {
  const text = expr.replace(GRAFANA_RANGES, '5m');
  const tree = parser.parse(text);
  const usage: ExprUsage = { errors: [], selectors: [], groupedBy: [] };
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) usage.errors.push(`at ${ref.from}: "${text.slice(Math.max(0, ref.from - 20), ref.to + 20)}"`);
      const node = ref.node;
      if (ref.name === 'GroupingLabels' && node.parent?.firstChild?.name === 'By') {
        for (let c = node.firstChild; c; c = c.nextSibling) if (c.name === 'LabelName') usage.groupedBy.push(text.slice(c.from, c.to));
      }
      if (ref.name !== 'VectorSelector') return;
      const id = node.getChild('Identifier');
      const matchers: string[] = [];
      const list = node.getChild('LabelMatchers');
      for (let m = list?.firstChild; m; m = m.nextSibling) {
        const name = m.getChild('LabelName');
        if (name) matchers.push(text.slice(name.from, name.to));
      }
      const use: SelectorUse = { metric: id ? text.slice(id.from, id.to) : '', matchers, inRate: false, aggregations: [] };
      for (let p = node.parent; p; p = p.parent) {
        if (p.name === 'FunctionCall') {
          const fn = p.getChild('FunctionIdentifier');
          if (fn && RATE_FUNCTIONS.has(text.slice(fn.from, fn.to))) use.inRate = true;
        }
        if (p.name === 'AggregateExpr') {
          const op = p.getChild('AggregateOp');
          if (op) use.aggregations.push(text.slice(op.from, op.to).toLowerCase());
        }
      }
      usage.selectors.push(use);
    },
  });
  return usage;
}
