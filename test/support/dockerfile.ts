/** One instruction of a Dockerfile: `RUN npm ci` is { op: 'RUN', args: 'npm ci' }. */
export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  /** The base image (FROM's first word). */
  from: string;
  /** The name after AS, if any. */
  name?: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into its build stages (comments dropped, continued lines joined). */
export function dockerStages(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (pending && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  if (pending) logical.push(pending.trim());
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, op, args = ''] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { op: op.toUpperCase(), args };
    if (instruction.op === 'FROM') {
      const [from, as, name] = args.split(/\s+/);
      stages.push({ from, ...(as?.toUpperCase() === 'AS' ? { name } : {}), instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile: ${instruction.op} before the first FROM`);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** The exec form of CMD / HEALTHCHECK … CMD (a JSON array). */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  return JSON.parse(json) as string[];
}
