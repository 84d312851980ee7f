// Compiled (not run) by types.test.js against index.d.ts: every public signature is used as a
// caller would, so a declaration that drifts from the API makes this file fail to type-check.
import { Machine, matchesRule, checkPattern, explain, patternComplexity, InvalidPatternError, InvalidEventError } from 'ferruler'
import type { Explanation, Alternative, Condition } from 'ferruler'
import { assertMatches, assertNoMatch } from 'ferruler/testing'
import type { MachineStats, PatternInput, EventInput, Limits, MachineOptions } from 'ferruler'

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
const limited = new Machine({ limits: { maxPatternBytes: 8192, maxEventDepth: 64 } })
const limits: Readonly<Limits> = limited.limits
const options: MachineOptions = { limits: { ...limits, maxOrCombinations: 10 } }
const copied = new Machine(options)
const maxEventBytes: number = copied.limits.maxEventBytes
new Machine({})
new Machine({ limits: {} })
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

void [deleted, count, names, size, present, all, stats, matched, pattern, maxEventBytes]

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

import { FilterCriteria, InvalidFilterError, InvalidRecordError } from 'ferruler'
import type { FilterCriteriaOptions } from 'ferruler'
const filterOptions: FilterCriteriaOptions = { source: 'kinesis', pipes: true }
const criteria = new FilterCriteria([{ body: ['x'] }, '{"body": ["y"]}'], { source: 'sqs' })
const passes: boolean = criteria.matches({ body: 'x', eventSource: 'aws:sqs' })
const which: number[] = criteria.matchingFilters('{"body": "y"}')
const carried: string = criteria.event(new Uint8Array([123, 125]))
const maxFilters: number | null = new FilterCriteria([], filterOptions).maxFilters
const filterCount: number = criteria.length + (criteria.pipes ? 1 : 0) + criteria.source.length + criteria.service.length
try {
  new FilterCriteria([], { source: 'sqs' })
} catch (e) {
  if (e instanceof InvalidFilterError) {
    const at: number | undefined = e.filter
    const line: number = e.line
  } else if (e instanceof InvalidRecordError) {
    const offset: number = e.offset
  }
}

import { loadRules, InvalidRuleFileError } from 'ferruler'
import type { Rule, LoadRulesOptions } from 'ferruler'
const loadOptions: LoadRulesOptions = { params: { Stage: 'prod' }, skipUnresolved: true }
const loaded: Rule[] = loadRules('template.yaml', loadOptions)
const fromUrl: Rule[] = loadRules(new URL('file:///rules/'), {})
const first: Rule = loadRules('rules.json')[0]
const where: string = `${first.file}:${first.line}:${first.column} ${first.name} ${first.pattern}`
const ruleFilters: readonly string[] = first.filters
if (first.dialect !== 'eventbridge') new FilterCriteria(first.filters, { source: first.dialect })
try {
  loadRules('template.yaml')
} catch (e) {
  if (e instanceof InvalidRuleFileError) {
    const place: [string | undefined, number | undefined, number | undefined] = [e.file, e.line, e.column]
    const said: string = e.message + e.reason + e.code
  }
}
void [loaded, fromUrl, where, ruleFilters]
