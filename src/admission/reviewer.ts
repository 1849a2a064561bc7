// Judges one AdmissionRequest: picks the policies that apply to the operation, evaluates them within the deadline
// with the request's user, namespace and old object, and turns the results into an answer — or, when Gatehouse
// itself fails, into what the failure policy says. No I/O happens here: lookups come from a watched cache.
import type { KubeObject } from '../kube/object.js';
import { hasPodTemplate } from '../kube/pod-template.js';
import type { EvaluationInput } from '../policy/policy.js';
import type { PolicyResult } from '../policy/result.js';
import { namespaceObjectFor, type ClusterObjects } from './cluster-objects.js';
import { bindDeadline, type Deadline } from './deadline.js';
import { decide, subjectOf, type AdmissionDecision } from './decision.js';
import { failureDecision, type Failure, type FailurePolicy } from './failure.js';
import { pssDefaults, type PssDefault } from './mutation/pss-defaults.js';
import { encodePatch } from './mutation/json-patch.js';
import type { PolicySet } from './policy-set.js';
import type { AdmissionRequest, AdmissionResponse } from './review.js';
import { podTemplateChanged } from './template-change.js';

export interface ReviewerSettings {
  failurePolicy: FailurePolicy;
  /** The PSS-safe defaults /mutate applies; empty = mutation off (every request allowed unchanged). */
  mutationDefaults: ReadonlySet<PssDefault>;
}

/** Subresources whose requests change what a pod runs; others (status, binding, scale…) are not judged by content. */
const CONTENT_SUBRESOURCES = new Set(['', 'ephemeralcontainers']);

function subjectObject(request: AdmissionRequest): KubeObject | null {
  return request.operation === 'DELETE' ? request.oldObject : request.object;
}

/** Whether the object-content policies (PSS, built-in) judge this request, as Pod Security Admission decides. */
function judgesContent(request: AdmissionRequest, object: KubeObject): boolean {
  if (!CONTENT_SUBRESOURCES.has(request.subResource ?? '')) return false;
  if (request.operation === 'CREATE') return true;
  if (request.operation !== 'UPDATE') return false;
  return !hasPodTemplate(object) || request.oldObject === null || podTemplateChanged(object, request.oldObject);
}

/** Everything of the request that policies may match on, as Kubernetes CEL sees it in `request`. */
function requestFields(request: AdmissionRequest): Record<string, unknown> {
  const { object: _object, oldObject: _oldObject, ...fields } = request;
  return fields;
}

function errorsOf(results: readonly PolicyResult[]): string[] {
  return results.filter((r) => r.result === 'error').map((r) => r.message);
}

function nameOf(request: AdmissionRequest, object: KubeObject): string {
  return request.name ?? object.metadata.name ?? object.metadata.generateName ?? '';
}

export class AdmissionReviewer {
  constructor(
    private readonly policies: () => PolicySet,
    private readonly cluster: ClusterObjects,
    private readonly settings: ReviewerSettings,
  ) {}

  /** The validating webhook's judgement. Never throws: failures become the failure policy's decision. */
  async validate(request: AdmissionRequest, deadline: Deadline): Promise<AdmissionDecision> {
    const object = subjectObject(request);
    if (object === null) return { allowed: true, warnings: [], auditAnnotations: { decision: 'allowed' } };
    const fail = (failure: Failure): AdmissionDecision => failureDecision(failure, this.settings.failurePolicy);
    let results: PolicyResult[];
    const set = this.policies();
    try {
      const input: EvaluationInput = {
        object,
        operation: request.operation,
        oldObject: request.oldObject,
        userInfo: request.userInfo,
        dryRun: request.dryRun,
        request: requestFields(request),
      };
      if (request.namespace) {
        const namespaceObject = namespaceObjectFor(this.cluster, request.namespace);
        if (!namespaceObject) return fail({ kind: 'internal', detail: `namespace "${request.namespace}" is not in Gatehouse's cache of the cluster yet` });
        input.namespaceObject = namespaceObject;
      } else {
        input.namespaceObject = null;
      }
      bindDeadline(input, deadline);
      const engine = judgesContent(request, object) ? set.all : set.declared;
      // No timer here: guardPolicy already bounds every policy that waits, and synchronous ones cannot be interrupted.
      results = await engine.evaluate(input);
    } catch (err) {
      return fail({ kind: deadline.expired() ? 'deadline' : 'internal', detail: (err as Error).message });
    }
    if (deadline.expired()) return fail({ kind: 'deadline', detail: `policies took longer than ${deadline.budgetMs} ms` });
    const errors = errorsOf(results);
    if (errors.length > 0) return fail({ kind: 'internal', detail: errors.join('; ') });
    const subject = subjectOf(request.resource, nameOf(request, object));
    return decide(results, { subject, podSecurity: set.podSecurity });
  }

  /** The mutating webhook's answer: PSS-safe defaults as a JSON Patch, when enabled and applicable. */
  mutate(request: AdmissionRequest): AdmissionDecision & { patch?: string } {
    const object = request.object;
    const mutable = object !== null && (request.subResource ?? '') === ''
      && (request.operation === 'CREATE'
        // A pod's spec cannot change after creation; a template owner's can, and is defaulted when it does.
        || (request.operation === 'UPDATE' && object.kind !== 'Pod' && request.oldObject !== null && podTemplateChanged(object, request.oldObject)));
    if (!mutable || this.settings.mutationDefaults.size === 0) return { allowed: true, warnings: [], auditAnnotations: {} };
    try {
      const { operations, applied } = pssDefaults(object, this.settings.mutationDefaults);
      if (operations.length === 0) return { allowed: true, warnings: [], auditAnnotations: {} };
      return { allowed: true, warnings: [], auditAnnotations: { mutations: applied.join(',') }, patch: encodePatch(operations) };
    } catch (err) {
      return failureDecision({ kind: 'internal', detail: `computing defaults failed: ${(err as Error).message}` }, this.settings.failurePolicy);
    }
  }
}

export function toResponse(uid: string, decision: AdmissionDecision & { patch?: string }): AdmissionResponse {
  const response: AdmissionResponse = { uid, allowed: decision.allowed };
  if (decision.status) response.status = decision.status;
  if (decision.patch) {
    response.patch = decision.patch;
    response.patchType = 'JSONPatch';
  }
  if (decision.warnings.length > 0) response.warnings = decision.warnings;
  if (Object.keys(decision.auditAnnotations).length > 0) response.auditAnnotations = decision.auditAnnotations;
  return response;
}
