import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectIndex } from '../../../src/kube/matching/object-index.js';
import { formatLoadError, loadPolicies } from '../../../src/policy/loader/load-policies.js';
import type { RuleOutcome } from '../../../src/policy/policy.js';

const VAP = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: max-replicas
spec:
  paramKind:
    apiVersion: v1
    kind: ConfigMap
  matchConstraints:
    resourceRules:
    - apiGroups: [apps]
      apiVersions: [v1]
      resources: [deployments]
      operations: [CREATE, UPDATE]
  validations:
  - expression: object.spec.replicas <= int(params.data.max)
    message: too many replicas
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: max-replicas-binding
spec:
  policyName: max-replicas
  validationActions: [Deny]
  paramRef:
    name: replica-limits
    namespace: policy
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: replica-limits
  namespace: policy
data:
  max: "3"
`;

const BROKEN = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: broken
spec:
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      cel:
        expressions:
        - expression: "object.spec.containers.all(c, c.image.startsWith('x')"
---
apiVersion: policies.kyverno.io/v1alpha1
kind: MutatingPolicy
metadata:
  name: add-labels
spec: {}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: orphan
spec:
  policyName: nowhere
  validationActions: [Deny]
`;

test('a folder of policies loads VAPs with their bindings and params, and reports errors and unsupported kinds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-policies-'));
  try {
    writeFileSync(join(dir, 'vap.yaml'), VAP);
    writeFileSync(join(dir, 'broken.yaml'), BROKEN);
    const lookup = new ObjectIndex();
    const loaded = await loadPolicies([dir], { lookup });
    for (const { object } of loaded.objects) lookup.add(object);
    assert.deepEqual(loaded.policies.map((p) => p.name), ['max-replicas']);
    assert.deepEqual(loaded.unsupported.map((u) => `${u.kind}/${u.name}`), ['MutatingPolicy/add-labels']);
    const errors = loaded.errors.map(formatLoadError);
    assert.equal(errors.length, 2);
    assert.match(errors[0]!, /broken\.yaml:1: ClusterPolicy\/broken: spec\.rules\[0\]\.validate\.cel\.expressions\[0\]\.expression: 1:\d+: /);
    assert.match(errors[1]!, /broken\.yaml:\d+: ValidatingAdmissionPolicyBinding\/orphan: spec\.policyName: no ValidatingAdmissionPolicy named "nowhere"/);
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 5 } };
    const [outcome] = (await loaded.policies[0]!.evaluate({ object: deployment, operation: 'CREATE' })) as RuleOutcome[];
    assert.deepEqual([outcome!.result, outcome!.message, outcome!.properties?.binding], ['fail', 'too many replicas', 'max-replicas-binding']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
