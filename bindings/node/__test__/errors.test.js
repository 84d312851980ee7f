'use strict'

// Errors: the typed pattern and event errors with their fields, and TypeErrors for arguments of
// the wrong type. Nothing a caller passes may crash the process.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Machine, matchesRule, checkPattern, InvalidPatternError, InvalidEventError } = require('..')

/** Calls `fn`, asserts it threw, and returns what it threw. */
function thrown(fn) {
  try {
    fn()
  } catch (e) {
    return e
  }
  assert.fail('expected an error to be thrown')
}

test('InvalidPatternError: class, code, reason, line, column, byte offset', () => {
  const pattern = '{\n  "detail": {\n    "size": [{"numeric": [">", "big"]}]\n  }\n}'
  const e = thrown(() => new Machine().addRule('r', pattern))
  assert.ok(e instanceof InvalidPatternError)
  assert.ok(e instanceof Error)
  assert.ok(!(e instanceof InvalidEventError))
  assert.equal(e.name, 'InvalidPatternError')
  assert.equal(e.code, 'INVALID_PATTERN')
  assert.equal(e.reason, 'Value of > must be numeric')
  const line3 = pattern.split('\n')[2]
  assert.equal(e.line, 3)
  assert.equal(e.column, line3.indexOf('"big"') + 1)
  assert.equal(e.offset, pattern.indexOf('"big"'))
  assert.equal(e.message, `Value of > must be numeric at line 3, column ${e.column}`)
  assert.match(String(e), /^InvalidPatternError: Value of > must be numeric/)
})

test('InvalidPatternError columns count code points, offsets count UTF-8 bytes', () => {
  const pattern = '{"é": [{"prefix": 5}]}'
  const e = thrown(() => checkPattern(pattern))
  assert.ok(e instanceof InvalidPatternError)
  assert.equal(e.line, 1)
  assert.equal(e.column, pattern.indexOf('5') + 1)
  assert.equal(e.offset, Buffer.from(pattern.slice(0, pattern.indexOf('5'))).length)
})

test('malformed and non-UTF-8 patterns are InvalidPatternErrors, from every entry point', () => {
  const bad = ['', '{', '{"a": [1]', '[1]', '{"a": 1}', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x5b, 0x31, 0x5d, 0x7d])]
  for (const pattern of bad) {
    for (const call of [
      () => new Machine().addRule('r', pattern),
      () => new Machine().deleteRule('r', pattern),
      () => new Machine().checkPattern(pattern),
      () => checkPattern(pattern),
      () => matchesRule('{}', pattern),
    ]) {
      const e = thrown(call)
      assert.ok(e instanceof InvalidPatternError, `${String(pattern)}: ${e}`)
      assert.ok(e.line >= 1 && e.column >= 1)
    }
  }
  const e = thrown(() => checkPattern(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x5b, 0x31, 0x5d, 0x7d])))
  assert.equal(e.reason, 'Pattern is not valid UTF-8')
  assert.equal(e.offset, 2)
})

test('InvalidEventError: code, reason, byte offset, and the line and column computed from it', () => {
  const machine = new Machine()
  machine.addRule('r', { a: [1] })
  // The bad literal is in a field the rule reads: values no rule reads are skipped by structure,
  // and a misspelt literal inside one is not looked at.
  const event = '{\n  "b": 1,\n  "a": tru\n}'
  const e = thrown(() => machine.matchesForEvent(event))
  assert.ok(e instanceof InvalidEventError)
  assert.ok(e instanceof Error)
  assert.ok(!(e instanceof InvalidPatternError))
  assert.equal(e.name, 'InvalidEventError')
  assert.equal(e.code, 'INVALID_EVENT')
  assert.equal(e.offset, event.indexOf('tru'))
  assert.equal(e.line, 3)
  assert.equal(e.column, 8)
  assert.ok(e.message.startsWith(`invalid event: ${e.reason} at byte ${e.offset}`), e.message)
})

test('InvalidEventError positions in multi-byte text and in bytes agree', () => {
  const machine = new Machine()
  machine.addRule('r', { a: ['x'] })
  const event = '{"ñandú": "é", "a": x}'
  const fromString = thrown(() => machine.matchesForEvent(event))
  const fromBytes = thrown(() => machine.matchesForEvent(Buffer.from(event)))
  assert.equal(fromString.offset, Buffer.from(event.slice(0, event.indexOf('x}'))).length)
  assert.equal(fromString.column, event.indexOf('x}') + 1)
  assert.deepEqual(
    [fromBytes.offset, fromBytes.line, fromBytes.column, fromBytes.message],
    [fromString.offset, fromString.line, fromString.column, fromString.message],
  )
})

