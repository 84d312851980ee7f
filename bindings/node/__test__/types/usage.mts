// The ES-module twin of usage.ts: the same calls, resolved through the "import" condition of the
// package exports rather than "require".
import { Machine, matchesRule, checkPattern, InvalidPatternError, InvalidEventError } from 'ferruler'
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
