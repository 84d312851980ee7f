'use strict'

// The Machine API: adding, matching, deleting, introspection, many rules at once.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Machine } = require('..')

const sorted = (names) => [...names].sort()

test('several patterns under one name mean OR, and a name is returned once', () => {
  const machine = new Machine()
  machine.addRule('orders', { source: ['shop'] })
  machine.addRule('orders', '{"detail": {"total": [{"numeric": [">", 100]}]}}')
  machine.addRule('eu', { region: [{ prefix: 'eu-' }] })
  assert.equal(machine.size, 2)
  assert.equal(machine.stats().patterns, 3)
  assert.deepEqual(machine.matchesForEvent({ source: 'shop', detail: { total: 5 } }), ['orders'])
  assert.deepEqual(machine.matchesForEvent({ source: 'mall', detail: { total: 500 } }), ['orders'])
  assert.deepEqual(sorted(machine.matchesForEvent({ source: 'shop', region: 'eu-west-1', detail: { total: 500 } })), [
    'eu',
    'orders',
  ])
  assert.deepEqual(machine.matchesForEvent({ source: 'mall', region: 'us-east-1' }), [])
})

test('adding the same pattern twice, in any spelling of the same JSON, changes nothing', () => {
  const machine = new Machine()
  machine.addRule('r', '{"a": [1], "b": ["x"]}')
  machine.addRule('r', '{"a": [1], "b": ["x"]}')
  machine.addRule('r', { b: ['x'], a: [1] })
  machine.addRule('r', Buffer.from('{ "b" : [ "x" ] ,\n "a" : [ 1 ] }'))
  assert.deepEqual(machine.stats(), { names: 1, patterns: 1, subRules: 1, paths: 2 })
})

test('deleteRule removes one pattern, recognised by meaning; deleteRules removes a name', () => {
  const machine = new Machine()
  machine.addRule('r', { a: [1] })
  machine.addRule('r', { b: [2] })
  machine.addRule('s', { a: [1] })
  assert.equal(machine.deleteRule('r', '{ "a" : [ 1 ] }'), true)
  assert.equal(machine.deleteRule('r', { a: [1] }), false, 'already gone')
  assert.equal(machine.deleteRule('nobody', { a: [1] }), false)
  assert.equal(machine.deleteRule('r', { c: [1] }), false)
  assert.deepEqual(machine.matchesForEvent({ a: 1, b: 2 }).sort(), ['r', 's'])
  assert.deepEqual(machine.matchesForEvent({ a: 1 }), ['s'])
  assert.equal(machine.deleteRule('r', { b: [2] }), true)
  assert.equal(machine.has('r'), false, 'a name with no pattern left is gone')
  assert.equal(machine.size, 1)

  machine.addRule('t', { a: [1] })
  machine.addRule('t', { a: [2] })
  machine.addRule('t', { a: [3] })
  assert.equal(machine.deleteRules('t'), 3)
  assert.equal(machine.deleteRules('t'), 0)
  assert.equal(machine.has('t'), false)
  assert.deepEqual(machine.matchesForEvent({ a: 2 }), [])
  assert.deepEqual(machine.ruleNames(), ['s'])
  assert.deepEqual(machine.stats(), { names: 1, patterns: 1, subRules: 1, paths: 1 })
})

test('introspection: size, has, ruleNames, stats, toStringTag', () => {
  const machine = new Machine()
  assert.equal(machine.size, 0)
  assert.deepEqual(machine.ruleNames(), [])
  assert.deepEqual(machine.stats(), { names: 0, patterns: 0, subRules: 0, paths: 0 })
  machine.addRule('', { a: ['x'] })
  machine.addRule('ünïcödé ✓', { $or: [{ a: ['y'] }, { b: { c: ['z'] } }] })
  assert.equal(machine.size, 2)
  assert.equal(machine.has(''), true)
  assert.equal(machine.has('ünïcödé ✓'), true)
  assert.equal(machine.has('other'), false)
  assert.deepEqual(sorted(machine.ruleNames()), ['', 'ünïcödé ✓'])
  assert.deepEqual(machine.stats(), { names: 2, patterns: 2, subRules: 3, paths: 3 })
  assert.deepEqual(machine.matchesForEvent({ b: { c: 'z' } }), ['ünïcödé ✓'])
  assert.equal(Object.prototype.toString.call(machine), '[object Machine]')
})