test('events that are not JSON objects, or not UTF-8, are InvalidEventErrors', () => {
  const machine = new Machine()
  machine.addRule('r', { a: [{ exists: false }] })
  const bad = [
    '',
    '   ',
    'null',
    '[1, 2]',
    '"text"',
    '{"a": 1',
    '{"a": 1,}',
    '{"a": 1} trailing',
    '{"a": "\\ud800"}',
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), // {"a":"\xc3("}
  ]
  for (const event of bad) {
    const e = thrown(() => machine.matchesForEvent(event))
    assert.ok(e instanceof InvalidEventError, `${JSON.stringify(String(event))}: ${e}`)
    assert.ok(Number.isInteger(e.offset) && e.offset >= 0)
    const e2 = thrown(() => matchesRule(event, { a: [{ exists: false }] }))
    assert.ok(e2 instanceof InvalidEventError, `matchesRule ${JSON.stringify(String(event))}: ${e2}`)
    assert.equal(e2.offset, e.offset)
  }
  const e = thrown(() => machine.matchesForEvent(bad.at(-1)))
  assert.equal(e.reason, 'string is not valid UTF-8')
  assert.equal(e.offset, 6)
})

test('matchesRule reports the pattern error before looking at the event', () => {
  const e = thrown(() => matchesRule('not json', '{"a": [{"prefix": 1}]}'))
  assert.ok(e instanceof InvalidPatternError)
})

test('the stack starts at the caller, not inside the wrapper', () => {
  const machine = new Machine()
  const e = thrown(() => machine.matchesForEvent('{'))
  const firstFrame = e.stack.split('\n')[1]
  assert.match(firstFrame, /errors\.test\.js/, e.stack)
})

test('a failed addRule leaves the machine as it was', () => {
  const machine = new Machine()
  machine.addRule('keep', { source: ['a'] })
  assert.throws(() => machine.addRule('bad', { source: [{ prefix: 1 }] }), InvalidPatternError)
  assert.throws(() => machine.addRule('keep', { source: [{ suffix: [] }] }), InvalidPatternError)
  assert.equal(machine.size, 1)
  assert.equal(machine.has('bad'), false)
  assert.deepEqual(machine.stats().patterns, 1)
  assert.deepEqual(machine.matchesForEvent({ source: 'a' }), ['keep'])
})

test('the error classes can be constructed and subclassed by callers', () => {
  const e = new InvalidPatternError('boom', { reason: 'boom', line: 1, column: 2, offset: 1 })
  assert.equal(e.code, 'INVALID_PATTERN')
  assert.equal(e.column, 2)
  const f = new InvalidEventError('bad')
  assert.equal(f.code, 'INVALID_EVENT')
  assert.equal(f.offset, undefined)
  class Mine extends InvalidEventError {}
  assert.ok(new Mine('x') instanceof InvalidEventError)
})

const WRONG_TEXT = [
  undefined,
  null,
  42,
  true,
  Symbol('s'),
  () => '{}',
  10n,
  new Float64Array([1]),
  new Uint16Array([123]),
  new DataView(new ArrayBuffer(2)),
  { toJSON: () => undefined },
]

test('wrong event types are TypeErrors naming the argument', () => {
  const machine = new Machine()
  machine.addRule('r', { a: [1] })
  for (const event of WRONG_TEXT) {
    const e = thrown(() => machine.matchesForEvent(event))
    assert.ok(e instanceof TypeError, `${String(event)}: ${e}`)
    assert.equal(e.code, 'ERR_INVALID_ARG_TYPE')
    assert.match(e.message, /^The "event" argument must be/)
    assert.ok(thrown(() => matchesRule(event, { a: [1] })) instanceof TypeError)
  }
})

test('wrong pattern types are TypeErrors naming the argument', () => {
  const machine = new Machine()
  for (const pattern of WRONG_TEXT) {
    for (const call of [
      () => machine.addRule('r', pattern),
      () => machine.deleteRule('r', pattern),
      () => machine.checkPattern(pattern),
      () => checkPattern(pattern),
      () => matchesRule('{}', pattern),
    ]) {
      const e = thrown(call)
      assert.ok(e instanceof TypeError, `${String(pattern)}: ${e}`)
      assert.match(e.message, /^The "pattern" argument must be/)
    }
  }
  assert.equal(machine.size, 0)
})

