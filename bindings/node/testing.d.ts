/**
 * Assertions for testing EventBridge rules with `node:test`, Jest or any runner that reports a
 * thrown `AssertionError`. The failure message is the explanation of the pattern on the event
 * (the `ferruler explain` text), so a failing test says why.
 *
 * ```js
 * const { assertMatches, assertNoMatch } = require('ferruler/testing')
 * assertMatches(bigOrders, { 'detail-type': 'Order Placed', detail: { total: 1250 } })
 * ```
 *
 * @packageDocumentation
 */

import type { EventInput, PatternInput, PatternOptions } from './index.js'

/**
 * Throws an `AssertionError` whose message is the explanation unless `event` matches `pattern`.
 *
 * @throws {InvalidPatternError} or {InvalidEventError} for invalid input (an error, not a failure).
 */
export declare function assertMatches(pattern: PatternInput, event: EventInput, options?: PatternOptions): void

/**
 * Throws an `AssertionError` whose message is the explanation if `event` matches `pattern`.
 *
 * @throws {InvalidPatternError} or {InvalidEventError} for invalid input (an error, not a failure).
 */
export declare function assertNoMatch(pattern: PatternInput, event: EventInput, options?: PatternOptions): void
