// The package loads as an ES module too, and hands out the very same objects as `require`.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import ferruler, { Machine, matchesRule, checkPattern, InvalidPatternError, InvalidEventError } from 'ferruler'

const cjs = createRequire(import.meta.url)('ferruler')

test('named and default exports are the CommonJS objects', () => {
  assert.equal(Machine, cjs.Machine)
  assert.equal(matchesRule, cjs.matchesRule)
  assert.equal(checkPattern, cjs.checkPattern)
  assert.equal(InvalidPatternError, cjs.InvalidPatternError)
  assert.equal(InvalidEventError, cjs.InvalidEventError)
  assert.equal(ferruler, cjs)
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
