// Objects as a multi-document YAML stream that kubectl and the manifest loader read back unchanged. js-yaml's
// default schema quotes every string a YAML 1.1 reader (kubectl's go-yaml) would take for something else (`on`,
// `no`, `y`, `0755`, `1_000`, `12:30`, dates); lines are never folded and shared objects never become aliases.
import { dump } from 'js-yaml';

export function yamlDocuments(objects: readonly unknown[]): string {
  return objects.map((object) => dump(object, { lineWidth: -1, noRefs: true })).join('---\n');
}