test('each call returns a fresh array', () => {
  const machine = new Machine()
  machine.addRule('r', { a: [1] })
  const first = machine.matchesForEvent({ a: 1 })
  first.push('tampered')
  assert.deepEqual(machine.matchesForEvent({ a: 1 }), ['r'])
})

test('machines are independent', () => {
  const one = new Machine()
  const two = new Machine()
  one.addRule('r', { a: [1] })
  assert.deepEqual(two.matchesForEvent({ a: 1 }), [])
  assert.equal(two.has('r'), false)
})

test('every event input type gives the same answer', () => {
  const machine = new Machine()
  machine.addRule('r', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } })
  const text = '{"detail": {"ip": "10.1.2.3"}}'
  const bytes = new TextEncoder().encode(text)
  for (const event of [text, Buffer.from(text), bytes, bytes.buffer, JSON.parse(text)]) {
    assert.deepEqual(machine.matchesForEvent(event), ['r'], Object.prototype.toString.call(event))
  }
  // A view into part of a larger buffer is read at its own offset and length.
  const framed = Buffer.from(`xxxx${text}yyyy`)
  assert.deepEqual(machine.matchesForEvent(framed.subarray(4, 4 + text.length)), ['r'])
})

test('a large event given as a Buffer', () => {
  const machine = new Machine()
  machine.addRule('r', { tail: ['end'] })
  const filler = Array.from({ length: 20000 }, (_, i) => ({ i, s: 'x'.repeat(40), n: [i, i / 3] }))
  const event = Buffer.from(JSON.stringify({ filler, tail: 'end' }))
  assert.ok(event.length > 1_000_000)
  assert.deepEqual(machine.matchesForEvent(event), ['r'])
})

test('many rules: every answer agrees with a direct computation, before and after deletes', () => {
  // Three families of rules over the same fields; which rules an event matches is computed here
  // independently of the engine.
  const machine = new Machine()
  const N = 3000
  for (let i = 0; i < N; i++) {
    machine.addRule(`id-${i}`, { detail: { id: [`id-${i}`] } })
    machine.addRule(`range-${i}`, { detail: { n: [{ numeric: ['>=', i * 10, '<', i * 10 + 10] }] } })
  }
  for (let i = 0; i < 100; i++) {
    machine.addRule(`prefix-${i}`, { source: [{ prefix: `svc.${String(i).padStart(2, '0')}` }] })
  }
  assert.equal(machine.size, 2 * N + 100)

  const expected = (event, deleted) => {
    const out = []
    const id = event.detail.id
    if (id.startsWith('id-') && Number(id.slice(3)) < N) out.push(id)
    const range = `range-${Math.floor(event.detail.n / 10)}`
    if (event.detail.n >= 0 && event.detail.n < N * 10) out.push(range)
    const p = event.source.slice(4, 6)
    if (event.source.startsWith('svc.') && /^\d\d$/.test(p)) out.push(`prefix-${Number(p)}`)
    return sorted(out.filter((name) => !deleted.has(name)))
  }

  let seed = 42
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  const events = Array.from({ length: 2000 }, () => ({
    source: `svc.${String(random(150)).padStart(2, '0')}.x`,
    detail: { id: `id-${random(N + 500)}`, n: random(N * 11) + random(10) / 10, other: [1, 2, 3] },
  }))

  const deleted = new Set()
  const check = () => {
    for (const event of events) {
      assert.deepEqual(sorted(machine.matchesForEvent(event)), expected(event, deleted), JSON.stringify(event))
    }
  }
  check()
  for (let i = 0; i < N; i += 2) {
    assert.equal(machine.deleteRule(`id-${i}`, { detail: { id: [`id-${i}`] } }), true)
    deleted.add(`id-${i}`)
    assert.equal(machine.deleteRules(`range-${i}`), 1)
    deleted.add(`range-${i}`)
  }
  for (let i = 0; i < 100; i += 3) {
    machine.deleteRules(`prefix-${i}`)
    deleted.add(`prefix-${i}`)
  }
  assert.equal(machine.size, 2 * N + 100 - deleted.size)
  check()
})

test('deleting every rule empties the machine completely', () => {
  const machine = new Machine()
  for (let i = 0; i < 500; i++) machine.addRule(`r${i}`, { a: { b: [i] }, c: [{ exists: false }] })
  for (let i = 0; i < 500; i++) assert.equal(machine.deleteRule(`r${i}`, { c: [{ exists: false }], a: { b: [i] } }), true)
  assert.deepEqual(machine.stats(), { names: 0, patterns: 0, subRules: 0, paths: 0 })
  assert.deepEqual(machine.matchesForEvent({ a: { b: 1 } }), [])
})

