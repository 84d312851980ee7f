'use strict'

// The whole shared conformance corpus, through the binding, with every kind of input the API
// takes. Each test runs every case and reports all the cases that failed at once.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Machine, matchesRule, checkPattern, InvalidPatternError } = require('..')
const { casesPath, loadCases, survivesObjectRoundTrip } = require('./corpus')

const cases = loadCases()
const encoder = new TextEncoder()

/** The outcome of `c` when its pattern and event are given as `pattern` and `event`. */
function outcomeWithMachine(c, pattern, event) {
  const machine = new Machine()
  try {
    machine.addRule(c.name, pattern)
  } catch (e) {
    if (e instanceof InvalidPatternError) return 'error'
    throw e
  }
  const names = machine.matchesForEvent(event)
  if (names.length === 0) return 'nomatch'
  assert.deepEqual(names, [c.name], `${c.name}: a one-rule machine returned ${JSON.stringify(names)}`)
  return 'match'
}

/** Runs `outcome` on every case in `selected` and fails listing every case that disagreed. */
function expectAll(selected, outcome) {
  const wrong = []
  for (const c of selected) {
    let got
    try {
      got = outcome(c)
    } catch (e) {
      got = `threw ${e.name}: ${e.message}`
    }
    if (got !== c.expect) wrong.push(`${c.name}: expected ${c.expect}, got ${got}`)
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${selected.length} cases failed`)
}

test(`the corpus at ${casesPath()} loads`, () => {
  assert.ok(cases.length >= 399, `only ${cases.length} cases`)
  for (const c of cases) {
    assert.equal(typeof c.patternText, 'string', c.name)
    assert.equal(typeof c.eventText, 'string', c.name)
  }
  // The raw text is handed over, not a re-serialisation: the spelling of numbers survives.
  const c = cases.find((x) => x.name === 'numeric/equals-35-vs-3.5e1')
  assert.ok(c, 'numeric/equals-35-vs-3.5e1 is in the corpus')
  assert.equal(c.eventText, '{"size": 3.5e1}')
})

test(`all ${cases.length} cases, pattern and event as strings`, () => {
  expectAll(cases, (c) => outcomeWithMachine(c, c.patternText, c.eventText))
})

test(`all ${cases.length} cases, pattern and event as Buffers`, () => {
  expectAll(cases, (c) => outcomeWithMachine(c, Buffer.from(c.patternText), Buffer.from(c.eventText)))
})

test(`all ${cases.length} cases, pattern and event as plain Uint8Arrays`, () => {
  expectAll(cases, (c) => outcomeWithMachine(c, encoder.encode(c.patternText), encoder.encode(c.eventText)))
})

test(`all ${cases.length} cases, event as an ArrayBuffer`, () => {
  expectAll(cases, (c) => outcomeWithMachine(c, c.patternText, encoder.encode(c.eventText).buffer))
})

test('cases whose JSON survives parsing, pattern and event as objects', () => {
  const isObject = (v) => typeof v === 'object' && v !== null
  const faithful = cases.filter(
    (c) =>
      isObject(c.pattern) &&
      survivesObjectRoundTrip(c.patternText) &&
      survivesObjectRoundTrip(c.eventText),
  )
  // Only cases that depend on spelling (numbers, escapes, duplicate keys, malformed text) or whose
  // pattern is not an object are left out; make sure that is a handful and that the
  // number-spelling cases are among them.
  assert.ok(faithful.length >= cases.length - 40, `only ${faithful.length} cases survive a round trip`)
  assert.ok(!faithful.some((c) => c.name === 'numeric/equals-35-vs-3.5e1' || c.name === 'exact/number-35-vs-35.0'))
  expectAll(faithful, (c) => outcomeWithMachine(c, c.pattern, c.event))
})

test(`all ${cases.length} cases through matchesRule`, () => {
  expectAll(cases, (c) => {
    try {
      return matchesRule(c.eventText, c.patternText) ? 'match' : 'nomatch'
    } catch (e) {
      if (e instanceof InvalidPatternError) return 'error'
      throw e
    }
  })
})

test(`all ${cases.length} cases in one machine, every rule under its case's name`, () => {
  const machine = new Machine()
  const valid = []
  for (const c of cases) {
    try {
      machine.addRule(c.name, c.patternText)
      valid.push(c)
    } catch (e) {
      if (!(e instanceof InvalidPatternError)) throw e
    }
  }
  assert.equal(machine.size, valid.length)
  assert.equal(valid.length, cases.filter((c) => c.expect !== 'error').length)
  expectAll(valid, (c) => (machine.matchesForEvent(c.eventText).includes(c.name) ? 'match' : 'nomatch'))
})

test('checkPattern accepts exactly the valid patterns, and errors carry the expected reason', () => {
  const machine = new Machine()
  expectAll(cases, (c) => {
    let thrown = null
    try {
      checkPattern(c.patternText)
    } catch (e) {
      thrown = e
    }
    let thrownByMachine = null
    try {
      machine.checkPattern(c.patternText)
    } catch (e) {
      thrownByMachine = e
    }
    assert.equal(thrown?.message, thrownByMachine?.message, `${c.name}: checkPattern and Machine#checkPattern disagree`)
    if (thrown === null) return c.expect === 'error' ? 'accepted' : c.expect
    assert.ok(thrown instanceof InvalidPatternError, `${c.name}: ${thrown}`)
    assert.equal(thrown.code, 'INVALID_PATTERN')
    if (c.message !== undefined) {
      assert.ok(thrown.reason.includes(c.message), `${c.name}: reason ${JSON.stringify(thrown.reason)} lacks ${JSON.stringify(c.message)}`)
    }
    assert.ok(thrown.message.startsWith(thrown.reason), c.name)
    assert.ok(thrown.line >= 1 && thrown.column >= 1, `${c.name}: line ${thrown.line}, column ${thrown.column}`)
    assert.ok(thrown.offset >= 0 && thrown.offset <= Buffer.byteLength(c.patternText), `${c.name}: offset ${thrown.offset}`)
    return 'error'
  })
})
