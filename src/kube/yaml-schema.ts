// YAML as Kubernetes reads it. kubectl and the API server decode YAML with go-yaml v2 (through sigs.k8s.io/yaml),
// which resolves plain scalars by YAML 1.1 rules: `yes`/`on`/`y` are booleans, `0755` is octal, `1_000` is 1000,
// and dates stay strings. A scanner that resolved them differently could be evaded (`privileged: on` is true to
// the cluster), so Gatehouse resolves scalars exactly as go-yaml v2 does.
import { NOT_RESOLVED, Schema, boolYaml11Tag, defineScalarTag, mapTag, mergeTag, nullYaml11Tag, seqTag, strTag } from 'js-yaml';

const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))$/;
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOATS: Record<string, number> = {
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity,
  '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
};

/** go-yaml v2: drop underscores, then strconv.ParseInt(s, 0, 64), then its YAML float pattern with ParseFloat. */
export function resolveGoYamlNumber(source: string): number | typeof NOT_RESOLVED {
  if (source in SPECIAL_FLOATS) return SPECIAL_FLOATS[source]!;
  const plain = source.replaceAll('_', '');
  const int = GO_INT.exec(plain);
  if (int) {
    const [, sign, hex, oct, bin, legacyOct, dec] = int;
    const magnitude = hex !== undefined ? parseInt(hex, 16)
      : oct !== undefined ? parseInt(oct, 8)
      : bin !== undefined ? parseInt(bin, 2)
      : legacyOct !== undefined ? parseInt(legacyOct, 8)
      : Number(dec);
    return sign === '-' ? -magnitude : magnitude;
  }
  return GO_FLOAT.test(plain) ? Number(plain) : NOT_RESOLVED;
}

const goYamlNumberTag = defineScalarTag<number>('tag:yaml.org,2002:int', {
  implicit: true,
  implicitFirstChars: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '-', '+', '.'],
  resolve: (source) => resolveGoYamlNumber(source),
  identify: (data) => typeof data === 'number',
});

const goYamlFloatTag = defineScalarTag<number>('tag:yaml.org,2002:float', {
  resolve: (source) => resolveGoYamlNumber(source),
  identify: () => false,
});

export const KUBERNETES_YAML_SCHEMA = new Schema([strTag, seqTag, mapTag, nullYaml11Tag, boolYaml11Tag, goYamlNumberTag, goYamlFloatTag, mergeTag]);
