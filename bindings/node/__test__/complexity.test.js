'use strict'

// Machine#complexity() and patternComplexity(): the size of the largest wildcard automaton.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Machine, patternComplexity, InvalidPatternError } = require('..')

const SIMPLE = { a: [{ wildcard: 'x*y' }] }
const COMPLEX = { b: [{ wildcard: 'ab*cd*ef*gh' }] }

test('an empty machine is 0', () => {
  assert.equal(new Machine().complexity(), 0)
})

test('wildcards with more stars are more complex', () => {
  assert.ok(patternComplexity({ a: ['x'] }) <= patternComplexity(SIMPLE))
  assert.ok(patternComplexity(SIMPLE) < patternComplexity(COMPLEX))
})

test('a machine is its most complex field', () => {
  const machine = new Machine()
  machine.addRule('simple', SIMPLE)
  assert.equal(machine.complexity(), patternComplexity(SIMPLE))
  machine.addRule('complex', COMPLEX)
  assert.equal(machine.complexity(), patternComplexity(COMPLEX))
})

test('invalid or too complex patterns are rejected', () => {
  assert.throws(() => patternComplexity('{"a": [{"wildcard": 1}]}'), InvalidPatternError)
  assert.throws(() => patternComplexity(COMPLEX, { limits: { maxWildcardStates: 3 } }), {
    name: 'InvalidPatternError',
    message: /complex/,
  })
})
