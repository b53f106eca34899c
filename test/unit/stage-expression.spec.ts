import {
  evaluate,
  ExpressionEvaluationError,
  ExpressionSyntaxError,
  expressionsIn,
  parseExpression,
  parseTemplate,
  referencedNode,
  renderTemplate,
  renderValue,
  type ExpressionScope,
} from '../../src/stages/domain/stage-expression';

const scope: ExpressionScope = {
  flowInput: { env: 'prod', replicas: 3, nested: { list: [10, 20] } },
  jobId: 'deploy:1',
  input: ['a', 2],
  stage: (name) =>
    name === 'Webhook' ? { result: { ok: true }, context: { buildInfo: { threshold: 0.5, 'odd}key': 'x' } }, status: 'succeeded' } : undefined,
};

describe('stage expressions', () => {
  it("parses the seed's #stage('Webhook')['context']['buildInfo']['threshold']", () => {
    expect(parseExpression(" #stage('Webhook')['context']['buildInfo']['threshold'] ")).toEqual({
      source: "#stage('Webhook')['context']['buildInfo']['threshold']",
      root: { kind: 'stage', name: 'Webhook' },
      path: ['context', 'buildInfo', 'threshold'],
    });
  });

  it('parses dotted names, double quotes, escapes and indexes', () => {
    expect(parseExpression('flowInput.nested["list"][1]').path).toEqual(['nested', 'list', 1]);
    expect(parseExpression("#stage('it\\'s')").root).toEqual({ kind: 'stage', name: "it's" });
    expect(parseExpression('nodes.build-1.result').path).toEqual(['build-1', 'result']);
  });

  it.each([
    ['process.exit()', /unknown name "process"/],
    ['flowInput.', /expected a name/],
    ["flowInput['a'", /expected "\]"/],
    ["#stage('x'", /expected "\)"/],
    ["#stage('x)", /unterminated string/],
    ['flowInput[a]', /expected a quoted key or an index/],
    ['flowInput + 1', /unexpected "\+"/],
    ['', /expected a name/],
  ])('rejects %s', (src, message) => {
    expect(() => parseExpression(src)).toThrow(ExpressionSyntaxError);
    expect(() => parseExpression(src)).toThrow(message);
  });

  it('splits templates, skipping braces inside quoted keys', () => {
    expect(parseTemplate("a ${ #stage('Webhook')['context']['buildInfo']['odd}key'] } b").map((p) => p.kind)).toEqual(['text', 'expression', 'text']);
    expect(parseTemplate('no expressions $ here {}')).toEqual([{ kind: 'text', text: 'no expressions $ here {}' }]);
    expect(() => parseTemplate('x ${ flowInput.env')).toThrow(/without a closing/);
  });

  it('keeps the type of a string that is exactly one expression; mixed text concatenates', () => {
    expect(renderTemplate('${ flowInput.replicas }', scope)).toBe(3);
    expect(renderTemplate('${flowInput.nested}', scope)).toEqual({ list: [10, 20] });
    expect(renderTemplate("${ #stage('Webhook')['context']['buildInfo']['threshold'] }", scope)).toBe(0.5);
    expect(renderTemplate('${ jobId }/${ flowInput.replicas } ${ flowInput.nested.list }', scope)).toBe('deploy:1/3 [10,20]');
    expect(renderTemplate('${ input[1] }', scope)).toBe(2);
  });

  it('renders through objects and arrays, leaving other values alone', () => {
    expect(renderValue({ a: ['${ flowInput.env }', 1, null, { b: '${ nodes.Webhook.result.ok }' }] }, scope)).toEqual({ a: ['prod', 1, null, { b: true }] });
  });

  it('fails clearly on a missing key, an unknown or unfinished node, and never reads inherited members', () => {
    const fail = (src: string) => () => evaluate(parseExpression(src), scope);
    expect(fail('flowInput.missing')).toThrow(new ExpressionEvaluationError('${ flowInput.missing }: no key "missing"'));
    expect(fail("#stage('build')['context']")).toThrow('${ #stage(\'build\')[\'context\'] }: node "build" is unknown or has not finished');
    expect(fail('nodes.build.result')).toThrow(/node "build" is unknown or has not finished/);
    expect(fail('flowInput.constructor')).toThrow(/no key "constructor"/);
    expect(fail('flowInput.nested.list[2]')).toThrow(/no key 2/);
    expect(fail('nodes')).toThrow(/name a node/);
  });

  it('finds the nodes expressions read', () => {
    const found = expressionsIn({ u: "${ #stage('a')['context'] }", p: ['${ nodes.b.result }', '${ flowInput.x }'] });
    expect(found.map(referencedNode)).toEqual(['a', 'b', undefined]);
  });
});
