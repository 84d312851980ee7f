'use strict'

// Per-call cost on a small event: one rule, one EventBridge-shaped event of a few hundred bytes,
// so that what is measured is the cost of a call (crossing into the addon, reading the input,
// building the result) rather than of reading a large event.

const { Machine, matchesRule } = require('..')
const { COMPETITORS } = require('./competitors')
const { seconds, grouped, table } = require('./timing')

const EVENT = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'Order Placed',
  source: 'com.shop.orders',
  account: '111122223333',
  time: '2024-03-15T08:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { orderId: 'o-1234', total: 1250.5, currency: 'EUR', items: [{ sku: 'A-1', qty: 2 }] },
}
const PATTERN = {
  source: ['com.shop.orders'],
  'detail-type': ['Order Placed'],
  detail: { total: [{ numeric: ['>=', 1000] }] },
}

function contenders() {
  const text = JSON.stringify(EVENT)
  const bytes = Buffer.from(text)
  const patternText = JSON.stringify(PATTERN)
  const machine = new Machine()
  machine.addRule('big-orders', patternText)
  const list = [
    { name: 'ferruler Machine#matchesForEvent(string)', call: () => machine.matchesForEvent(text).length },
    { name: 'ferruler Machine#matchesForEvent(Buffer)', call: () => machine.matchesForEvent(bytes).length },
    { name: 'ferruler Machine#matchesForEvent(object)', call: () => machine.matchesForEvent(EVENT).length },
    { name: 'ferruler matchesRule(string, string) (compiles the pattern on every call)', call: () => Number(matchesRule(text, patternText)) },
  ]
  for (const c of COMPETITORS) {
    const count = c.prepare([PATTERN])
    list.push({ name: `${c.name} ${c.version}`, call: () => count(text) })
  }
  return { list, bytes: bytes.length }
}

/** ns per call of `call`, best of `rounds` rounds of about `roundSeconds` each. */
function nsPerCall(call, rounds, roundSeconds) {
  const loop = (n) => {
    let sum = 0
    for (let i = 0; i < n; i++) sum += call()
    return sum
  }
  // Calibrate (this also warms the JIT up).
  let n = 1000
  while (seconds(() => loop(n)) < roundSeconds / 4) n *= 2
  n *= 4
  let best = Infinity
  for (let r = 0; r < rounds; r++) best = Math.min(best, seconds(() => loop(n)) / n)
  return best * 1e9
}

function overhead(options) {
  const { list, bytes } = contenders()
  const rows = []
  for (const c of list) {
    let result
    try {
      const matched = c.call()
      if (matched !== 1) throw new Error(`returned ${matched} matches instead of 1`)
      const ns = nsPerCall(c.call, options.rounds, options.roundSeconds)
      result = { name: c.name, ns }
      rows.push([c.name, grouped(ns), grouped(1e9 / ns)])
    } catch (e) {
      result = { name: c.name, status: `fails: ${e.message.split('\n')[0].slice(0, 80)}` }
      rows.push([c.name, result.status, ''])
    }
    c.result = result
  }
  console.log(`Per-call cost: one rule, one ${bytes}-byte event (best of ${options.rounds} rounds).`)
  console.log()
  table(['call', 'ns per call', 'calls per second'], rows)
  return list.map((c) => c.result)
}

module.exports = { overhead }
