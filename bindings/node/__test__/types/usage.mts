// The ES-module twin of usage.ts: the same calls, resolved through the "import" condition of the
// package exports rather than "require".
import { Machine, matchesRule, checkPattern, explain, patternComplexity, InvalidPatternError, InvalidEventError } from 'ferruler'
import type { Explanation, Alternative, Condition } from 'ferruler'
import { assertMatches, assertNoMatch } from 'ferruler/testing'
import type { MachineStats, PatternInput, EventInput, Limits } from 'ferruler'

const machine = new Machine()
machine.addRule('a', '{"source": ["x"]}')
machine.addRule('b', { detail: { n: [{ numeric: ['>', 1] }] } })
machine.addRule('c', new Uint8Array([123, 125]))
const deleted: boolean = machine.deleteRule('a', '{"source": ["x"]}')
const count: number = machine.deleteRules('b')
const names: string[] = machine.matchesForEvent(new Uint8Array(2))
const size: number = machine.size
const present: boolean = machine.has('c')
const all: string[] = machine.ruleNames()
const stats: MachineStats = machine.stats()
const limits: Readonly<Limits> = new Machine({ limits: { maxEventBytes: 1 << 20 } }).limits
machine.checkPattern({ a: [1] })
const matched: boolean = matchesRule({ a: 1 }, '{"a": [1]}')
checkPattern(new ArrayBuffer(0))

const pattern: PatternInput = { a: [1] }
const event: EventInput = '{}'

try {
  machine.matchesForEvent(event)
} catch (e) {
  if (e instanceof InvalidPatternError) {
    const fields: [string, string, number, number, number] = [e.code, e.reason, e.line, e.column, e.offset]
    void fields
  } else if (e instanceof InvalidEventError) {
    const code: 'INVALID_EVENT' = e.code
    const offset: number = e.offset
    void [code, offset]
  }
}

void [deleted, count, names, size, present, all, stats, matched, pattern, limits]

// Batch matching, explain, complexity and the test assertions.
const batches: string[][] = machine.matchesForEvents(['{}', new Uint8Array(2), { a: 1 }])
const fromSet: string[][] = machine.matchesForEvents(new Set<EventInput>(['{}']))
const complexity: number = machine.complexity() + patternComplexity({ a: [{ wildcard: 'a*b' }] }, { limits: { maxComplexity: 20 } })
const why: Explanation = explain({ a: [1] }, '{"a": 2}')
const text: string = why.toString()
const reason: Alternative['reason'] = why.alternatives[0].reason
const condition: Condition = why.alternatives[0].conditions[0]
const chosen: number | null = condition.chosen
const accepted: string[] = condition.values[0].acceptedBy
assertMatches({ a: [1] }, { a: 1 })
assertNoMatch({ a: [1] }, '{"a": 2}', { limits: { maxEventDepth: 8 } })

import { loadRules, InvalidRuleFileError } from 'ferruler'
import type { Rule } from 'ferruler'
const loaded: Rule[] = loadRules('serverless.yml', { params: { stage: 'prod' } })
const error = new InvalidRuleFileError('t.yaml:3:4: error: bad', { file: 't.yaml', line: 3, column: 4, reason: 'bad' })
const line: number | undefined = error.line
void [loaded, line]
