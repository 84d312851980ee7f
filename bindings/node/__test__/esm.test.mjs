// The package loads as an ES module too, and hands out the very same objects as `require`.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import ferruler, { Machine, matchesRule, checkPattern, explain, patternComplexity, Explanation, InvalidPatternError, InvalidEventError, loadRules, InvalidRuleFileError } from 'ferruler'
import { assertMatches, assertNoMatch } from 'ferruler/testing'

const cjs = createRequire(import.meta.url)('ferruler')
const cjsTesting = createRequire(import.meta.url)('ferruler/testing')

test('named and default exports are the CommonJS objects', () => {
  assert.equal(Machine, cjs.Machine)
  assert.equal(matchesRule, cjs.matchesRule)
  assert.equal(checkPattern, cjs.checkPattern)
  assert.equal(InvalidPatternError, cjs.InvalidPatternError)
  assert.equal(InvalidEventError, cjs.InvalidEventError)
  assert.equal(explain, cjs.explain)
  assert.equal(patternComplexity, cjs.patternComplexity)
  assert.equal(Explanation, cjs.Explanation)
  assert.equal(loadRules, cjs.loadRules)
  assert.equal(InvalidRuleFileError, cjs.InvalidRuleFileError)
  assert.equal(ferruler, cjs)
  assert.equal(assertMatches, cjsTesting.assertMatches)
  assert.equal(assertNoMatch, cjsTesting.assertNoMatch)
})

test('matching works from an ES module', () => {
  const machine = new Machine()
  machine.addRule('r', { source: [{ 'equals-ignore-case': 'SHOP' }] })
  assert.deepEqual(machine.matchesForEvent({ source: 'shop' }), ['r'])
  assert.equal(matchesRule('{"a": 1}', '{"a": [1]}'), true)
  assert.throws(() => checkPattern('{"a": 1}'), cjs.InvalidPatternError)
})

test('limits work from an ES module', () => {
  const machine = new Machine({ limits: { maxPatternBytes: 8192 } })
  assert.equal(machine.limits.maxPatternBytes, 8192)
  machine.addRule('big', `{"k": ["${'v'.repeat(5000)}"]}`)
  assert.throws(() => new Machine().addRule('big', `{"k": ["${'v'.repeat(5000)}"]}`), InvalidPatternError)
  assert.throws(() => new Machine({ limits: { maxPatternBytes: 0 } }), RangeError)
})
