'use strict'

// Assertions for testing EventBridge rules with node:test, Jest, Mocha or any runner that reports
// a thrown `AssertionError`. The failure message is the explanation of the pattern on the event
// (the `ferruler explain` text), so a failing test says *why* the event did or did not match,
// condition by condition, rather than only that it did not.

const { AssertionError } = require('node:assert')
const { explain } = require('./index.js')

function check(pattern, event, options, wanted, api) {
  const why = explain(pattern, event, options)
  if (why.matched === wanted) return
  throw new AssertionError({
    message: why.toString(),
    actual: why.matched,
    expected: wanted,
    operator: api.name,
    stackStartFn: api,
  })
}

/** Throws an `AssertionError` whose message is the explanation unless `event` matches `pattern`. */
function assertMatches(pattern, event, options) {
  check(pattern, event, options, true, assertMatches)
}

/** Throws an `AssertionError` whose message is the explanation if `event` matches `pattern`. */
function assertNoMatch(pattern, event, options) {
  check(pattern, event, options, false, assertNoMatch)
}

module.exports = { assertMatches, assertNoMatch }
