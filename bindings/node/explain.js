'use strict'

// The result of `explain(pattern, event)`: why a pattern does or does not match an event.
//
// The addon hands over the explanation already written out as `ferruler explain` writes it: its
// text, which `toString()` returns (so it reads exactly like the CLI's), and its `--json`
// document, from which the objects here are built, keys in camelCase. Event values are the event's
// own JSON values (`JSON.parse` of their text; integers beyond 2^53 lose precision, as anywhere in
// JavaScript); matchers are in pattern syntax.

class Explanation {
  #text

  constructor(text, document) {
    this.#text = text
    this.matched = document.matched
    this.alternatives = document.alternatives.map((a) => ({
      matched: a.matched,
      reason: a.reason,
      conditions: a.conditions.map((c) => ({
        path: c.path,
        matchers: c.matchers,
        existsFalse: c.exists_false,
        holds: c.holds,
        values: c.values.map((v) => ({ location: v.location, value: v.value, acceptedBy: v.accepted_by })),
        objects: c.objects,
        emptyArrays: c.empty_arrays,
        chosen: c.chosen,
      })),
      conflicts: a.conflicts ?? [],
      blocking: a.blocking ?? [],
    }))
  }

  /** The explanation as `ferruler explain` prints it. */
  toString() {
    return this.#text
  }

  get [Symbol.toStringTag]() {
    return 'Explanation'
  }
}

module.exports = { Explanation }
