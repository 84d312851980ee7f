'use strict'

// ferruler/testing: assertions whose failure message is the explanation.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const { explain, InvalidPatternError, InvalidEventError } = require('..')
const { assertMatches, assertNoMatch } = require('../testing')

const BIG_ORDERS = { 'detail-type': ['Order Placed'], detail: { total: [{ numeric: ['>=', 1000] }] } }
const BIG = { 'detail-type': 'Order Placed', detail: { total: 1250 } }
const SMALL = { 'detail-type': 'Order Placed', detail: { total: 5 } }

test('passing assertions return nothing', () => {
  assert.equal(assertMatches(BIG_ORDERS, BIG), undefined)
  assert.equal(assertNoMatch(BIG_ORDERS, SMALL), undefined)
})

test('assertMatches fails with the explanation', () => {
  assert.throws(
    () => assertMatches(BIG_ORDERS, SMALL),
    (e) => {
      assert.ok(e instanceof assert.AssertionError)
      assert.equal(e.message, String(explain(BIG_ORDERS, SMALL)))
      assert.match(e.message, /detail\.total = 5 {2}not accepted/)
      assert.match(e.message, /→ no accepted value at detail\.total/)
      assert.equal(e.operator, 'assertMatches')
      // The stack starts at the caller, not inside ferruler/testing.
      assert.doesNotMatch(e.stack.split('\n').find((l) => l.includes(' at ')), /testing\.js/)
      return true
    },
  )
})

test('assertNoMatch fails with the explanation', () => {
  assert.throws(
    () => assertNoMatch(BIG_ORDERS, BIG),
    (e) => e instanceof assert.AssertionError && e.message === String(explain(BIG_ORDERS, BIG)) && /^match\n/.test(e.message),
  )
})

test('bad input is an error, not a failure', () => {
  assert.throws(() => assertMatches('{"a": "not a list"}', BIG), InvalidPatternError)
  assert.throws(() => assertNoMatch(BIG_ORDERS, '[1]'), InvalidEventError)
})

test('a failing node:test test shows why', () => {
  const file = path.join(__dirname, 'fixtures', 'failing-rule.js')
  // Without this, a node:test child of a test run reports to its parent in a binary protocol.
  const env = { ...process.env }
  delete env.NODE_TEST_CONTEXT
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], { encoding: 'utf8', env })
  assert.notEqual(run.status, 0)
  assert.match(run.stdout, /source = "com\.other" {2}not accepted/)
})
