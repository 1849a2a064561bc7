// Converting only what expressions read: the read parts exactly as a whole conversion makes them, the rest shared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertRead, convertToCel, ObjectReads } from '../../../src/cel/index.js';

const pod = () => ({
  metadata: { name: 'p', labels: { app: 'x' }, generation: 4 },
  spec: {
    hostNetwork: null,
    containers: [
      { name: 'a', ports: [{ containerPort: 80 }], securityContext: { runAsUser: 0, privileged: null } },
      { name: 'b', ports: [{ containerPort: 81 }] },
    ],
    volumes: [{ name: 'v', emptyDir: {} }],
  },
});

test('read paths are converted (ints, dropped nulls); unread parts are the input itself', () => {
  const reads = new ObjectReads();
  const containers = reads.object.child('spec').child('containers');
  containers.element().child('securityContext').child('runAsUser').readWhole();
  reads.object.child('spec').child('hostNetwork');
  const input = pod();
  const before = structuredClone(input);
  const out = convertRead(input, reads.object) as ReturnType<typeof pod>;
  assert.deepEqual(input, before, 'the input is not modified');
  assert.equal(out.metadata, input.metadata, 'unread: shared, its int not converted');
  assert.equal('hostNetwork' in out.spec, false, 'a null entry that is read is dropped');
  assert.equal((out.spec.containers[0]!.securityContext as Record<string, unknown>).runAsUser, 0n);
  assert.equal(out.spec.containers[0]!.ports, input.spec.containers[0]!.ports, 'unread ports: shared');
  assert.equal(out.spec.containers[1], input.spec.containers[1], 'nothing read in it changed: shared');
  assert.equal(out.spec.volumes, input.spec.volumes);
});

test('a part read whole, or every part, converts as convertToCel does', () => {
  const reads = new ObjectReads();
  reads.object.child('spec').readWhole();
  const input = pod();
  assert.deepEqual((convertRead(input, reads.object) as { spec: unknown }).spec, (convertToCel(input) as { spec: unknown }).spec);
  reads.everything();
  assert.deepEqual(convertRead(input, reads.object), convertToCel(input));
});

test('an entry read by name and as any value is converted for both', () => {
  const reads = new ObjectReads();
  const labels = reads.object.child('metadata');
  labels.child('generation');
  labels.element().readWhole();
  const out = convertRead(pod(), reads.object) as { metadata: Record<string, unknown> };
  assert.equal(out.metadata.generation, 4n);
  assert.deepEqual(out.metadata.labels, { app: 'x' });
});

test('nesting is bounded where it is read', () => {
  const reads = new ObjectReads();
  reads.everything();
  let deep: Record<string, unknown> = {};
  for (let i = 0; i < 200; i++) deep = { d: deep };
  assert.throws(() => convertRead(deep, reads.object), /nests deeper than 100 levels/);
  assert.equal(convertRead(deep, new ObjectReads().object), deep, 'nothing read: not walked');
});

test('a key objects inherit is read only where it is the object’s own', () => {
  const reads = new ObjectReads();
  reads.object.child('a').child('constructor').readWhole();
  reads.object.child('b').child('toString').readWhole();
  const input = JSON.parse('{"a": {"constructor": 5}, "b": {"x": 1}}') as Record<string, Record<string, unknown>>;
  const out = convertRead(input, reads.object) as typeof input;
  assert.equal(out.a!.constructor, 5n);
  assert.equal(out.b, input.b, 'inherited toString is not an entry: nothing to convert');
});
