import { expandNodeInput, InputResolutionError, plainOutput, type NodeOutput } from '../../src/jobs/domain/input-expand';
import {
  formatInputPath,
  InputPathError,
  InputSyntaxError,
  MAX_BATCH,
  parseInputExpression,
  parseNodeInput,
  pathGet,
  rebuildInput,
  referencedNodes,
} from '../../src/jobs/domain/input-expression';

const noNodes = (name: string): unknown => {
  throw new Error(`unexpected read of node ${name}`);
};

/** expandNodeInput with every node a plain node whose output is outputOf(name). */
function expandInputs(raw: unknown[], flowInput: Record<string, unknown> | undefined, outputOf: (node: string) => unknown, contextOf?: (node: string) => unknown) {
  return expandNodeInput(raw, { flowInput, outputOf: (n) => plainOutput(outputOf(n)), contextOf });
}

function syntaxErrorOf(raw: unknown): InputSyntaxError {
  try {
    parseInputExpression(raw);
  } catch (err) {
    if (err instanceof InputSyntaxError) return err;
    throw err;
  }
  throw new Error(`${JSON.stringify(raw)} was accepted`);
}

function resolutionErrorOf(run: () => unknown): InputResolutionError {
  try {
    run();
  } catch (err) {
    if (err instanceof InputResolutionError) return err;
    throw err;
  }
  throw new Error('no InputResolutionError was thrown');
}

