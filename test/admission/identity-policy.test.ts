// The identity-aware example policy end to end: workflow claims forwarded by `gatehouse proxy` as userInfo.extra
// decide who may change Deployments in namespaces labelled env=prod (namespaces from a static file).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadStaticObjects } from '../../src/admission/cluster-objects.js';
import { DEFAULT_SETTINGS } from '../../src/admission/config.js';
import { loadAdmissionPolicies } from '../../src/admission/policy-sources.js';
import type { KubeObject } from '../../src/kube/object.js';
import type { UserInfo } from '../../src/policy/policy.js';
import { admit, ALICE, reviewOf } from './support/reviews.js';
import { startTestWebhook, type TestWebhook } from './support/webhook.js';
import { restrictedSpec, workloads } from './support/workloads.js';

const POLICY = 'examples/admission/prod-deployments-release-workflow.yaml';
const NAMESPACES = 'examples/admission/namespaces.yaml';

function workflow(repository: string, ref: string, file: string): UserInfo {
  return {
    username: `github:repo:${repository}:ref:${ref}`,
    uid: '123456',
    groups: ['github:org', `github:${repository}`, 'system:authenticated'],
    extra: {
      'gatehouse.dev/repository': [repository],
      'gatehouse.dev/ref': [ref],
      'gatehouse.dev/workflow': [`${repository}/.github/workflows/${file}@${ref}`],
      'gatehouse.dev/sha': ['4b825dc642cb6eb9a060e54bf8d69288fbee4904'],
    },
  };
}

const RELEASE = workflow('org/app', 'refs/heads/main', 'release.yml');
const NAMESPACE_CONTROLLER: UserInfo = { username: 'system:serviceaccount:kube-system:namespace-controller', groups: ['system:serviceaccounts', 'system:authenticated'] };

function deploymentIn(namespace: string): KubeObject {
  return workloads(restrictedSpec, namespace)[1]!;
}

describe('example policy: only org/app release workflow on main may change prod Deployments', () => {
  let webhook: TestWebhook;
  let validate: string;
  before(async () => {
    const cluster = await loadStaticObjects([NAMESPACES]);
    webhook = await startTestWebhook({ policyPaths: [POLICY], cluster, loadPolicies: () => loadAdmissionPolicies(DEFAULT_SETTINGS, [POLICY], cluster) });
    validate = `${webhook.url}/validate`;
  });
  after(() => webhook.close());

  it('admits the release workflow of org/app on main, and records who deployed', async () => {
    for (const operation of ['CREATE', 'UPDATE', 'DELETE'] as const) {
      const deployment = deploymentIn('shop-prod');
      const response = await admit(validate, webhook.ca, reviewOf(deployment, { userInfo: RELEASE, operation, oldObject: operation === 'UPDATE' ? deployment : null }));
      assert.equal(response.allowed, true, `${operation}: ${response.status?.message}`);
      assert.equal(response.auditAnnotations?.['prod-deployments-from-release-workflow.deployer'], `${RELEASE.username} via org/app/.github/workflows/release.yml@refs/heads/main`);
    }
  });

  const refused: [string, UserInfo][] = [
    ['a person', ALICE],
    ['another workflow of org/app', workflow('org/app', 'refs/heads/main', 'ci.yml')],
    ['the release workflow on a feature branch', workflow('org/app', 'refs/heads/feature', 'release.yml')],
    ['the release workflow of a fork', workflow('mallory/app', 'refs/heads/main', 'release.yml')],
    ['a user claiming two repositories', { ...RELEASE, extra: { ...RELEASE.extra, 'gatehouse.dev/repository': ['org/app', 'mallory/app'] } }],
  ];
  for (const [who, user] of refused) {
    it(`refuses ${who} in a prod namespace, for CREATE, UPDATE and DELETE`, async () => {
      for (const operation of ['CREATE', 'UPDATE', 'DELETE'] as const) {
        const deployment = deploymentIn('shop-prod');
        const response = await admit(validate, webhook.ca, reviewOf(deployment, { userInfo: user, operation, oldObject: operation === 'UPDATE' ? deployment : null }));
        assert.equal(response.allowed, false, `${who} ${operation}`);
        assert.equal(response.status?.code, 403);
        assert.match(response.status!.message, /^deployments\.apps "web" is forbidden: prod-deployments-from-release-workflow\/validations\[0\]: only the release workflow of org\/app on refs\/heads\/main may change Deployments in production namespaces; /);
        assert.ok(response.status!.message.includes(user.username));
      }
    });
  }

  it('does not restrict namespaces without env=prod, nor other kinds in prod', async () => {
    assert.equal((await admit(validate, webhook.ca, reviewOf(deploymentIn('shop-staging'), { userInfo: ALICE }))).allowed, true);
    const pod = workloads(restrictedSpec, 'shop-prod')[0]!;
    assert.equal((await admit(validate, webhook.ca, reviewOf(pod, { userInfo: ALICE }))).allowed, true);
  });

  it("leaves Kubernetes' own controllers alone, so namespace deletion cannot get stuck", async () => {
    const response = await admit(validate, webhook.ca, reviewOf(deploymentIn('shop-prod'), { userInfo: NAMESPACE_CONTROLLER, operation: 'DELETE' }));
    assert.equal(response.allowed, true);
  });
});
