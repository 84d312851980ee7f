'use strict'

// Batch matching: `Machine#matchesForEvents` on batches of 1,000 events and on the whole corpus as
// one batch, against a loop of `matchesForEvent` calls over the same events, on one CityLots rule
// set (EXACT by default), from strings and from Buffers. Both produce every event's array of names; the counts are checked to
// agree. Reported as events per second, best of the rounds, contenders interleaved.

const { Machine } = require('..')
const { seconds, grouped, table } = require('./timing')

const BATCH = 1000

function batch(rules, corpus, options) {
  const set = options.batchSet
  const machine = new Machine()
  rules[set].forEach((p, i) => machine.addRule(`rule-${i}`, JSON.stringify(p)))
  const contenders = []
  for (const [input, events] of [
    ['string', corpus.strings],
    ['Buffer', corpus.buffers],
  ]) {
    const batches = []
    for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH))
    contenders.push({
      name: `loop of matchesForEvent (${input})`,
      run() {
        let matched = 0
        for (let i = 0; i < events.length; i++) matched += machine.matchesForEvent(events[i]).length
        return matched
      },
    })
    contenders.push({
      name: `matchesForEvents, batches of ${BATCH} (${input})`,
      run() {
        let matched = 0
        for (const b of batches) for (const names of machine.matchesForEvents(b)) matched += names.length
        return matched
      },
    })
    contenders.push({
      name: `matchesForEvents, one batch (${input})`,
      run() {
        let matched = 0
        for (const names of machine.matchesForEvents(events)) matched += names.length
        return matched
      },
    })
  }
  const best = contenders.map(() => Infinity)
  let expected
  for (let round = 0; round < options.rounds; round++) {
    contenders.forEach((c, i) => {
      let matched
      best[i] = Math.min(best[i], seconds(() => (matched = c.run())))
      if (expected === undefined) expected = matched
      if (matched !== expected) throw new Error(`${c.name} found ${matched} matches, not ${expected}`)
    })
  }
  const rates = best.map((s) => corpus.strings.length / s)
  console.log(`## Batch matching (CityLots ${set}, ${corpus.strings.length} events, ${expected} matches)`)
  console.log()
  table(
    ['call', 'events/s', '× loop'],
    contenders.map((c, i) => [c.name, grouped(rates[i]), `${(rates[i] / rates[i - (i % 3)]).toFixed(2)}×`]),
  )
  return contenders.map((c, i) => ({ name: c.name, eventsPerSecond: rates[i] }))
}

module.exports = { batch }
