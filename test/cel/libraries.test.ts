// The Kubernetes CEL libraries, checked against the examples in the Kubernetes documentation
// ("Common Expression Language in Kubernetes") and the k8s.io/apiserver library sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalCel } from './support.js';

function cases(table: [string, unknown][]): void {
  for (const [expression, expected] of table) assert.deepEqual(evalCel(expression), expected, expression);
}

function errors(table: [string, RegExp][]): void {
  for (const [expression, pattern] of table) assert.throws(() => evalCel(expression), pattern, expression);
}

test('strings extension', () => {
  cases([
    ['"hello".charAt(4)', 'o'],
    ['"hello".charAt(5)', ''],
    ['"hello mellow".indexOf("ello")', 1],
    ['"hello mellow".indexOf("ello", 2)', 7],
    ['"hello mellow".lastIndexOf("ello")', 7],
    ['"hello mellow".lastIndexOf("ello", 6)', 1],
    ['"ab😀cd".indexOf("c")', 3],
    ['"TacoCat".lowerAscii()', 'tacocat'],
    ['"TacoCÆt".upperAscii()', 'TACOCÆT'],
    ['"ÀB".lowerAscii()', 'Àb'],
    ['"hello hello".replace("he", "we")', 'wello wello'],
    ['"hello hello".replace("he", "we", 1)', 'wello hello'],
    ['"hello hello".replace("he", "we", 0)', 'hello hello'],
    ['"hello hello".split(" ")', ['hello', 'hello']],
    ['"hello hello hello".split(" ", 2)', ['hello', 'hello hello']],
    ['"hello hello hello".split(" ", 0)', []],
    ['"tacocat".substring(4)', 'cat'],
    ['"tacocat".substring(0, 4)', 'taco'],
    ['"a😀b".substring(1, 2)', '😀'],
    ['"  \\ttrim\\n    ".trim()', 'trim'],
    ['["hello", "mellow"].join()', 'hellomellow'],
    ['["hello", "mellow"].join(" ")', 'hello mellow'],
    ['[].join("/")', ''],
    ['"gums".reverse()', 'smug'],
    ['strings.quote("single-quote with \\"escaped\\" characters")', '"single-quote with \\"escaped\\" characters"'],
    ['"%d pods, %s, %.2f%%".format([3, "ok", 99.5])', '3 pods, ok, 99.50%'],
    ['"%x %X %o %b".format([255, 255, 8, 5])', 'ff FF 10 101'],
    ['"%s".format([[1, "a", true]])', '[1, a, true]'],
    ['"%e".format([1234.5678])', '1.234568e+03'],
  ]);
  errors([
    ['"hello".charAt(6)', /index out of range: 6/],
    ['"tacocat".substring(40)', /index out of range: 40/],
    ['"tacocat".substring(4, 2)', /invalid substring range/],
    ['"%d".format(["x"])', /decimal clause can only be used on integers/],
    ['"%d %d".format([1])', /index 1 out of range/],
  ]);
});

test('lists library and sets', () => {
  cases([
    ['[1, 2, 3].isSorted()', true],
    ['["a", "b", "b", "c"].isSorted()', true],
    ['[2.0, 1.0].isSorted()', false],
    ['[].isSorted()', true],
    ['[1, 3].sum()', 4],
    ['[1.0, 3.0].sum()', 4],
    ['[duration("1m"), duration("1s")].sum()', '61s'],
    ['[1, 3].min()', 1],
    ['[1, 3].max()', 3],
    ['["b", "a"].min()', 'a'],
    ['[1, 2, 2, 3].indexOf(2)', 1],
    ['["a", "b", "b", "c"].lastIndexOf("b")', 2],
    ['[1.0].indexOf(1.1)', -1],
    ['sets.contains([1, 2, 3, 4], [2, 3])', true],
    ['sets.contains([1, 2], [3])', false],
    ['sets.equivalent([1, 2, 3], [3, 2, 1, 1])', true],
    ['sets.intersects([1, 2], [2, 5])', true],
    ['[1, 2, 3, 4].slice(1, 3)', [2, 3]],
    ['[[1, 2], [3, [4]]].flatten()', [1, 2, 3, [4]]],
    ['[1, 2, 2, 1].distinct()', [1, 2]],
    ['[3, 1, 2].sort()', [1, 2, 3]],
    ['lists.range(3)', [0, 1, 2]],
  ]);
  errors([
    ['[].min()', /min called on empty list/],
    ['[9223372036854775807, 1].sum()', /integer overflow/],
    ['[1, 2].slice(2, 1)', /start index must be less than or equal/],
  ]);
});

test('regex: find, findAll and matches with RE2 semantics', () => {
  cases([
    ['"abc 123".find("[0-9]+")', '123'],
    ['"abc 123".find("xyz")', ''],
    ['"123 abc 456".findAll("[0-9]+")', ['123', '456']],
    ['"123 abc 456".findAll("[0-9]+", 1)', ['123']],
    ['"123 abc 456".findAll("xyz")', []],
    ['"nginx:1.25".matches("^[a-z]+:[0-9.]+$")', true],
    ['matches("abc", "b")', true],
  ]);
  // RE2 syntax: lookaheads and backreferences are not regular and are rejected, as in the API server.
  errors([
    ['"abc".matches("a(?=b)")', /invalid regular expression/],
    ['"aa".matches("(a)\\\\1")', /invalid regular expression/],
  ]);
});

