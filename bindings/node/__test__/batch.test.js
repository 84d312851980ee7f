'use strict'

// Machine#matchesForEvents: one array per event, as matchesForEvent gives them, however the
// batch is split across threads.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Machine, InvalidEventError } = require('..')

function machine() {
  const m = new Machine()
  m.addRule('eu', { region: [{ prefix: 'eu-' }] })
  m.addRule('big', { total: [{ numeric: ['>=', 1000] }] })
  return m
}

test('one array per event, in order, from every input type', () => {
  const m = machine()
  const events = [
    '{"region": "eu-west-1", "total": 5}',
    Buffer.from('{"region": "us-east-1"}'),
    { region: 'eu-north-1', total: 1000 },
    new TextEncoder().encode('{}').buffer,
    new Uint8Array(Buffer.from('{"total": 2000}')),
  ]
  const sorted = (lists) => lists.map((names) => [...names].sort())
  assert.deepEqual(sorted(m.matchesForEvents(events)), [['eu'], [], ['big', 'eu'], [], ['big']])
  assert.deepEqual(m.matchesForEvents(events), events.map((e) => m.matchesForEvent(e)))
})

test('large batches (split across threads) agree with single calls', () => {
  const m = machine()
  const events = Array.from({ length: 5000 }, (_, i) =>
    i % 3 ? `{"region": "eu-${i}", "total": ${i}}` : Buffer.from(`{"total": ${i}}`),
  )
  assert.deepEqual(m.matchesForEvents(events), events.map((e) => m.matchesForEvent(e)))
})

test('any iterable, and more matches than the slots kept', () => {
  const m = new Machine()
  for (let i = 0; i < 3000; i++) m.addRule(`r${i}`, { a: [{ prefix: '' }] })
  function* generated() {
    yield '{"a": "x"}'
    yield '{"b": 1}'
    yield { a: 'y' }
  }
  const [first, second, third] = m.matchesForEvents(generated())
  assert.equal(first.length, 3000)
  assert.deepEqual(second, [])
  assert.equal(third.length, 3000)
  assert.deepEqual(m.matchesForEvents([]), [])
  assert.deepEqual(m.matchesForEvents(new Set()), [])
})

test('an invalid event throws for the whole batch', () => {
  const m = machine()
  assert.throws(() => m.matchesForEvents(['{"a": 1}', '{"a": ', '{}']), (e) => {
    assert.ok(e instanceof InvalidEventError)
    assert.equal(e.offset, 6)
    return true
  })
  assert.throws(() => m.matchesForEvents(['{}', 3]), { code: 'ERR_INVALID_ARG_TYPE', message: /"events\[1\]"/ })
  assert.throws(() => m.matchesForEvents(7), { code: 'ERR_INVALID_ARG_TYPE', message: /"events"/ })
  assert.throws(() => m.matchesForEvents('{}'), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('a large batch of strings, with large and non-ASCII ones, agrees with single calls', () => {
  // Strings are transcoded while other threads match those already transcoded: none may move.
  const m = machine()
  const big = `{"region": "eu-west-1", "pad": "${'é'.repeat(300_000)}"}`
  const events = Array.from({ length: 3000 }, (_, i) =>
    i % 500 === 7 ? big : `{"region": "${i % 2 ? 'eu' : 'ü'}-${i}", "total": ${i}}`,
  )
  assert.deepEqual(m.matchesForEvents(events), events.map((e) => m.matchesForEvent(e)))
  const invalid = [...events]
  invalid[2100] = '{"region": '
  invalid[2900] = '['
  assert.throws(() => m.matchesForEvents(invalid), (e) => e instanceof InvalidEventError && e.offset === 11)
})

test('getters of the events array run before matching, and may change the machine', () => {
  const m = machine()
  const events = Array.from({ length: 1000 }, () => '{"region": "eu-1", "total": 1}')
  Object.defineProperty(events, 500, {
    get() {
      m.addRule('one', { total: [1] })
      return '{"total": 1}'
    },
  })
  const lists = m.matchesForEvents(events)
  assert.deepEqual(lists[0].sort(), ['eu', 'one'])
  assert.deepEqual(lists[500], ['one'])
})
