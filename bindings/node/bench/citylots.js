'use strict'

// CityLots throughput, following the harness convention of shared/bench/README.md: for each rule
// set, a fresh matcher with its 5 patterns, then timed passes handing every event's JSON text to
// it (parsing included), counting matches. Reported as events per second.
//
// ferruler goes through the whole corpus; a JavaScript matcher, 10-100x slower, through a sample
// sized to take about `budget` seconds (at least 1,000 events), starting at the first event. Its
// match count is checked against ferruler's on the same sample.

const { Machine } = require('..')
const { COMPETITORS } = require('./competitors')
const { seconds, grouped, table } = require('./timing')

function ferrulerContender(input) {
  return {
    name: `ferruler (${input})`,
    ferruler: true,
    input,
    prepare(patterns) {
      const machine = new Machine()
      patterns.forEach((p, i) => machine.addRule(`rule-${i}`, JSON.stringify(p)))
      return (event) => machine.matchesForEvent(event).length
    },
  }
}

/** Runs `count` over `events`, returning the total count. */
function pass(count, events) {
  let total = 0
  for (let i = 0; i < events.length; i++) total += count(events[i])
  return total
}

function runSet(setName, patterns, corpus, options) {
  const { strings, buffers } = corpus
  const reference = ferrulerContender('string').prepare(patterns)
  const contenders = [ferrulerContender('string'), ferrulerContender('Buffer'), ...COMPETITORS]
  const runs = []
  for (const c of contenders) {
    const run = { name: c.name, ferruler: Boolean(c.ferruler), version: c.version, status: 'ok' }
    runs.push(run)
    try {
      run.count = c.prepare(patterns)
      if (c.ferruler) {
        run.events = c.input === 'Buffer' ? buffers : strings
      } else {
        // Warm up (and learn the rate) on a few hundred events, then size the sample.
        const warm = strings.slice(0, Math.min(300, strings.length))
        const rate = warm.length / seconds(() => pass(run.count, warm))
        const size = Math.max(1000, Math.round(rate * options.budget))
        run.events = strings.slice(0, Math.min(size, strings.length))
      }
      run.expected = pass(reference, c.ferruler ? strings : run.events)
    } catch (e) {
      run.status = `fails: ${e.message.split('\n')[0].slice(0, 80)}`
    }
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const run of runs) {
      if (run.status !== 'ok') continue
      let matched = 0
      let elapsed
      try {
        elapsed = seconds(() => {
          matched = pass(run.count, run.events)
        })
      } catch (e) {
        run.status = `fails: ${e.message.split('\n')[0].slice(0, 80)}`
        continue
      }
      run.matched = matched
      run.best = Math.min(run.best ?? Infinity, elapsed)
    }
  }
  for (const run of runs) {
    if (run.status !== 'ok') continue
    run.rate = run.events.length / run.best
    run.correct = run.matched === run.expected
  }
  return { set: setName, runs }
}

/** Runs every rule set and prints the table; returns the results. */
function citylots(rules, corpus, options) {
  const results = []
  for (const [name, patterns] of Object.entries(rules)) {
    const result = runSet(name, patterns, corpus, options)
    results.push(result)
    if (options.verbose) console.error(`  ${name} done`)
  }

  const names = results[0].runs.map((r) => r.name)
  const rows = results.map(({ set, runs }) => {
    const cells = runs.map((r) => {
      if (r.status !== 'ok') return r.status
      const note = r.ferruler ? '' : r.correct ? ' ✓' : ` ✗ (${r.matched} matches, expected ${r.expected})`
      return `${grouped(r.rate)}${note}`
    })
    const js = runs.filter((r) => !r.ferruler && r.status === 'ok')
    const best = js.reduce((a, b) => (b.rate > a.rate ? b : a), js[0])
    const ratio = (input) => {
      const f = runs.find((r) => r.name === `ferruler (${input})`)
      return best && f.status === 'ok' ? `${(f.rate / best.rate).toFixed(1)}×` : 'n/a'
    }
    return [set, ferrulerCount(runs), ...cells, ratio('string'), ratio('Buffer')]
  })
  console.log(
    `CityLots: events per second (ferruler over ${grouped(corpus.strings.length)} events; each JavaScript ` +
      `matcher over a ~${options.budget}s sample; ✓/✗: its match count equals ferruler's on that sample or not; ` +
      `best of ${options.rounds} rounds).`,
  )
  console.log()
  table(['rule set', 'matches', ...names, '× best JS (string)', '× best JS (Buffer)'], rows)
  return results
}

function ferrulerCount(runs) {
  const f = runs.find((r) => r.ferruler && r.status === 'ok')
  return f ? grouped(f.matched) : 'n/a'
}

module.exports = { citylots }
