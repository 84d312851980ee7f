'use strict'

// The Node benchmark: per-call cost on a small event, then CityLots throughput, for ferruler and
// the JavaScript EventBridge matchers on npm, then batch matching against a loop of single calls,
// in one run. Usage:
//
//   node run.js --corpus citylots.jsonl.gz [--events N] [--rounds 3] [--budget 1] [--json out.json]
//               [--sections overhead,citylots,batch] [--batch-set EXACT]
//
// scripts/bench-node.sh builds the addon, installs the competitors and generates the corpus first.

const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')
const os = require('node:os')
const { COMPETITORS } = require('./competitors')
const { overhead } = require('./overhead')
const { citylots } = require('./citylots')
const { batch } = require('./batch')

function parseArgs(argv) {
  const options = {
    corpus: null,
    events: Infinity,
    rounds: 3,
    budget: 1,
    roundSeconds: 0.25,
    rules: path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'bench', 'citylots-rules.json'),
    json: null,
    verbose: false,
    sections: ['overhead', 'citylots', 'batch'],
    batchSet: 'EXACT',
  }
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`)
      return argv[++i]
    }
    if (arg === '--corpus') options.corpus = value()
    else if (arg === '--rules') options.rules = value()
    else if (arg === '--events') options.events = Number(value())
    else if (arg === '--rounds') options.rounds = Number(value())
    else if (arg === '--budget') options.budget = Number(value())
    else if (arg === '--json') options.json = value()
    else if (arg === '--sections') options.sections = value().split(',')
    else if (arg === '--batch-set') options.batchSet = value()
    else if (arg === '--verbose') options.verbose = true
    else throw new Error(`unknown argument ${arg}`)
  }
  if (!options.corpus) throw new Error('--corpus FILE.jsonl.gz is required (see scripts/bench-node.sh)')
  return options
}

function loadCorpus(file, limit) {
  const text = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')
  const strings = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    strings.push(line)
    if (strings.length >= limit) break
  }
  return { strings, buffers: strings.map((s) => Buffer.from(s)) }
}

function main() {
  const options = parseArgs(process.argv)
  const rules = JSON.parse(fs.readFileSync(options.rules, 'utf8'))
  const corpus = loadCorpus(options.corpus, options.events)
  const bytes = corpus.buffers.reduce((n, b) => n + b.length, 0)

  console.log(`# ferruler Node benchmark`)
  console.log()
  console.log(`Node ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)}`)
  console.log(`JavaScript matchers: ${COMPETITORS.map((c) => `${c.name} ${c.version}`).join(', ')}`)
  console.log(`Corpus: ${corpus.strings.length} events, ${(bytes / corpus.strings.length).toFixed(0)} bytes each on average`)
  console.log()

  const results = { node: process.version, competitors: COMPETITORS.map((c) => ({ name: c.name, version: c.version })) }
  if (options.sections.includes('overhead')) results.overhead = overhead(options)
  if (options.sections.includes('citylots')) results.citylots = citylots(rules, corpus, options).map(({ set, runs }) => ({
    set,
    runs: runs.map(({ name, status, rate, matched, expected, events }) => ({
      name,
      status,
      eventsPerSecond: rate,
      matched,
      expected,
      events: events?.length,
    })),
  }))
  if (options.sections.includes('batch')) results.batch = batch(rules, corpus, options)
  if (options.json) fs.writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`)
}

main()