test('regex: a catastrophic-backtracking pattern stays linear', () => {
  const input = `${'a'.repeat(50_000)}!`;
  const started = process.hrtime.bigint();
  assert.equal(evalCel('object.s.matches("^(a+)+$")', { object: { s: input } }), false);
  assert.equal(evalCel('object.s.find("(a|aa)+b")', { object: { s: input } }), '');
  // Not a timing assertion on performance, a guard against exponential behaviour (which takes minutes).
  assert.ok(process.hrtime.bigint() - started < 30_000_000_000n);
});

test('url library', () => {
  cases([
    ['url("https://example.com:80/").getHost()', 'example.com:80'],
    ['url("https://example.com/").getHost()', 'example.com'],
    ['url("https://[::1]:80/").getHost()', '[::1]:80'],
    ['url("https://[::1]:80/").getHostname()', '::1'],
    ['url("https://example.com:80/").getHostname()', 'example.com'],
    ['url("https://example.com:80/").getPort()', '80'],
    ['url("https://example.com/").getPort()', ''],
    ['url("/path").getScheme()', ''],
    ['url("https://example.com/").getScheme()', 'https'],
    ['url("https://example.com/path with spaces/").getEscapedPath()', '/path%20with%20spaces/'],
    ['url("https://example.com/path").getEscapedPath()', '/path'],
    ['url("https://example.com/?k=v&k=v2&x=a+b").getQuery()', { k: ['v', 'v2'], x: ['a b'] }],
    ['isURL("https://user:pass@example.com:80/path?query=val#fragment")', true],
    ['isURL("/absolute-path")', true],
    ['isURL("https://example.com:bad/")', false],
    ['isURL("relative/path")', false],
    ['isURL("")', false],
  ]);
  errors([['url("not a url")', /URL parse error/]]);
});

test('ip and cidr libraries', () => {
  cases([
    ['isIP("1.2.3.4")', true],
    ['isIP("::1")', true],
    ['isIP("1.2.3")', false],
    ['isIP("01.2.3.4")', false],
    ['isIP("fe80::1%eth0")', false],
    ['ip.isCanonical("127.0.0.1")', true],
    ['ip.isCanonical("2001:db8::abcd")', true],
    ['ip.isCanonical("2001:DB8::ABCD")', false],
    ['ip.isCanonical("2001:db8:0:0:0:0:0:abcd")', false],
    ['ip("127.0.0.1").family()', 4],
    ['ip("::1").family()', 6],
    ['ip("127.0.0.1").isLoopback()', true],
    ['ip("0.0.0.0").isUnspecified()', true],
    ['ip("::").isUnspecified()', true],
    ['ip("224.0.0.1").isLinkLocalMulticast()', true],
    ['ip("ff02::1").isLinkLocalMulticast()', true],
    ['ip("169.254.169.254").isLinkLocalUnicast()', true],
    ['ip("fe80::1").isLinkLocalUnicast()', true],
    ['ip("192.168.0.1").isGlobalUnicast()', true],
    ['ip("255.255.255.255").isGlobalUnicast()', false],
    ['string(ip("2001:db8:0:0:0:0:0:1"))', '2001:db8::1'],
    ['ip("10.0.0.1") == ip("10.0.0.1")', true],
    ['isCIDR("192.168.0.0/16")', true],
    ['isCIDR("192.168.0.0/33")', false],
    ['cidr("192.168.0.0/24").containsIP(ip("192.168.0.1"))', true],
    ['cidr("192.168.0.0/24").containsIP("192.168.1.1")', false],
    ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/25"))', true],
    ['cidr("192.168.0.0/24").containsCIDR("192.168.0.0/23")', false],
    ['cidr("::1/128").containsIP("::1")', true],
    ['cidr("192.168.0.0/24").containsIP("::1")', false],
    ['cidr("192.168.0.1/24").ip()', '192.168.0.1'],
    ['string(cidr("192.168.0.1/24").masked())', '192.168.0.0/24'],
    ['cidr("192.168.0.0/16").prefixLength()', 16],
    ['cidr("10.0.0.0/8") == cidr("10.0.0.0/8")', true],
  ]);
  errors([
    ['ip("::ffff:1.2.3.4")', /IPv4-mapped IPv6 address/],
    ['ip("not-an-ip")', /parse error/],
    ['cidr("1.2.3.4")', /parse error/],
  ]);
});

