// Must NOT type-check: types.test.js asserts that the compiler reports each line marked below.
import { Machine } from 'ferruler'

const machine = new Machine()
machine.addRule(1, '{}') // error: name must be a string
machine.matchesForEvent(42) // error: not an event input
const n: string = machine.size // error: size is a number
machine.size = 3 // error: size is read-only
new Machine({ limits: { maxPatternBytes: '8192' } }) // error: a limit is a number
new Machine({ limits: { maxPatternByte: 8192 } }) // error: no such limit
machine.limits.maxEventDepth = 3 // error: limits are read-only
new Machine({ limit: {} }) // error: no such option
import { loadRules } from 'ferruler'
loadRules('t.yaml', { params: { Stage: 1 } }) // error: a param is a string
loadRules('t.yaml', { skip_unresolved: true }) // error: no such option
loadRules('t.yaml')[0].line = 2 // error: a rule is read-only
