'use strict'

// The JavaScript EventBridge pattern matchers on npm that Node users reach for today, behind one
// interface: `prepare(patterns)` returns `count(eventText)`, the number of the patterns that the
// event (JSON text, parsed by the matcher's side as part of the work, as EventBridge receives it)
// matches. `prepare` throws if the matcher cannot be set up; `count` throws where the matcher
// throws on an operator it does not support.
//
// Both matchers come from local-emulation plugins for the Serverless Framework, where they route
// `PutEvents` entries to functions. Both only descend into nested objects under `detail` (other
// top-level fields are compared as scalars), so each pattern is wrapped as `{detail: pattern}` and
// each event is placed under `detail`: the same fields and operators, at the place where these
// matchers look for them.

const path = require('node:path')

function versionOf(pkg) {
  return require(path.join(pkg, 'package.json')).version
}

const coorp = {
  name: '@coorpacademy/serverless-offline-eventbridge',
  // `matchesPattern(pattern, event)` is exported by the plugin's EventBridge module, not by the
  // package's entry point (the plugin class).
  load() {
    const { matchesPattern } = require('@coorpacademy/serverless-offline-eventbridge/src/eventbridge.js')
    if (typeof matchesPattern !== 'function') throw new Error('matchesPattern is not exported')
    return matchesPattern
  },
  prepare(patterns) {
    const matchesPattern = this.load()
    const wrapped = patterns.map((p) => ({ detail: p }))
    return (text) => {
      const event = { detail: JSON.parse(text) }
      let n = 0
      for (const p of wrapped) if (matchesPattern(p, event)) n++
      return n
    }
  },
}

const rubenkaiser = {
  name: 'serverless-offline-aws-eventbridge',
  prepare(patterns) {
    const Plugin = require('serverless-offline-aws-eventbridge')
    // The plugin's matcher is a method of the plugin object; it needs no Serverless runtime, only
    // a logger for its debug output (off).
    const plugin = new Plugin({ service: { custom: {} } }, {}, { log: { notice() {} } })
    const subscribers = patterns.map((p) => ({ event: { pattern: { detail: p } } }))
    // `verifyIsSubscribed(subscriber, entry)` is what the plugin runs for every subscriber on
    // every PutEvents entry; it parses `entry.Detail` itself (once per subscriber).
    return (text) => {
      const entry = { Detail: text }
      let n = 0
      for (const s of subscribers) if (plugin.verifyIsSubscribed(s, entry)) n++
      return n
    }
  },
}

const COMPETITORS = [coorp, rubenkaiser].map((c) => ({ ...c, version: versionOf(c.name) }))

module.exports = { COMPETITORS }
