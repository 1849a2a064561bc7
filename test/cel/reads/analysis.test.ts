// What expressions read of `object` and `oldObject`, found from the checked AST before any evaluation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CelEnvironment, LazyVariables, ObjectReads, type ReadTree } from '../../../src/cel/index.js';

/** The tree as text: one path per line, `*` for any element, `=` for read whole. */
function paths(tree: ReadTree, prefix = ''): string[] {
  const out: string[] = [];
  if (tree.whole) out.push(`${prefix}=`);
  for (const [key, child] of tree.children) out.push(`${prefix}.${key}`, ...paths(child, `${prefix}.${key}`));
  if (tree.any) out.push(`${prefix}[*]`, ...paths(tree.any, `${prefix}[*]`));
  return out;
}

function readsOf(expressions: readonly string[], variables: readonly [string, string][] = []): ObjectReads {
  const reads = new ObjectReads();
  const lazy = new LazyVariables(variables.map(([name]) => name));
  const env = new CelEnvironment({
    variables: { object: 'dyn', oldObject: 'dyn', request: 'dyn', params: 'dyn', variables: lazy.typeName },
    libraries: [lazy.library],
    objectReads: reads,
  });
  for (const [name, expression] of variables) lazy.define(name, env.compile(expression, { variable: name }));
  for (const expression of expressions) env.compile(expression);
  return reads;
}

test('selections, optional chains and has() reach fields; what is compared or returned is read whole', () => {
  const reads = readsOf(['object.spec.?hostNetwork.orValue(false) == true', 'has(object.spec.volumes) && object.metadata.name.startsWith("a")']);
  assert.deepEqual(paths(reads.object), ['.spec', '.spec.hostNetwork', '.spec.hostNetwork=', '.spec.volumes', '.metadata', '.metadata.name', '.metadata.name=']);
  assert.deepEqual(paths(reads.oldObject), []);
});

test('comprehension variables, variables and concatenation keep the place of what they hold', () => {
  const reads = readsOf(
    ['variables.all.all(c, c.?securityContext.?privileged.orValue(false) == false)'],
    [['all', 'object.spec.containers + object.spec.?initContainers.orValue([])']],
  );
  assert.deepEqual(paths(reads.object), [
    '.spec',
    '.spec.containers',
    '.spec.containers[*]',
    '.spec.containers[*].securityContext',
    '.spec.containers[*].securityContext.privileged',
    '.spec.containers[*].securityContext.privileged=',
    '.spec.initContainers',
    '.spec.initContainers[*]',
    '.spec.initContainers[*].securityContext',
    '.spec.initContainers[*].securityContext.privileged',
    '.spec.initContainers[*].securityContext.privileged=',
  ]);
});

test('request.object is object; an index that is not a literal reads every element', () => {
  const reads = readsOf(['request.object.metadata.labels[params.key] == "x"', 'oldObject.spec["replicas"] > 1']);
  assert.deepEqual(paths(reads.object), ['.metadata', '.metadata.labels', '.metadata.labels[*]', '.metadata.labels[*]=']);
  assert.deepEqual(paths(reads.oldObject), ['.spec', '.spec.replicas', '.spec.replicas=']);
});

test('a value passed to a function, put in a literal or used as the result is read whole', () => {
  assert.deepEqual(paths(readsOf(['size(object.spec.containers) > 0']).object), ['.spec', '.spec.containers', '.spec.containers=']);
  for (const expression of ['[object.spec][0].x == 1', 'object.spec']) {
    assert.deepEqual(paths(readsOf([expression]).object), ['.spec', '.spec='], expression);
  }
  assert.equal(readsOf(['request == null']).object.whole, true, 'the whole request holds the whole object');
});

test('what the analysis cannot follow makes both objects read whole', () => {
  // A two-variable comprehension (a macro it does not know), and a variable whose expression it has not seen.
  const unseen = new ObjectReads();
  const lazy = new LazyVariables(['later']);
  new CelEnvironment({ variables: { object: 'dyn', variables: lazy.typeName }, libraries: [lazy.library], objectReads: unseen }).compile('variables.later.x == 1');
  for (const reads of [readsOf(['object.metadata.labels.all(k, v, v != "")']), unseen]) {
    assert.equal(reads.object.whole, true);
    assert.equal(reads.oldObject.whole, true);
  }
});

test('the version changes exactly when the tree grows', () => {
  const reads = readsOf(['object.spec.replicas > 1']);
  const env = new CelEnvironment({ variables: { object: 'dyn' }, objectReads: reads });
  const version = reads.version;
  env.compile('object.spec.replicas > 2');
  assert.equal(reads.version, version, 'nothing new');
  env.compile('object.metadata.name == "x"');
  assert.ok(reads.version > version);
});
