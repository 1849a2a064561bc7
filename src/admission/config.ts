// The admission webhook's settings and their defaults. They come from an `AdmissionConfiguration`
// (gatehouse.dev/v1alpha1, see admission-configuration.ts) or, without one, from these defaults alone.
import type { PssSelector } from '../policy/pss/index.js';
import type { BuiltinPolicyOptions } from '../policy/builtin/options.js';
import type { WatchedKind } from './cluster-cache.js';
import type { FailurePolicy } from './failure.js';
import type { PssDefault } from './mutation/pss-defaults.js';
import type { AdmissionReviewLimits } from './review.js';

export interface AdmissionSettings {
  failurePolicy: FailurePolicy;
  /** Answer within this many milliseconds of receiving a request; below the webhook's timeoutSeconds. */
  deadlineMs: number;
  limits: AdmissionReviewLimits;
  podSecurity: {
    /** Level whose violations deny; null = not enforced. */
    enforce: PssSelector | null;
    /** Level whose violations come back as warnings; null = none. */
    warn: PssSelector | null;
  };
  /** Options of the built-in best-practice rules; null = not run at admission. */
  builtin: BuiltinPolicyOptions | null;
  mutationDefaults: ReadonlySet<PssDefault>;
  exemptionGroups: ReadonlySet<string>;
  /** Kinds that policies take parameters from, watched in the cluster besides Namespaces. */
  paramKinds: readonly WatchedKind[];
}

/** The webhook timeout the generated manifests set; the deadline leaves a second for TLS and the network. */
export const DEFAULT_TIMEOUT_SECONDS = 5;

export const DEFAULT_SETTINGS: AdmissionSettings = {
  failurePolicy: 'Fail',
  deadlineMs: DEFAULT_TIMEOUT_SECONDS * 1000 - 1000,
  limits: {
    // The API server accepts object bodies up to 3 MiB; a review carries object and oldObject, plus the envelope.
    maxRequestBytes: 7 * 1024 * 1024,
    maxJsonDepth: 100,
  },
  podSecurity: { enforce: { level: 'restricted', version: 'latest' }, warn: null },
  builtin: null,
  mutationDefaults: new Set(),
  exemptionGroups: new Set(),
  paramKinds: [],
};
