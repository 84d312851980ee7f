'use strict'

// Machine#complexity() and patternComplexity(): EventBridge's "Rule is too complex" measure. A
// rule's wildcard complexity is, on each field, the most wildcard rule prefixes one value could be
// matching at once, the largest over its fields; above limits.maxComplexity (10, as EventBridge)
// the rule is refused. The figures are the README's.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Machine, patternComplexity, InvalidPatternError } = require('..')

/** n `*:stack/NAME/*` wildcards on one field. */
const stacks = (n) => ({
  resources: Array.from({ length: n }, (_, i) => ({ wildcard: `*:stack/name${i}/*` })),
})
const JSON_FILES = { key: [{ wildcard: '*/*/*/*/*.json' }] } // 9
const DEEPER_JSON_FILES = { key: [{ wildcard: '*/*/*/*/*/*.json' }] } // 11
const TOO_COMPLEX = { name: 'InvalidPatternError', message: /Rule is too complex/ }

test('no wildcards and an empty machine are 0', () => {
  assert.equal(new Machine().complexity(), 0)
  assert.equal(patternComplexity({ a: ['x'], b: [{ prefix: 'y' }] }), 0)
})

test("EventBridge's figures", () => {
  assert.equal(patternComplexity(stacks(3)), 9)
  assert.equal(patternComplexity(JSON_FILES), 9)
})

test('above maxComplexity is too complex', () => {
  assert.equal(new Machine().limits.maxComplexity, 10)
  for (const pattern of [stacks(4), DEEPER_JSON_FILES]) {
    assert.throws(() => patternComplexity(pattern), TOO_COMPLEX)
    assert.throws(() => new Machine().addRule('r', pattern), TOO_COMPLEX)
  }
})

test('the limit moves with maxComplexity', () => {
  assert.equal(patternComplexity(stacks(4), { limits: { maxComplexity: 12 } }), 12)
  assert.equal(patternComplexity(DEEPER_JSON_FILES, { limits: { maxComplexity: 11 } }), 11)
  assert.throws(() => patternComplexity(stacks(3), { limits: { maxComplexity: 8 } }), TOO_COMPLEX)
  const machine = new Machine({ limits: { maxComplexity: 12 } })
  machine.addRule('four stacks', stacks(4))
  assert.equal(machine.complexity(), 12)
})

test('a machine is its most complex rule, counted per rule', () => {
  const machine = new Machine()
  machine.addRule('json', JSON_FILES)
  assert.equal(machine.complexity(), 9)
  // Counted per rule, never over the machine: three more stacks rules on the same field load,
  // although four stacks in one rule would not.
  for (let i = 0; i < 3; i++) machine.addRule(`stacks${i}`, stacks(3))
  assert.equal(machine.complexity(), 9)
  machine.addRule('one', { a: [{ wildcard: 'x*y' }] })
  machine.deleteRules('json')
  for (let i = 0; i < 3; i++) machine.deleteRules(`stacks${i}`)
  assert.equal(machine.complexity(), patternComplexity({ a: [{ wildcard: 'x*y' }] }))
})

test('invalid patterns are rejected', () => {
  assert.throws(() => patternComplexity('{"a": [{"wildcard": 1}]}'), InvalidPatternError)
})
