// The values a policy's expressions read besides `variables` — object, oldObject, request, params, namespaceObject —
// as CEL values. Each is converted on first read and kept for every policy judging the same input, so an object
// no expression reads (a Deployment judged through its pod template) is never converted, and one that many read is
// converted once.
import { toCelValue, type SharedValues } from '../../cel/index.js';
import { admissionRequestOf, type AdmissionAttributes } from '../../kube/matching/attributes.js';
import type { KubeObject } from '../../kube/object.js';
import { servedForm } from './served-form.js';

const UNSET: unique symbol = Symbol('unset');

/** The objects of one admission request, or a view of them (an autogen rule's pod view), as CEL values. */
class JudgedObjects {
  /**
   * Values of variables that read only object, oldObject, request and namespaceObject, computed by one policy and
   * reused by the others judging the same objects.
   */
  readonly shared: SharedValues = new Map();
  readonly views: { object: KubeObject | null; oldObject: KubeObject | null; judged: JudgedObjects }[] = [];
  #object: unknown = UNSET;
  #oldObject: unknown = UNSET;
  #request: unknown = UNSET;
  #namespaceObject: unknown = UNSET;

  constructor(
    readonly attrs: AdmissionAttributes,
    private readonly rawObject: KubeObject | null,
    private readonly rawOldObject: KubeObject | null,
    /** For a view: the request's objects, whose request and namespace the view keeps. */
    private readonly request: JudgedObjects | undefined,
  ) {}

  get object(): unknown {
    if (this.#object === UNSET) this.#object = servedForm(this.rawObject, toCelValue(this.rawObject));
    return this.#object;
  }

  get oldObject(): unknown {
    if (this.#oldObject === UNSET) this.#oldObject = servedForm(this.rawOldObject, toCelValue(this.rawOldObject));
    return this.#oldObject;
  }

  /** The AdmissionRequest; its `object` and `oldObject` are the converted objects themselves. */
  get admissionRequest(): unknown {
    if (this.request) return this.request.admissionRequest;
    if (this.#request === UNSET) {
      const { object: _object, oldObject: _oldObject, ...rest } = admissionRequestOf(this.attrs);
      const request = toCelValue(rest) as Record<string, unknown>;
      if (this.object !== null) request.object = this.object;
      if (this.oldObject !== null) request.oldObject = this.oldObject;
      this.#request = request;
    }
    return this.#request;
  }

  get namespaceObject(): unknown {
    if (this.request) return this.request.namespaceObject;
    if (this.#namespaceObject === UNSET) this.#namespaceObject = toCelValue(this.attrs.namespaceObject);
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
    if (this.#params === UNSET) this.#params = toCelValue(this.rawParams);
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
   * The activation judging other objects than the request's (an autogen rule's pod view of a controller), with the
   * same request and params. Views are kept per objects, so the policies judging the same view share its values.
   */
  judging(object: KubeObject | null, oldObject: KubeObject | null): CelActivation {
    const views = this.judged.views;
    let view = views.find((v) => v.object === object && v.oldObject === oldObject);
    if (!view) views.push((view = { object, oldObject, judged: new JudgedObjects(this.judged.attrs, object, oldObject, this.judged) }));
    return new CelActivation(view.judged, this.rawParams);
  }
}
