'use strict'

// new Machine({ limits }) and machine.limits: the engine's limits, set from JavaScript.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Machine, checkPattern, InvalidPatternError, InvalidEventError } = require('..')

// The defaults as documented (index.d.ts, README).
const DOCUMENTED = {
  maxPatternBytes: 4096,
  maxPatternDepth: 64,
  maxValuesPerField: 1000,
  maxComplexity: 10,
  maxOrCombinations: 1000,
  maxEventBytes: 64 * 1024 * 1024,
  maxEventDepth: 1024,
}
const FIELDS = Object.keys(DOCUMENTED)

/** The defaults in the engine's source (`impl Default for Limits` in core/src/limits.rs), camelCased. */
function coreDefaults() {
  const source = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'core', 'src', 'limits.rs'), 'utf8')
  const body = source.split('impl Default for Limits')[1]
  const found = {}
  for (const [, name, value] of body.matchAll(/(max_\w+): ([0-9_ <]+),/g)) {
    const [base, shift = '0'] = value.replaceAll('_', '').split('<<')
    found[name.replace(/_(\w)/g, (_, c) => c.toUpperCase())] = Number(base) * 2 ** Number(shift)
  }
  return found
}

/** A valid pattern of exactly `size` bytes: one long value. */
function patternOfSize(size) {
  const empty = '{"k": [""]}'
  return `{"k": ["${'v'.repeat(size - empty.length)}"]}`
}

/** An event whose objects nest `depth` deep. */
function nestedEvent(depth) {
  return '{"a": '.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1)
}

test('the defaults are the engine’s', () => {
  assert.deepEqual(coreDefaults(), DOCUMENTED)
  assert.deepEqual(new Machine().limits, DOCUMENTED)
  assert.deepEqual(new Machine({}).limits, DOCUMENTED)
  assert.deepEqual(new Machine({ limits: {} }).limits, DOCUMENTED)
  assert.deepEqual(new Machine(undefined).limits, DOCUMENTED)
  assert.deepEqual(Object.keys(new Machine().limits), FIELDS)
})

test('limits given are set, the others keep their defaults', () => {
  const machine = new Machine({ limits: { maxPatternBytes: 8192, maxEventDepth: 16, maxOrCombinations: undefined } })
  assert.deepEqual(machine.limits, { ...DOCUMENTED, maxPatternBytes: 8192, maxEventDepth: 16 })
  const every = Object.fromEntries(FIELDS.map((name, i) => [name, i + 1]))
  assert.deepEqual(new Machine({ limits: every }).limits, every)
  const huge = Number.MAX_SAFE_INTEGER
  assert.equal(new Machine({ limits: { maxOrCombinations: huge } }).limits.maxOrCombinations, huge)
})

test('machine.limits is frozen, the same object on every read, and copies into another machine', () => {
  const machine = new Machine({ limits: { maxPatternBytes: 8192 } })
  const limits = machine.limits
  assert.equal(machine.limits, limits)
  assert.ok(Object.isFrozen(limits))
  assert.throws(() => {
    limits.maxPatternBytes = 1
  }, TypeError)
  assert.throws(() => {
    machine.limits = {}
  }, TypeError)
  assert.deepEqual(new Machine({ limits }).limits, limits)
  assert.deepEqual(new Machine({ limits: { ...limits, maxEventDepth: 5 } }).limits, { ...limits, maxEventDepth: 5 })
})

test('a pattern over 4096 bytes is refused by default and accepted under a raised limit', () => {
  assert.equal(patternOfSize(4096).length, 4096)
  checkPattern(patternOfSize(4096))
  const big = patternOfSize(5000)
  const byDefault = new Machine()
  assert.throws(
    () => byDefault.addRule('big', big),
    (e) =>
      e instanceof InvalidPatternError &&
      e.reason === 'Pattern is 5000 bytes long, more than the limit of 4096 bytes (limits.maxPatternBytes)',
  )
  assert.throws(() => byDefault.checkPattern(big), InvalidPatternError)
  assert.throws(() => checkPattern(big), /limits\.maxPatternBytes/)
  assert.equal(byDefault.has('big'), false)

  const raised = new Machine({ limits: { maxPatternBytes: 8192 } })
  raised.checkPattern(big)
  raised.addRule('big', big)
  raised.addRule('big-bytes', Buffer.from(big))
  const value = JSON.parse(big).k[0]
  assert.deepEqual(raised.matchesForEvent({ k: value }).sort(), ['big', 'big-bytes'])
  assert.equal(raised.deleteRule('nobody', big), false)
  assert.equal(raised.deleteRule('big', big), true)
  assert.throws(() => raised.addRule('bigger', patternOfSize(8193)), /limit of 8192 bytes \(limits\.maxPatternBytes\)/)
})