test('quantity library', () => {
  cases([
    ['quantity("50000000G").isInteger()', true],
    ['quantity("50k").asInteger()', 50000],
    ['quantity("9999999999999999999999999999999999999G").isInteger()', true],
    ['quantity("50.5").isInteger()', false],
    ['quantity("50.703k").asApproximateFloat()', 50703],
    ['quantity("50M").sign()', 1],
    ['quantity("-50M").sign()', -1],
    ['quantity("0").sign()', 0],
    ['isQuantity("1.3G")', true],
    ['isQuantity("1.3Gi")', true],
    ['isQuantity("1,3G")', false],
    ['isQuantity("10000k")', true],
    ['isQuantity("200K")', false],
    ['isQuantity("Three")', false],
    ['isQuantity("Mi")', false],
    ['quantity("50k").add(quantity("20k")) == quantity("70k")', true],
    ['quantity("50k").add(20) == quantity("50020")', true],
    ['quantity("50k").sub(quantity("20k")) == quantity("30k")', true],
    ['quantity("50k").sub(20) == quantity("49980")', true],
    ['quantity("50k").isGreaterThan(quantity("20k"))', true],
    ['quantity("50k").isLessThan(quantity("100k"))', true],
    ['quantity("200M").compareTo(quantity("0.2G"))', 0],
    ['quantity("50M").compareTo(quantity("50Mi"))', -1],
    ['quantity("1") == quantity("1000m")', true],
    ['quantity("1Gi").isGreaterThan(quantity("1G"))', true],
  ]);
  errors([
    ['quantity("50.5").asInteger()', /cannot convert value to integer/],
    ['quantity("1,3G")', /unable to parse/],
  ]);
});

test('semver library', () => {
  cases([
    ['isSemver("1.0.0")', true],
    ['isSemver("1.0")', false],
    ['isSemver("v1.0.0")', false],
    ['isSemver("v1.0", true)', true],
    ['semver("1.2.3-alpha.1+build.5").patch()', 3],
    ['semver("v01.02", true).minor()', 2],
    ['semver("1.2.3").major()', 1],
    ['semver("1.2.3").compareTo(semver("2.0.0"))', -1],
    ['semver("1.10.0").isGreaterThan(semver("1.9.0"))', true],
    ['semver("1.0.0-alpha").isLessThan(semver("1.0.0"))', true],
    ['semver("1.0.0-alpha.2").isGreaterThan(semver("1.0.0-alpha.10"))', false],
    ['semver("1.0.0+a") == semver("1.0.0+b")', true],
  ]);
  errors([['semver("1.0")', /invalid semver/]]);
});

test('format library', () => {
  cases([
    ['format.named("dns1123Label").hasValue()', true],
    ['format.named("unknown").hasValue()', false],
    ['format.dns1123Label().validate("my-label-name").hasValue()', false],
    ['format.dns1123Subdomain().validate("apiextensions.k8s.io").hasValue()', false],
    ['format.dns1035Label().validate("1abc").hasValue()', true],
    ['format.qualifiedName().validate("apiextensions.k8s.io/v1beta1").hasValue()', false],
    ['format.dns1123LabelPrefix().validate("my-label-prefix-").hasValue()', false],
    ['format.dns1123SubdomainPrefix().validate("mysubdomain.prefix.-").hasValue()', false],
    ['format.dns1035LabelPrefix().validate("my-label-prefix-").hasValue()', false],
    ['format.labelValue().validate("").hasValue()', false],
    ['format.uri().validate("http://example.com").hasValue()', false],
    ['format.uuid().validate("123e4567-e89b-12d3-a456-426614174000").hasValue()', false],
    ['format.byte().validate("aGVsbG8=").hasValue()', false],
    ['format.date().validate("2021-01-01").hasValue()', false],
    ['format.date().validate("2021-02-30").hasValue()', true],
    ['format.datetime().validate("2021-01-01T00:00:00Z").hasValue()', false],
    [`format.dns1123Label().validate("${'a'.repeat(64)}").value()`, ['must be no more than 63 characters']],
    [
      'format.named("dns1123Label").value().validate("Bad_Name").value()',
      [
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    ['format.qualifiedName().validate("a/b/c").value().size()', 1],
  ]);
});

test('timestamps with time zones', () => {
  cases([
    ['timestamp("2023-07-01T12:00:00Z").getHours("Europe/Berlin")', 14],
    ['timestamp("2023-01-01T12:00:00Z").getHours("Europe/Berlin")', 13],
    ['timestamp("2023-01-01T00:30:00Z").getDayOfWeek("America/Los_Angeles")', 6],
    ['timestamp("2023-01-01T00:30:00Z").getFullYear("-08:00")', 2022],
    ['timestamp("2023-01-01T00:30:00Z").getMinutes("+05:30")', 0],
    ['timestamp("2023-03-01T00:00:00Z").getDayOfYear()', 59],
    ['timestamp("2023-03-01T00:00:00Z").getMonth()', 2],
    ['timestamp("2023-03-01T00:00:00Z").getDate()', 1],
    ['timestamp("2023-03-01T00:00:00Z").getDayOfMonth()', 0],
    ['timestamp("2023-03-01T00:00:00.250Z").getMilliseconds()', 250],
    ['duration("3h25m").getMinutes()', 205],
    ['timestamp("2023-01-01T00:00:00Z") + duration("1h") > timestamp("2023-01-01T00:30:00Z")', true],
  ]);
  errors([['timestamp("2023-01-01T00:00:00Z").getHours("Mars/Olympus")', /invalid time zone/]]);
});
