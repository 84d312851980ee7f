'use strict'

// explain(): the structured result, and its text, which must be the CLI's.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { explain, matchesRule, Explanation, InvalidPatternError, InvalidEventError } = require('..')

const PATTERN =
  '{"source": ["com.shop"], "detail": {"state": ["stopped", {"prefix": "term"}], "gone": [{"exists": false}]}}'
const EVENT = '{"source": "com.shop", "detail": {"state": "running", "gone": {"x": 1}}}'

// What `ferruler explain --event-pattern PATTERN --event EVENT` prints (bindings/cli/tests/cli/explain.rs).
const CLI_TEXT = [
  'no match',
  '✓ detail.gone {"exists": false}',
  '    an object here, not a value (objects never match)',
  '✗ detail.state ["stopped", {"prefix": "term"}]',
  '    detail.state = "running"  not accepted',
  '✓ source ["com.shop"]',
  '    source = "com.shop"  accepted by "com.shop"',
  '→ no accepted value at detail.state',
  '',
].join('\n')

// A pattern with wildcards: its complexity (EventBridge's measure) comes under the verdict, as the
// CLI prints it (bindings/cli/tests/cli/explain.rs).
test('toString() shows the wildcard complexity', () => {
  const why = explain({ key: [{ wildcard: '*/*/*/*/*.json' }] }, { key: 'a/b/c/d/e.json' })
  assert.equal(
    String(why),
    [
      'match',
      'wildcard complexity 9 (EventBridge refuses a rule above 10)',
      '✓ key [{"wildcard": "*/*/*/*/*.json"}]',
      '    key = "a/b/c/d/e.json"  accepted by {"wildcard": "*/*/*/*/*.json"} (chosen)',
      '',
    ].join('\n'),
  )
})

test('toString() is the CLI text', () => {
  const why = explain(PATTERN, EVENT)
  assert.ok(why instanceof Explanation)
  assert.equal(String(why), CLI_TEXT)
  assert.equal(`${why}`, CLI_TEXT)
})

test('conditions, values and verdicts', () => {
  const why = explain(PATTERN, EVENT)
  assert.equal(why.matched, false)
  assert.equal(why.alternatives.length, 1)
  const [alternative] = why.alternatives
  assert.equal(alternative.reason, 'unsatisfied')
  const [gone, state, source] = alternative.conditions
  assert.deepEqual(
    { path: gone.path, existsFalse: gone.existsFalse, holds: gone.holds, objects: gone.objects },
    { path: 'detail.gone', existsFalse: true, holds: true, objects: 1 },
  )
  assert.deepEqual(state, {
    path: 'detail.state',
    matchers: ['"stopped"', '{"prefix": "term"}'],
    existsFalse: false,
    holds: false,
    values: [{ location: 'detail.state', value: 'running', acceptedBy: [] }],
    objects: 0,
    emptyArrays: 0,
    chosen: null,
  })
  assert.deepEqual(source.values[0].acceptedBy, ['"com.shop"'])
})

test('a match names the chosen value', () => {
  const why = explain({ n: [{ numeric: ['>', 2] }] }, { n: [1, 3.5] })
  assert.equal(why.matched, true)
  const [condition] = why.alternatives[0].conditions
  assert.deepEqual(condition.values.map((v) => v.value), [1, 3.5])
  assert.equal(condition.chosen, 1)
  assert.deepEqual(condition.matchers, ['{"numeric": [">", 2]}'])
  assert.match(String(why), /^match\n/)
})

test('array consistency and exists: false reasons', () => {
  const conflict = explain(
    { items: { sku: ['A'], qty: [2] } },
    { items: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 2 }] },
  ).alternatives[0]
  assert.equal(conflict.reason, 'array_conflict')
  assert.deepEqual(conflict.conflicts, [{ first: 'items.qty', second: 'items.sku', array: 'items' }])
  const absent = explain({ a: { b: [1], c: [{ exists: false }] } }, { a: [{ b: 1, c: 5 }] }).alternatives[0]
  assert.equal(absent.reason, 'absent_violated')
  assert.deepEqual(absent.blocking, [{ path: 'a.c', location: 'a[0].c' }])
})

test('$or branches are each explained', () => {
  const why = explain('{"$or": [{"a": [1]}, {"b": [2]}]}', Buffer.from('{"b": 2}'))
  assert.equal(why.matched, true)
  assert.deepEqual(why.alternatives.map((a) => a.reason), ['unsatisfied', 'matched'])
  assert.match(String(why), /alternative 1 of 2: no match\n/)
  assert.match(String(why), /alternative 2 of 2: matches\n/)
})

test('errors are the usual ones', () => {
  assert.throws(() => explain('{"a": [{"numeric": [">", "x"]}]}', '{}'), InvalidPatternError)
  assert.throws(() => explain('{"a": [1]}', '{"a": [1,}'), InvalidEventError)
  assert.throws(() => explain('{"a": [1]}', '{}', { limits: { maxPatternBytes: 5 } }), /limits\.maxPatternBytes/)
  assert.throws(() => explain('{"a": [1]}', '{}', { limit: {} }), { code: 'ERR_INVALID_ARG_VALUE' })
  assert.throws(() => explain(1, '{}'), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('agrees with matching', () => {
  const pattern = { region: [{ prefix: 'eu-' }] }
  for (const event of [{ region: 'eu-west-1' }, { region: 'us-east-1' }]) {
    assert.equal(explain(pattern, event).matched, matchesRule(event, pattern))
  }
})