test('rule names must be strings', () => {
  const machine = new Machine()
  for (const name of [undefined, null, 1, {}, ['a'], Symbol('a')]) {
    for (const call of [
      () => machine.addRule(name, { a: [1] }),
      () => machine.deleteRule(name, { a: [1] }),
      () => machine.deleteRules(name),
      () => machine.has(name),
    ]) {
      const e = thrown(call)
      assert.ok(e instanceof TypeError, String(e))
      assert.match(e.message, /^The "name" argument must be of type string/)
    }
  }
  assert.equal(machine.size, 0)
})

test('objects that JSON.stringify rejects fail with its TypeError', () => {
  const circular = { a: 1 }
  circular.self = circular
  assert.throws(() => new Machine().matchesForEvent(circular), TypeError)
  assert.throws(() => new Machine().matchesForEvent({ big: 1n }), TypeError)
})

test('the raw per-event entry points reject anything index.js never passes them, without crashing', () => {
  const native = require('../native.js')
  const handle = new native.NativeMachine().handle()
  const slots = new Uint32Array(4)
  const calls = [
    [{}, '{}'],
    [42, '{}'],
    [null, '{}'],
    [undefined, undefined],
    [Buffer.from('{}'), '{}'],
    [handle, 42],
    [handle, {}],
    [handle, new Uint16Array(2)],
  ]
  for (const [h, event] of calls) {
    assert.throws(() => native.matchesText(h, event, slots), TypeError)
    assert.throws(() => native.matchesBytes(h, event, slots), TypeError)
  }
  assert.throws(() => native.matchesText(handle, Buffer.from('{}'), slots), TypeError)
  assert.throws(() => native.matchesBytes(handle, '{}', slots), TypeError)
  assert.throws(() => native.matchesText(), TypeError)
  // The slots are looked at when something matched: take a machine that matches everything.
  const everything = new native.NativeMachine()
  everything.addRule('r', '{"a": [{"exists": false}]}')
  const all = everything.handle()
  for (const bad of [undefined, null, [], new Int32Array(4), new Uint8Array(16), {}]) {
    assert.throws(() => native.matchesText(all, '{}', bad), TypeError)
    assert.throws(() => native.matchesBytes(all, Buffer.from('{}'), bad), TypeError)
  }
  // The slots may not share memory with a byte event.
  const shared = new ArrayBuffer(16)
  new Uint8Array(shared).set(Buffer.from('{}'))
  assert.throws(() => native.matchesBytes(all, new Uint8Array(shared, 0, 2), new Uint32Array(shared)), TypeError)
  assert.equal(native.matchesBytes(all, new Uint8Array(shared, 0, 2), new Uint32Array(shared, 4)), 1)
  assert.equal(new Uint32Array(shared, 4)[0], 0)
  assert.equal(native.matchesText(all, '{}', new Uint32Array(0)), 1, 'the count, even when the slots do not fit')
  assert.equal(native.matchesText(handle, '{}', slots), 0)
  assert.equal(native.matchesText(handle, '{}', new Uint32Array(0)), 0)
})

test('a handle keeps its machine alive after the machine object is collected', () => {
  const v8 = require('node:v8')
  const vm = require('node:vm')
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc')
  const native = require('../native.js')
  const make = () => {
    const machine = new native.NativeMachine()
    machine.addRule('r', '{"a": [1]}')
    return machine.handle()
  }
  const handle = make()
  for (let i = 0; i < 2000; i++) new Machine().addRule(`r${i}`, { a: [i] })
  gc()
  const slots = new Uint32Array(1)
  assert.equal(native.matchesText(handle, '{"a": 1}', slots), 1)
  assert.equal(slots[0], 0)
  assert.equal(native.matchesBytes(handle, Buffer.from('{"a": 2}'), slots), 0)
})

test('matching runs no JavaScript that could re-enter the machine (a setter on Array.prototype)', () => {
  // The addon reports matches as numbers in a typed array; nothing it builds goes through a
  // setter. (Were one reached, the RefCells in src/state.rs would turn re-entry into an error.)
  const machine = new Machine()
  machine.addRule('r', { a: [1] })
  let called = 0
  const trap = {
    configurable: true,
    set() {
      called++
      machine.addRule('while-matching', { b: [2] })
    },
  }
  Object.defineProperty(Array.prototype, '0', trap)
  try {
    assert.deepEqual(machine.matchesForEvent('{"a": 1}'), ['r'])
    assert.throws(() => machine.matchesForEvent('{"a": '), InvalidEventError)
  } finally {
    delete Array.prototype[0]
  }
  assert.equal(called, 0)
  assert.equal(machine.has('while-matching'), false)
})