describe('parseInputExpression', () => {
  describe('literals', () => {
    it.each<[string, unknown]>([
      ['a number', 42],
      ['zero', 0],
      ['a boolean', false],
      ['null', null],
      ['an object', { a: 1, b: [2, 3] }],
      ['an array', [1, 2, 3]],
      ['a plain string', 'hello'],
      ['an empty string', ''],
      ['a string starting with # but not #[ or #@', '#hashtag'],
      ['a string with @ in the middle', 'user@example.com'],
    ])('keeps %s as a literal', (_label, raw) => {
      expect(parseInputExpression(raw)).toEqual({ kind: 'literal', value: raw });
    });

    it('keeps a literal object by reference, unchanged', () => {
      const value = { nested: { deep: true } };
      const parsed = parseInputExpression(value);
      expect(parsed).toEqual({ kind: 'literal', value: { nested: { deep: true } } });
      expect((parsed as { value: unknown }).value).toBe(value);
    });
  });

  describe('batch literals', () => {
    it('parses "#[1,2,3]" into a batch of three items', () => {
      expect(parseInputExpression('#[1,2,3]')).toEqual({ kind: 'batch-literal', items: [1, 2, 3] });
    });

    it('parses a batch of mixed JSON items', () => {
      expect(parseInputExpression('#["a", {"b": 2}, [3], null, true]')).toEqual({
        kind: 'batch-literal',
        items: ['a', { b: 2 }, [3], null, true],
      });
    });

    it('parses "#[]" into an empty batch', () => {
      expect(parseInputExpression('#[]')).toEqual({ kind: 'batch-literal', items: [] });
    });

    it('expands "#[1...5]" into the inclusive range 1 to 5', () => {
      expect(parseInputExpression('#[1...5]')).toEqual({ kind: 'batch-literal', items: [1, 2, 3, 4, 5] });
    });

    it('allows spaces and negative bounds in a range', () => {
      expect(parseInputExpression('#[ -2 ... 2 ]')).toEqual({ kind: 'batch-literal', items: [-2, -1, 0, 1, 2] });
    });

    it('expands a range whose ends are equal into one item', () => {
      expect(parseInputExpression('#[7...7]')).toEqual({ kind: 'batch-literal', items: [7] });
    });

    it('accepts a range of exactly MAX_BATCH items', () => {
      const parsed = parseInputExpression(`#[1...${MAX_BATCH}]`) as { kind: string; items: number[] };
      expect(parsed.kind).toBe('batch-literal');
      expect(parsed.items).toHaveLength(MAX_BATCH);
      expect(parsed.items[0]).toBe(1);
      expect(parsed.items[MAX_BATCH - 1]).toBe(MAX_BATCH);
    });

    it('rejects a range that ends before it starts', () => {
      expect(syntaxErrorOf('#[5...1]').message).toBe('range "5...1" in "#[5...1]" ends before it starts');
    });

    it('rejects a range that ends just one before it starts (no empty ranges)', () => {
      expect(syntaxErrorOf('#[2...1]').message).toBe('range "2...1" in "#[2...1]" ends before it starts');
    });

    it('rejects a range of more than MAX_BATCH items', () => {
      expect(syntaxErrorOf(`#[0...${MAX_BATCH}]`).message).toBe(`batch "#[0...${MAX_BATCH}]" has more than ${MAX_BATCH} items`);
    });

    it('rejects a range whose bounds are not safe integers', () => {
      expect(syntaxErrorOf('#[1...99999999999999999999]').message).toBe('range "1...99999999999999999999" in "#[1...99999999999999999999]" is out of bounds');
    });

    it.each([
      ['#[1....5]', '1....5'],
      ['#[a...b]', 'a...b'],
      ['#[1.5...3]', '1.5...3'],
      ['#[1...]', '1...'],
    ])('rejects the malformed range %s', (raw, token) => {
      expect(syntaxErrorOf(raw).message).toBe(`"${token}" in "${raw}" is not a range: expected <from>...<to> (integers)`);
    });

    it('rejects an empty item of a list', () => {
      expect(syntaxErrorOf('#[1,,2]').message).toBe('"#[1,,2]" has an empty item');
    });

    // HKube (@hkube/parsers batch.test.js "should parse batch input as raw with ranges" / "with words").
    it('parses HKube\'s mixed list of items and ranges "#[1, 2, 3, 4, 5, 1...10, 11,12, 20...30]" into 28 items', () => {
      const parsed = parseInputExpression('#[1, 2, 3, 4, 5, 1...10, 11,12, 20...30]') as { items: unknown[] };
      expect(parsed.items).toHaveLength(28);
      expect(parsed.items.slice(0, 7)).toEqual([1, 2, 3, 4, 5, 1, 2]);
      expect(parsed.items.slice(-2)).toEqual([29, 30]);
    });

    it('parses "#[1,2,1...10,7]" into its items and the range, in order', () => {
      expect(parseInputExpression('#[1,2,1...10,7]')).toEqual({ kind: 'batch-literal', items: [1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 7] });
    });

    it('parses bare words "#[hello, world]" into strings, and "#[hello, 1...10, world, 10...20]" into 23 items', () => {
      expect(parseInputExpression('#[hello, world]')).toEqual({ kind: 'batch-literal', items: ['hello', 'world'] });
      expect((parseInputExpression('#[hello, 1...10, world, 10...20]') as { items: unknown[] }).items).toHaveLength(23);
    });

    it.each<[string, unknown[]]>([
      ['#[1,2', [1, 2]],
      ["#['a']", ["'a'"]],
      ['#[1] [2]', [12]],
      ['#[1..5]', ['1..5']],
      ['#[true, null, x]', [true, null, 'x']],
    ])('reads the non-JSON batch %s as HKube does (brackets and white space dropped, comma-separated)', (raw, items) => {
      expect(parseInputExpression(raw)).toEqual({ kind: 'batch-literal', items });
    });
  });

  describe('flowInput references', () => {
    it('parses "@flowInput.a.b" into a path into flowInput', () => {
      expect(parseInputExpression('@flowInput.a.b')).toEqual({ kind: 'flow', path: ['a', 'b'], batch: false });
    });

    it('parses "#@flowInput.list" into a batch over flowInput.list', () => {
      expect(parseInputExpression('#@flowInput.list')).toEqual({ kind: 'flow', path: ['list'], batch: true });
    });

    it('parses a bare "@flowInput" into the whole flowInput', () => {
      expect(parseInputExpression('@flowInput')).toEqual({ kind: 'flow', path: [], batch: false });
    });
  });

  describe('node references', () => {
    it('parses "@green" into the output of node green', () => {
      expect(parseInputExpression('@green')).toEqual({ kind: 'node', node: 'green', path: [], batch: false });
    });

    it('parses "@green.x" into a path into the output of green', () => {
      expect(parseInputExpression('@green.x')).toEqual({ kind: 'node', node: 'green', path: ['x'], batch: false });
    });

    it('parses "@green.0.name" into a path with an array index', () => {
      expect(parseInputExpression('@green.0.name')).toEqual({ kind: 'node', node: 'green', path: ['0', 'name'], batch: false });
    });

    it('parses "#@green" into a batch over the output of green', () => {
      expect(parseInputExpression('#@green')).toEqual({ kind: 'node', node: 'green', path: [], batch: true });
    });

    it('parses "#@green.items" into a batch over a path of the output of green', () => {
      expect(parseInputExpression('#@green.items')).toEqual({ kind: 'node', node: 'green', path: ['items'], batch: true });
    });

    it.each(['@', '#@', '*@', '@green.', '@.green', '@green..x'])('rejects the malformed reference %s', (raw) => {
      expect(syntaxErrorOf(raw).message).toBe(`"${raw}" is not a valid reference (expected @node, @node.path or @flowInput.path)`);
    });

    it.each([
      ['@green x', 'green x'],
      ['@gr$en', 'gr$en'],
      ['@a:b', 'a:b'],
    ])('accepts any node name HKube accepts: %s', (raw, node) => {
      expect(parseInputExpression(raw)).toEqual({ kind: 'node', node, path: [], batch: false });
    });

    it('parses waitAny "*@green" and "*#@green.list"', () => {
      expect(parseInputExpression('*@green')).toEqual({ kind: 'node', node: 'green', path: [], batch: false, waitAny: true });
      expect(parseInputExpression('*#@green.list')).toEqual({ kind: 'node', node: 'green', path: ['list'], batch: true, waitAny: true });
    });

    it('rejects dataSource inputs and waitAny over flowInput', () => {
      expect(syntaxErrorOf('@dataSource.x').message).toBe('"@dataSource.x": dataSource inputs are not supported');
      expect(syntaxErrorOf('*@flowInput.x').message).toBe('"*@flowInput.x": waitAny (*@) needs a node, not flowInput');
    });
  });
});