test('lowered pattern limits refuse what the defaults accept', () => {
  const machine = new Machine({ limits: { maxPatternBytes: 100, maxValuesPerField: 3, maxOrCombinations: 2 } })
  assert.throws(() => machine.addRule('r', patternOfSize(101)), /limit of 100 bytes \(limits\.maxPatternBytes\)/)
  assert.throws(
    () => machine.addRule('r', { k: ['a', 'b', 'c', 'd'] }),
    /limit of 3 \(limits\.maxValuesPerField\)/,
  )
  assert.throws(() => machine.addRule('r', { $or: [{ a: ['1'] }, { b: ['2'] }, { c: ['3'] }] }), /more than the limit of 2/)
  machine.addRule('r', { k: ['a', 'b', 'c'] })
  assert.equal(machine.size, 1)
})

test('an event nested deeper than a lowered maxEventDepth is an InvalidEventError', () => {
  const machine = new Machine({ limits: { maxEventDepth: 4 } })
  machine.addRule('r', { a: { a: { a: ['x'] } } })
  assert.deepEqual(machine.matchesForEvent('{"a": {"a": {"a": "x"}}}'), ['r'])
  assert.deepEqual(machine.matchesForEvent(nestedEvent(4)), [])
  for (const event of [nestedEvent(5), Buffer.from(nestedEvent(5))]) {
    assert.throws(
      () => machine.matchesForEvent(event),
      (e) =>
        e instanceof InvalidEventError &&
        e.reason === 'event is nested more than 4 levels deep (limits.maxEventDepth)' &&
        e.message.startsWith('invalid event: event is nested more than 4 levels deep (limits.maxEventDepth) at byte '),
    )
  }
  const byDefault = new Machine()
  byDefault.addRule('r', { a: { a: { a: ['x'] } } })
  assert.deepEqual(byDefault.matchesForEvent(nestedEvent(5)), [])
})

test('an event larger than a lowered maxEventBytes is an InvalidEventError', () => {
  const machine = new Machine({ limits: { maxEventBytes: 32 } })
  machine.addRule('r', { k: ['v'] })
  assert.deepEqual(machine.matchesForEvent('{"k": "v"}'), ['r'])
  assert.throws(
    () => machine.matchesForEvent({ k: 'v', pad: 'x'.repeat(40) }),
    (e) => e instanceof InvalidEventError && /limit of 32 bytes \(limits\.maxEventBytes\)/.test(e.reason),
  )
})

test('limits that are not numbers are TypeErrors naming the field', () => {
  for (const field of FIELDS) {
    for (const value of ['8192', 8192n, null, true, {}, [1]]) {
      assert.throws(
        () => new Machine({ limits: { [field]: value } }),
        (e) =>
          e instanceof TypeError &&
          e.code === 'ERR_INVALID_ARG_TYPE' &&
          e.message.startsWith(`The "options.limits.${field}" argument must be of type number. Received `),
      )
    }
  }
})

test('limits out of range are RangeErrors naming the field and the value', () => {
  for (const field of FIELDS) {
    for (const value of [0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 1e300]) {
      assert.throws(
        () => new Machine({ limits: { [field]: value } }),
        (e) =>
          e instanceof RangeError &&
          e.code === 'ERR_OUT_OF_RANGE' &&
          e.message ===
            `The value of "options.limits.${field}" is out of range. It must be an integer >= 1 and <= 9007199254740991. Received ${value}`,
      )
    }
  }
})

test('wrong options are TypeErrors; unknown names are refused, not ignored', () => {
  for (const options of [null, 42, 'limits', true]) {
    assert.throws(() => new Machine(options), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  }
  for (const limits of [null, 42, 'big']) {
    assert.throws(() => new Machine({ limits }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /"options\.limits"/ })
  }
  assert.throws(() => new Machine({ limit: { maxPatternBytes: 8192 } }), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_VALUE',
    message: /unknown property "limit"/,
  })
  assert.throws(() => new Machine({ limits: { maxPatternByte: 8192 } }), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_VALUE',
    message: /"options\.limits" argument has an unknown property "maxPatternByte" \(known: maxPatternBytes, /,
  })
  assert.throws(() => new Machine({ limits: { max_pattern_bytes: 8192 } }), /unknown property "max_pattern_bytes"/)
})

test('errors from the constructor point at the caller', () => {
  let error
  try {
    new Machine({ limits: { maxEventDepth: 0 } })
  } catch (e) {
    error = e
  }
  assert.ok(error instanceof RangeError)
  assert.match(error.stack.split('\n')[1], /limits\.test\.js/)
})
