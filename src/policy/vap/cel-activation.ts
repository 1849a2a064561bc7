// The values a policy's expressions read besides `variables` — object, oldObject, request, params, namespaceObject —
// as CEL values. Each is converted on first read and kept for every policy judging the same input, so an object
// no expression reads (a Deployment judged through its pod template) is never converted, and one that many read is
// converted once. Of `object` and `oldObject`, only what some compiled policy reads is converted
// (POLICY_OBJECT_READS); should policies compiled later read more, the objects are converted again.
import { convertRead, convertToCel, ObjectReads, type SharedValues } from '../../cel/index.js';
import { admissionRequestOf, type AdmissionAttributes } from '../../kube/matching/attributes.js';
import type { KubeObject } from '../../kube/object.js';
import { servedForm } from './served-form.js';

const UNSET: unique symbol = Symbol('unset');

/** What the expressions of every compiled policy read of the objects they judge. */
export const POLICY_OBJECT_READS = new ObjectReads();

/** The objects of one admission request, or a view of them (an autogen rule's pod view), as CEL values. */
class JudgedObjects {
  /**
   * Values of variables that read only object, oldObject, request and namespaceObject, computed by one policy and
   * reused by the others judging the same objects.
   */
  #shared: SharedValues | undefined;
  /** Views of the request's objects by name (e.g. autogen's pod template view); undefined: there is no such view. */
  views: Map<string, JudgedObjects | undefined> | undefined;
  /** The activation of these objects without params (what most policies judge them with), made once. */
  withoutParams: CelActivation | undefined;
  #object: unknown = UNSET;
  #oldObject: unknown = UNSET;
  #request: unknown = UNSET;
  #namespaceObject: unknown = UNSET;
  /** The version of POLICY_OBJECT_READS the converted objects, and the values computed from them, are for. */
  #readsVersion = POLICY_OBJECT_READS.version;

  constructor(
    readonly attrs: AdmissionAttributes,
    readonly rawObject: KubeObject | null,
    readonly rawOldObject: KubeObject | null,
    /** For a view: the request's objects, whose request and namespace the view keeps. */
    private readonly request: JudgedObjects | undefined,
  ) {}

  get object(): unknown {
    this.#current();
    if (this.#object === UNSET) this.#object = servedForm(this.rawObject, convertRead(this.rawObject, POLICY_OBJECT_READS.object));
    return this.#object;
  }

  get oldObject(): unknown {
    this.#current();
    if (this.#oldObject === UNSET) this.#oldObject = servedForm(this.rawOldObject, convertRead(this.rawOldObject, POLICY_OBJECT_READS.oldObject));
    return this.#oldObject;
  }

  get shared(): SharedValues {
    this.#current();
    return (this.#shared ??= new Map());
  }

  /** Forgets conversions made for fewer reads than policies now make. */
  #current(): void {
    if (this.#readsVersion === POLICY_OBJECT_READS.version) return;
    this.#readsVersion = POLICY_OBJECT_READS.version;
    this.#object = UNSET;
    this.#oldObject = UNSET;
    this.#request = UNSET;
    this.#shared?.clear();
  }

  /** The AdmissionRequest; its `object` and `oldObject` are the converted objects themselves. */
  get admissionRequest(): unknown {
    if (this.request) return this.request.admissionRequest;
    this.#current();
    if (this.#request === UNSET) {
      const { object: _object, oldObject: _oldObject, ...rest } = admissionRequestOf(this.attrs);
      const request = convertToCel(rest) as Record<string, unknown>;
      if (this.object !== null) request.object = this.object;
      if (this.oldObject !== null) request.oldObject = this.oldObject;
      this.#request = request;
    }
    return this.#request;
  }

  get namespaceObject(): unknown {
    if (this.request) return this.request.namespaceObject;
    if (this.#namespaceObject === UNSET) this.#namespaceObject = convertToCel(this.attrs.namespaceObject);
    return this.#namespaceObject;
  }
}

export class CelActivation {
  #params: unknown = UNSET;

  private constructor(
    private readonly judged: JudgedObjects,
    private readonly rawParams: KubeObject | null,
  ) {}

  /** The activation of an admission request, without params. */
  static of(attrs: AdmissionAttributes): CelActivation {
    return new CelActivation(new JudgedObjects(attrs, attrs.object, attrs.oldObject, undefined), null);
  }

  get object(): unknown {
    return this.judged.object;
  }

  get oldObject(): unknown {
    return this.judged.oldObject;
  }

  get request(): unknown {
    return this.judged.admissionRequest;
  }

  get namespaceObject(): unknown {
    return this.judged.namespaceObject;
  }

  get params(): unknown {
    if (this.#params === UNSET) this.#params = convertToCel(this.rawParams);
    return this.#params;
  }

  get shared(): SharedValues {
    return this.judged.shared;
  }

  /** The activation with the policy's params object. */
  withParams(params: KubeObject | null): CelActivation {
    return params === this.rawParams ? this : new CelActivation(this.judged, params);
  }

  /**
   * The activation judging a view of the request's objects instead of the objects themselves (an autogen rule's
   * pod template view of a controller), with the same request and params; undefined when `make` finds no view.
   * Views are built once per request and name, so the policies judging the same view share its values.
   */
  view(name: string, make: (object: KubeObject | null, oldObject: KubeObject | null) => ObjectView | undefined): CelActivation | undefined {
    const views = (this.judged.views ??= new Map());
    let judged = views.get(name);
    if (judged === undefined && !views.has(name)) {
      const objects = make(this.judged.rawObject, this.judged.rawOldObject);
      judged = objects && new JudgedObjects(this.judged.attrs, objects.object, objects.oldObject, this.judged);
      views.set(name, judged);
    }
    if (judged === undefined) return undefined;
    if (this.rawParams !== null) return new CelActivation(judged, this.rawParams);
    return (judged.withoutParams ??= new CelActivation(judged, null));
  }
}

export interface ObjectView {
  object: KubeObject | null;
  oldObject: KubeObject | null;
}