describe('referencedNodes', () => {
  it('lists each node read once, in first-read order, ignoring literals and flowInput', () => {
    const expressions = ['@green', 1, '#@yellow.list', '@flowInput.a', '@green.x', '#[1,2]'].map(parseInputExpression);
    expect(referencedNodes(expressions)).toEqual(['green', 'yellow']);
  });

  it('returns no nodes for inputs without node references', () => {
    expect(referencedNodes(['@flowInput.a', 'x', '#[1...3]'].map(parseInputExpression))).toEqual([]);
  });
});

describe('pathGet', () => {
  it('reads nested object keys and array indexes', () => {
    expect(pathGet({ a: { b: [10, { c: 'deep' }] } }, ['a', 'b', '1', 'c'])).toEqual({ found: true, value: 'deep' });
  });

  it('returns the value itself for an empty path', () => {
    expect(pathGet(5, [])).toEqual({ found: true, value: 5 });
  });

  it('finds a key whose value is null', () => {
    expect(pathGet({ a: null }, ['a'])).toEqual({ found: true, value: null });
  });

  it('reports a missing key as not found', () => {
    expect(pathGet({ a: {} }, ['a', 'b'])).toEqual({ found: false, value: undefined });
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('does not find the inherited object member %s', (key) => {
    expect(pathGet({ a: 1 }, [key])).toEqual({ found: false, value: undefined });
  });

  it('finds own members of arrays, such as length', () => {
    expect(pathGet({ list: [1, 2, 3] }, ['list', 'length'])).toEqual({ found: true, value: 3 });
  });

  it('reports a path through a scalar or null as not found', () => {
    expect(pathGet({ a: 1 }, ['a', 'b'])).toEqual({ found: false, value: undefined });
    expect(pathGet(null, ['a'])).toEqual({ found: false, value: undefined });
  });
});

describe('expandInputs', () => {
  const parse = (...raw: unknown[]): unknown[] => raw;

  it('makes one task with all inputs when no input is a batch', () => {
    expect(expandInputs(parse(1, 'x', { k: true }), undefined, noNodes)).toEqual({ batch: false, inputs: [[1, 'x', { k: true }]] });
  });

  it('makes one task with no inputs for an empty input list', () => {
    expect(expandInputs([], undefined, noNodes)).toEqual({ batch: false, inputs: [[]] });
  });

  it('makes one task per item of a batch', () => {
    expect(expandInputs(parse('#[1,2,3]'), undefined, noNodes)).toEqual({ batch: true, inputs: [[1], [2], [3]] });
  });

  it('makes one task per number of an inclusive range', () => {
    expect(expandInputs(parse('#[1...5]'), undefined, noNodes)).toEqual({ batch: true, inputs: [[1], [2], [3], [4], [5]] });
  });

  it('repeats plain inputs in every task of a batch, keeping input positions', () => {
    expect(expandInputs(parse('fixed', '#[1,2,3]', 9), undefined, noNodes)).toEqual({
      batch: true,
      inputs: [
        ['fixed', 1, 9],
        ['fixed', 2, 9],
        ['fixed', 3, 9],
      ],
    });
  });

  it('zips several batch inputs, padding the shorter ones with null', () => {
    expect(expandInputs(parse('#[1,2,3,4]', '#["a","b"]', '#[true]'), undefined, noNodes)).toEqual({
      batch: true,
      inputs: [
        [1, 'a', true],
        [2, 'b', null],
        [3, null, null],
        [4, null, null],
      ],
    });
  });

  it('zips a batch literal with a batch over flowInput and repeats a plain flowInput value', () => {
    const flowInput = { list: ['x', 'y', 'z'], conf: { level: 2 } };
    expect(expandInputs(parse('#[1...2]', '#@flowInput.list', '@flowInput.conf.level'), flowInput, noNodes)).toEqual({
      batch: true,
      inputs: [
        [1, 'x', 2],
        [2, 'y', 2],
        [null, 'z', 2],
      ],
    });
  });

  it('keeps explicit null items of a batch as null', () => {
    expect(expandInputs(parse('#[null, 1]'), undefined, noNodes)).toEqual({ batch: true, inputs: [[null], [1]] });
  });

  it('makes a batch of zero tasks from an empty batch', () => {
    expect(expandInputs(parse('#[]', 'plain'), undefined, noNodes)).toEqual({ batch: true, inputs: [] });
  });

  it('makes a batch of zero tasks from an empty flowInput array', () => {
    expect(expandInputs(parse('#@flowInput.list'), { list: [] }, noNodes)).toEqual({ batch: true, inputs: [] });
  });

  it('resolves "@flowInput.a.b" to the nested value', () => {
    expect(expandInputs(parse('@flowInput.a.b'), { a: { b: { c: [1] } } }, noNodes)).toEqual({ batch: false, inputs: [[{ c: [1] }]] });
  });

  it('resolves a bare "@flowInput" to the whole flowInput', () => {
    expect(expandInputs(parse('@flowInput'), { a: 1 }, noNodes)).toEqual({ batch: false, inputs: [[{ a: 1 }]] });
  });

  it('fails to resolve a flowInput path that is missing', () => {
    expect(resolutionErrorOf(() => expandInputs(parse('@flowInput.a.missing'), { a: {} }, noNodes)).message).toBe(
      'unable to find flowInput.a.missing',
    );
  });

  it('fails to resolve a flowInput path that names an inherited object member', () => {
    expect(resolutionErrorOf(() => expandInputs(parse('@flowInput.constructor'), { a: 1 }, noNodes)).message).toBe(
      'unable to find flowInput.constructor',
    );
  });

  it('resolves a node output path that names an inherited object member to null', () => {
    expect(expandInputs(parse('@green.toString'), undefined, () => ({ x: 5 }))).toEqual({ batch: false, inputs: [[null]] });
  });

  it('fails to resolve a flowInput path when there is no flowInput', () => {
    expect(resolutionErrorOf(() => expandInputs(parse('@flowInput.a'), undefined, noNodes)).message).toBe('unable to find flowInput.a');
  });

  it('fails to batch over a flowInput value that is not an array', () => {
    expect(resolutionErrorOf(() => expandInputs(parse('#@flowInput.list'), { list: 'abc' }, noNodes)).message).toBe(
      '#@flowInput.list is not an array',
    );
  });

  it('resolves "@green" to the output of node green', () => {
    const reads: string[] = [];
    const outputOf = (name: string) => {
      reads.push(name);
      return { x: 5, list: [1, 2] };
    };
    expect(expandInputs(parse('@green'), undefined, outputOf)).toEqual({ batch: false, inputs: [[{ x: 5, list: [1, 2] }]] });
    expect(reads).toEqual(['green']);
  });

  it('resolves "@green.x" to a field of the output of green', () => {
    expect(expandInputs(parse('@green.x'), undefined, () => ({ x: 5 }))).toEqual({ batch: false, inputs: [[5]] });
  });

  it('resolves a missing path into a node output to null', () => {
    expect(expandInputs(parse('@green.nope'), undefined, () => ({ x: 5 }))).toEqual({ batch: false, inputs: [[null]] });
  });

  it('makes one task per item of the output of green for "#@green"', () => {
    expect(expandInputs(parse('#@green', 'k'), undefined, () => [10, 20, 30])).toEqual({
      batch: true,
      inputs: [
        [10, 'k'],
        [20, 'k'],
        [30, 'k'],
      ],
    });
  });

  it('batches over a path of a node output', () => {
    expect(expandInputs(parse('#@green.items'), undefined, () => ({ items: ['a', 'b'] }))).toEqual({ batch: true, inputs: [['a'], ['b']] });
  });

  it('fails to batch over a node output that is not an array', () => {
    expect(resolutionErrorOf(() => expandInputs(parse('#@green'), undefined, () => 42)).message).toBe(
      '#@green: the output of green is not an array',
    );
  });

  it('fails to batch over a missing path of a node output', () => {
    expect(resolutionErrorOf(() => expandInputs(parse('#@green.items'), undefined, () => ({}))).message).toBe(
      '#@green.items: the output of green is not an array',
    );
  });

  it('rejects a node output batch of more than MAX_BATCH items', () => {
    const huge = new Array(MAX_BATCH + 1).fill(0);
    expect(resolutionErrorOf(() => expandInputs(parse('#@green'), undefined, () => huge)).message).toBe(`batch has more than ${MAX_BATCH} items`);
  });

  it('reads a webhook stage\'s context with "@hook.context..." and falls back to the output for other nodes', () => {
    const contextOf = (node: string) => (node === 'hook' ? { buildInfo: { threshold: 3 } } : undefined);
    const outputOf = (node: string) => (node === 'hook' ? { threshold: 1 } : { context: 'worker output' });
    expect(expandInputs(parse('@hook.context.buildInfo.threshold', '@hook.threshold', '@green.context'), undefined, outputOf, contextOf).inputs).toEqual([[3, 1, 'worker output']]);
  });
});

describe('nested inputs (HKube flattens a node input)', () => {
  const batchOf = (...results: Array<[boolean, unknown]>): NodeOutput => ({ batch: true, items: results.map(([succeeded, result]) => ({ succeeded, result })) });
  const sources = (flowInput: Record<string, unknown> | undefined, outputs: Record<string, NodeOutput> = {}) => ({
    flowInput,
    outputOf: (n: string) => {
      if (!outputs[n]) throw new Error(`unexpected read of node ${n}`);
      return outputs[n];
    },
  });

  it('lists the leaves of objects and arrays with their paths, keeping empty containers as literals', () => {
    const leaves = parseNodeInput([{ a: '@flowInput.x', b: ['#@flowInput.list', 3] }, [], {}, 'plain']);
    expect(leaves.map((l) => [formatInputPath(l.path), l.expression.kind])).toEqual([
      ['[0].a', 'flow'],
      ['[0].b[0]', 'flow'],
      ['[0].b[1]', 'literal'],
      ['[1]', 'literal'],
      ['[2]', 'literal'],
      ['[3]', 'literal'],
    ]);
  });

  it('reports a bad nested expression with its path', () => {
    let caught: unknown;
    try {
      parseNodeInput([{ a: [1, '@green..x'] }]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputPathError);
    expect((caught as InputPathError).path).toEqual([0, 'a', 1]);
  });

  it('rebuilds the input around new leaf values, keeping "__proto__" a plain key', () => {
    const input = JSON.parse('[{"__proto__": "@flowInput.x", "k": [1, {}]}]') as unknown[];
    const rebuilt = rebuildInput(input, ['X', 9, {}]);
    expect(JSON.stringify(rebuilt)).toBe('[{"__proto__":"X","k":[9,{}]}]');
    expect(Object.getPrototypeOf(rebuilt[0])).toBe(Object.prototype);
  });

  it('resolves { "a": "@flowInput.x", "b": ["#@flowInput.list"] } into one task per list item, each put back in place', () => {
    const out = expandNodeInput([{ a: '@flowInput.x', b: ['#@flowInput.list'] }], sources({ x: { deep: 1 }, list: [1, 2] }));
    expect(out).toEqual({ batch: true, inputs: [[{ a: { deep: 1 }, b: [1] }], [{ a: { deep: 1 }, b: [2] }]] });
  });

  it('resolves a node reference inside a nested array without a batch', () => {
    expect(expandNodeInput([{ a: { b: [1, 2, ['@green.v']] } }], sources(undefined, { green: plainOutput({ v: 'G' }) }))).toEqual({
      batch: false,
      inputs: [[{ a: { b: [1, 2, ['G']] } }]],
    });
  });

  it('zips batches in different objects by index (HKube batch.test.js "should parse batch input as indexed")', () => {
    const out = expandNodeInput([{ data1: '#[0...10]' }, { val1: 'data1' }, { data2: '#[10...20]' }, 'data1'], sources(undefined), 'indexed');
    expect(out.inputs).toHaveLength(11);
    expect(out.inputs[0]).toEqual([{ data1: 0 }, { val1: 'data1' }, { data2: 10 }, 'data1']);
    expect(out.inputs[9]).toEqual([{ data1: 9 }, { val1: 'data1' }, { data2: 19 }, 'data1']);
  });

  it('makes every combination with batchOperation cartesian (HKube batch.test.js "should parse batch input as cartesian")', () => {
    const out = expandNodeInput([{ data1: '#[0...10]' }, { val1: 'data1' }, { val2: 'data2' }, { data2: '#[100...110]' }], sources(undefined), 'cartesian');
    expect(out.inputs).toHaveLength(121);
    expect(out.inputs[0]).toEqual([{ data1: 0 }, { val1: 'data1' }, { val2: 'data2' }, { data2: 100 }]);
    expect(out.inputs[100]).toEqual([{ data1: 9 }, { val1: 'data1' }, { val2: 'data2' }, { data2: 101 }]);
  });

  it('makes no tasks for a cartesian product with an empty batch', () => {
    expect(expandNodeInput(['#[1,2]', '#[]'], sources(undefined), 'cartesian')).toEqual({ batch: true, inputs: [] });
  });

  it('refuses a cartesian product of more than MAX_BATCH items', () => {
    expect(resolutionErrorOf(() => expandNodeInput(['#[1...1000]', '#[1...1001]'], sources(undefined), 'cartesian')).message).toBe(`batch has more than ${MAX_BATCH} items`);
  });

  it('drops the failed items of a batch node from "#@green" (HKube filters them out)', () => {
    const green = batchOf([true, 'a'], [false, null], [true, null], [true, 'c']);
    expect(expandNodeInput(['#@green'], sources(undefined, { green })).inputs).toEqual([['a'], [null], ['c']]);
  });

  it('reads "@green" over a batch node as every item, a failed one as null', () => {
    const green = batchOf([true, 'a'], [false, null], [true, 'c']);
    expect(expandNodeInput(['@green'], sources(undefined, { green })).inputs).toEqual([[['a', null, 'c']]]);
  });

  it('applies a path to each item of a batch node ("#@green.v" and "@green.v")', () => {
    const green = batchOf([true, { v: 1 }], [true, { v: 2 }]);
    expect(expandNodeInput(['#@green.v', '@green.v'], sources(undefined, { green })).inputs).toEqual([
      [1, [1, 2]],
      [2, [1, 2]],
    ]);
  });

  it('makes one task per item of green for waitAny "*@green", index-aligned (a failed item reads null)', () => {
    const green = batchOf([true, 'a'], [false, null], [true, 'c']);
    expect(expandNodeInput(['*@green', 'k'], sources(undefined, { green }))).toEqual({ batch: true, inputs: [['a', 'k'], [null, 'k'], ['c', 'k']] });
  });

  it('reads waitAny "*@green" over a plain node as "@green"', () => {
    expect(expandNodeInput(['*@green'], sources(undefined, { green: plainOutput(5) }))).toEqual({ batch: false, inputs: [[5]] });
  });

  it('batches "*#@green" over each succeeded item\'s array, one after another', () => {
    const green = batchOf([true, [1, 2]], [false, null], [true, 'not a list'], [true, [3]]);
    expect(expandNodeInput(['*#@green'], sources(undefined, { green })).inputs).toEqual([[1], [2], [3]]);
  });

  it('makes zero tasks (an empty batch) from "#@green" over an empty batch node', () => {
    expect(expandNodeInput(['#@green'], sources(undefined, { green: batchOf() }))).toEqual({ batch: true, inputs: [] });
  });
});
