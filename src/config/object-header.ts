// The Kubernetes-style header every Gatehouse configuration object shares: apiVersion, kind and optional metadata.
import type { Field, ObjectReader } from './fields.js';

export const CONFIG_API_VERSION = 'gatehouse.dev/v1alpha1';

/** Checks apiVersion and kind and reads metadata (name, labels, annotations); returns metadata.name if any. */
export function readObjectHeader(doc: ObjectReader, kind: string): string | undefined {
  doc.field('apiVersion', { required: true })?.string({
    check: (v) => (v === CONFIG_API_VERSION ? undefined : `must be ${JSON.stringify(CONFIG_API_VERSION)} (got ${JSON.stringify(v)})`),
  });
  doc.field('kind', { required: true })?.string({
    check: (v) => (v === kind ? undefined : `must be ${JSON.stringify(kind)} (got ${JSON.stringify(v)})`),
  });
  const metadata = doc.field('metadata')?.object();
  if (!metadata) return undefined;
  const name = metadata.field('name')?.string({ maxLength: 253 });
  const stringMap = (field: Field | undefined) => field?.map((value) => value.string());
  stringMap(metadata.field('labels'));
  stringMap(metadata.field('annotations'));
  metadata.finish();
  return name;
}