test('matched names are the strings given, across deletes, re-adds and non-ASCII names', () => {
  const machine = new Machine()
  const names = ['', 'ünïcödé ✓', '日本語', '😀 emoji', 'a\u0000b', 'plain', '\ud800 lone surrogate']
  for (const name of names) machine.addRule(name, { a: [1] })
  assert.deepEqual(sorted(machine.matchesForEvent({ a: 1 })), sorted(names.map((n) => n.toWellFormed())))

  // A name deleted then added again with another pattern is found under its new pattern only.
  assert.equal(machine.deleteRule('日本語', { a: [1] }), true)
  assert.equal(machine.has('日本語'), false)
  machine.addRule('new', { a: [1] })
  machine.addRule('日本語', { b: [2] })
  assert.ok(!machine.matchesForEvent({ a: 1 }).includes('日本語'))
  assert.deepEqual(machine.matchesForEvent({ b: 2 }), ['日本語'])
  assert.equal(machine.deleteRules('日本語'), 1)
  assert.deepEqual(machine.matchesForEvent({ b: 2 }), [])
  machine.addRule('other', { b: [2] })
  assert.deepEqual(machine.matchesForEvent({ b: 2 }), ['other'])

  // Deleting one of two patterns keeps the name.
  machine.addRule('two', { c: [1] })
  machine.addRule('two', { c: [2] })
  assert.equal(machine.deleteRule('two', { c: [1] }), true)
  assert.deepEqual(machine.matchesForEvent({ c: 2 }), ['two'])
  assert.deepEqual(machine.matchesForEvent({ c: 1 }), [])

  // A failed add of a new name leaves no trace of it.
  assert.throws(() => machine.addRule('broken', '{"a": '))
  assert.equal(machine.has('broken'), false)
  assert.ok(!machine.ruleNames().includes('broken'))
})

test('many rules matching one event are all returned, after growing and many add/delete cycles', () => {
  const machine = new Machine()
  const N = 3000
  for (let i = 0; i < N; i++) machine.addRule(`rule-${i}-ü`, { k: ['v'] })
  const all = Array.from({ length: N }, (_, i) => `rule-${i}-ü`).sort()
  assert.deepEqual(sorted(machine.matchesForEvent({ k: 'v' })), all)
  assert.deepEqual(sorted(machine.matchesForEvent(Buffer.from('{"k": "v"}'))), all)

  // Cycles of deleting and re-adding reuse slots: nothing is left of deleted names.
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < N; i += 2) {
      if (round % 2 === 0) assert.equal(machine.deleteRules(`rule-${i}-ü`), 1)
      else assert.equal(machine.deleteRule(`rule-${i}-ü`, { k: ['v'] }), true)
    }
    for (let i = 0; i < N; i += 2) machine.addRule(`round-${round}-${i}`, { k: ['v'] })
    for (let i = 0; i < N; i += 2) assert.equal(machine.deleteRules(`round-${round}-${i}`), 1)
    for (let i = 0; i < N; i += 2) machine.addRule(`rule-${i}-ü`, { k: ['v'] })
  }
  assert.equal(machine.size, N)
  assert.deepEqual(sorted(machine.matchesForEvent({ k: 'v' })), all)
  assert.deepEqual(sorted(machine.ruleNames()), all)
})

test('slots of deleted names are released and reused, so they stay below the names held at once', () => {
  const native = require('../native.js')
  const machine = new native.NativeMachine()
  let highest = 0
  for (let round = 0; round < 200; round++) {
    const slots = []
    for (let i = 0; i < 10; i++) slots.push(machine.addRule(`r${round}-${i}`, '{"a": [1]}'))
    assert.equal(machine.addRule(`r${round}-0`, '{"b": [1]}'), slots[0], 'a known name keeps its slot')
    highest = Math.max(highest, ...slots)
    assert.deepEqual(machine.deleteRules(`r${round}-0`), [2, slots[0]])
    assert.deepEqual(machine.deleteRules(`r${round}-0`), [])
    for (let i = 1; i < 10; i++) assert.equal(machine.deleteRule(`r${round}-${i}`, '{"a": [1]}'), slots[i])
    assert.equal(machine.deleteRule(`r${round}-1`, '{"a": [1]}'), false)
  }
  assert.ok(highest < 10, `highest slot ${highest}`)
  assert.equal(machine.size, 0)
})
