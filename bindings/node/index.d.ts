/**
 * Amazon EventBridge event-pattern matching for Node.js.
 *
 * Rules (named event patterns) are compiled into one {@link Machine}; an event is read once and
 * comes out with the names of every rule it matches, in time that does not grow with the number
 * of rules. Pattern semantics and error messages are EventBridge's.
 *
 * ```js
 * const { Machine } = require('ferruler') // or: import { Machine } from 'ferruler'
 * const machine = new Machine()
 * machine.addRule('big-orders', { 'detail-type': ['Order Placed'], detail: { total: [{ numeric: ['>=', 1000] }] } })
 * machine.matchesForEvent('{"detail-type": "Order Placed", "detail": {"total": 1250}}') // ['big-orders']
 * ```
 *
 * @packageDocumentation
 */

/**
 * An event pattern: its JSON text as a string, as UTF-8 bytes, or as an object.
 *
 * - A `string` is used as the pattern's text.
 * - A `Uint8Array` (a `Buffer` is one) or an `ArrayBuffer` holds the text as UTF-8 bytes; they are
 *   read in place, without a copy.
 * - Any other object is serialised with `JSON.stringify` first. Numbers then reach the engine as
 *   JavaScript spells them (`3.5e1` becomes `35`), and duplicate keys cannot be expressed: pass
 *   text when spelling matters.
 *
 * Typed arrays other than `Uint8Array` and `DataView`s are rejected with a `TypeError`.
 */
export type PatternInput = string | Uint8Array | ArrayBuffer | object

/**
 * An event: its JSON text as a string, as UTF-8 bytes, or as an object, with the same rules as
 * {@link PatternInput}. The event must be a JSON object.
 *
 * Bytes are the fastest input: they are matched in place, while a string is transcoded to UTF-8
 * and an object is serialised with `JSON.stringify` on every call.
 */
export type EventInput = string | Uint8Array | ArrayBuffer | object

/** Counts describing what a {@link Machine} holds. */
export interface MachineStats {
  /** Distinct rule names (the same as {@link Machine.size}). */
  names: number
  /** Patterns over all names; a name may have several. */
  patterns: number
  /** The alternatives the patterns expanded to: each `$or` multiplies them. */
  subRules: number
  /** Distinct field paths the rules use. */
  paths: number
}

/**
 * Bounds on what a {@link Machine} accepts, so that no pattern or event can make it slow, deep or
 * large by surprise. Exceeding one is an {@link InvalidPatternError} (when a pattern is added or
 * checked) or an {@link InvalidEventError} (when an event is matched) whose message names the limit
 * and its value, e.g. `... more than the limit of 4096 bytes (limits.maxPatternBytes)`.
 *
 * Each is an integer from 1 to `Number.MAX_SAFE_INTEGER`.
 */
export interface Limits {
  /**
   * Largest pattern text, in bytes. Default 4096, EventBridge's `PutRule` limit. (For an object,
   * the length of its `JSON.stringify` output.)
   */
  readonly maxPatternBytes: number
  /** Deepest nesting of objects and arrays in a pattern. Default 64. */
  readonly maxPatternDepth: number
  /**
   * Most values in one list of a pattern: a field's value list, or the operands of an
   * `anything-but`. Default 1000.
   */
  readonly maxValuesPerField: number
  /**
   * Highest wildcard complexity of a rule, EventBridge's measure: on each field, the most
   * wildcard rule prefixes one value could be matching at once. Default 10, EventBridge's; a rule
   * above it is rejected ("Rule is too complex").
   */
  readonly maxComplexity: number
  /** Most rule combinations one pattern's `$or`s may expand to. Default 1000, EventBridge's. */
  readonly maxOrCombinations: number
  /** Largest event, in bytes of UTF-8 text. Default 64 MiB (67108864). */
  readonly maxEventBytes: number
  /** Deepest nesting of objects and arrays in an event. Default 1024. */
  readonly maxEventDepth: number
}

/** Options of `new Machine(options)`. */
export interface MachineOptions {
  /**
   * The limits to enforce; each one left out keeps its default. Another machine's
   * {@link Machine.limits} may be passed to copy them.
   */
  limits?: Partial<Limits>
}

/**
 * Many named event patterns, compiled together.
 *
 * A rule is a name with one or more patterns; the name matches an event when any of its patterns
 * does. Matching is synchronous and does not allocate per rule; a machine can hold hundreds of
 * thousands of rules.
 */
export declare class Machine {
  /**
   * An empty machine.
   *
   * ```js
   * const machine = new Machine({ limits: { maxPatternBytes: 8192, maxEventDepth: 64 } })
   * ```
   *
   * @throws {TypeError} if `options`, `options.limits` or one of its fields has the wrong type, or
   *   they hold an unknown property (a misspelt limit is refused, not ignored).
   * @throws {RangeError} if a limit is not an integer from 1 to `Number.MAX_SAFE_INTEGER`.
   */
  constructor(options?: MachineOptions)

  /** The limits this machine enforces, every field set: a frozen object, the same on every read. */
  readonly limits: Readonly<Limits>

  /**
   * Adds `pattern` under `name`. Several patterns under one name mean OR. Adding a pattern the
   * name already has (the same JSON, whatever its whitespace or key order) changes nothing.
   *
   * @throws {InvalidPatternError} if the pattern is not a valid EventBridge pattern; the machine
   *   is then left as it was.
   * @throws {TypeError} if `name` is not a string or `pattern` not a {@link PatternInput}.
   */
  addRule(name: string, pattern: PatternInput): void

  /**
   * Deletes `pattern` from the rule `name`. The pattern is recognised by meaning: whitespace and
   * key order may differ from the text it was added with. A name left with no pattern is removed.
   *
   * @returns whether the pattern was there.
   * @throws {InvalidPatternError} if `pattern` is not a valid pattern.
   * @throws {TypeError} if `name` is not a string or `pattern` not a {@link PatternInput}.
   */
  deleteRule(name: string, pattern: PatternInput): boolean

  /**
   * Deletes every pattern of the rule `name`.
   *
   * @returns how many patterns there were (0 if there was no such rule).
   * @throws {TypeError} if `name` is not a string.
   */
  deleteRules(name: string): number

  /**
   * The names of the rules `event` matches, each once, in no particular order. A new array on
   * every call.
   *
   * @throws {InvalidEventError} if the event is not a JSON object in valid JSON and UTF-8.
   * @throws {TypeError} if `event` is not an {@link EventInput}, or is an object that
   *   `JSON.stringify` rejects (a cycle, a `BigInt`).
   */
  matchesForEvent(event: EventInput): string[]

  /**
   * The names of the rules each of `events` matches: one array per event, in order, as
   * {@link Machine.matchesForEvent} would return them. One call into the addon for the whole
   * batch, which makes it faster than a loop of `matchesForEvent` calls (see the README's figures).
   *
   * @param events an array (or any other iterable) of {@link EventInput}s.
   * @throws {InvalidEventError} for the first event that is not a JSON object in valid JSON and
   *   UTF-8; no result is returned then.
   * @throws {TypeError} if `events` is not iterable or holds something that is not an
   *   {@link EventInput}.
   */
  matchesForEvents(events: Iterable<EventInput>): string[][]

  /**
   * The wildcard complexity of the machine's most complex rule, EventBridge's measure behind
   * "Rule is too complex" (0 without wildcards): on each field, the most wildcard rule prefixes one
   * value could be matching at once, the largest over the rule's fields. A rule above
   * {@link Limits.maxComplexity} (10 by default, as EventBridge) is refused; it is counted per
   * rule, so any number of rules with wildcards load. {@link patternComplexity} gives one
   * pattern's.
   */
  complexity(): number

  /** The number of distinct rule names. */
  readonly size: number

  /**
   * Whether a rule of this name exists.
   *
   * @throws {TypeError} if `name` is not a string.
   */
  has(name: string): boolean

  /** The rule names, in no particular order. */
  ruleNames(): string[]

  /**
   * Checks that `pattern` is valid, as {@link Machine.addRule} would (with this machine's
   * {@link Machine.limits}), without adding it.
   *
   * @throws {InvalidPatternError} if it is not.
   * @throws {TypeError} if `pattern` is not a {@link PatternInput}.
   */
  checkPattern(pattern: PatternInput): void

  /** Counts of what the machine holds. */
  stats(): MachineStats
}

/**
 * Whether `event` matches `pattern`, like EventBridge's `TestEventPattern` (which, unlike this
 * function, also requires the envelope fields in the event). To match many events against the
 * same pattern, add it to a {@link Machine} once instead: this compiles it on every call. The
 * default {@link Limits} apply.
 *
 * @throws {InvalidPatternError} if the pattern is invalid (checked first).
 * @throws {InvalidEventError} if the event is not a JSON object in valid JSON and UTF-8.
 * @throws {TypeError} if an argument has the wrong type.
 */
export declare function matchesRule(event: EventInput, pattern: PatternInput): boolean

/**
 * Checks that `pattern` is a valid EventBridge event pattern, with the default {@link Limits}
 * (use {@link Machine.checkPattern} for others).
 *
 * @throws {InvalidPatternError} if it is not, with EventBridge's reason and the position.
 * @throws {TypeError} if `pattern` is not a {@link PatternInput}.
 */
export declare function checkPattern(pattern: PatternInput): void

/** Options of {@link explain} and {@link patternComplexity}. */
export interface PatternOptions {
  /** The limits to enforce, as for a {@link Machine}; each one left out keeps its default. */
  limits?: Partial<Limits>
}

/**
 * Why `pattern` does or does not match `event`: every condition of every `$or` alternative, the
 * event's values at its path, which matchers accept them, and what decided. `toString()` of the
 * result is the text `ferruler explain` prints. Slower than matching (it walks the whole event):
 * meant for one event at a time, as when a test fails.
 *
 * ```js
 * const why = explain({ detail: { state: ['stopped'] } }, { detail: { state: 'running' } })
 * why.matched // false
 * why.alternatives[0].conditions[0].values[0].value // 'running'
 * ```
 *
 * @throws {InvalidPatternError} if the pattern is invalid (checked first).
 * @throws {InvalidEventError} if the event is not a JSON object in valid JSON and UTF-8.
 * @throws {TypeError} if an argument has the wrong type.
 */
export declare function explain(pattern: PatternInput, event: EventInput, options?: PatternOptions): Explanation

/**
 * The wildcard complexity of `pattern`, EventBridge's measure (see {@link Machine.complexity}):
 * 0 without wildcards; three `*:stack/NAME/*` on one field count 9, four count 12.
 *
 * @throws {InvalidPatternError} if the pattern is invalid under the limits, including a
 *   complexity above `limits.maxComplexity` (10 by default): "Rule is too complex".
 * @throws {TypeError} if an argument has the wrong type.
 */
export declare function patternComplexity(pattern: PatternInput, options?: PatternOptions): number

/** The result of {@link explain}. */
export declare class Explanation {
  private constructor()
  /** Whether the pattern matches the event (some alternative matched). */
  readonly matched: boolean
  /** One per `$or` combination of the pattern; one for a pattern without `$or`. */
  readonly alternatives: Alternative[]
  /** The explanation as `ferruler explain` prints it. */
  toString(): string
}

/** One alternative of a pattern (one combination of its `$or` branches) and its verdict. */
export interface Alternative {
  matched: boolean
  /**
   * What decided: `'unsatisfied'`, a condition has no accepted value; `'array_conflict'`, the
   * accepted values lie in different elements of an array; `'absent_violated'`, an
   * `exists: false` field is there.
   */
  reason: 'matched' | 'unsatisfied' | 'array_conflict' | 'absent_violated'
  conditions: Condition[]
  /** For `'array_conflict'`: the pairs of conditions kept apart, and the array's location. */
  conflicts: { first: string; second: string; array: string }[]
  /** For `'absent_violated'`: the fields that must not exist but do, and where. */
  blocking: { path: string; location: string }[]
}

/** One condition of an alternative, and the event's values at its path. */
export interface Condition {
  /** The field path, dotted: `detail.state`. */
  path: string
  /** The matchers, in pattern syntax (any one must accept a value); empty for `exists: false`. */
  matchers: string[]
  /** Whether the condition is `{"exists": false}`. */
  existsFalse: boolean
  /** Whether it holds on its own, before array consistency is considered. */
  holds: boolean
  /** Every value at the path, in event order. */
  values: { location: string; value: string | number | boolean | null; acceptedBy: string[] }[]
  /** How many objects sit at the path (objects never match). */
  objects: number
  /** How many empty arrays sit at the path. */
  emptyArrays: number
  /** Index into `values` of the value the verdict used, if any. */
  chosen: number | null
}

/** The fields that locate a pattern or event error. */
export interface ErrorDetails {
  /** The reason alone, without the position. */
  reason?: string
  /** 1-based line of the problem. */
  line?: number
  /** 1-based column of the problem in its line, counted in Unicode code points. */
  column?: number
  /** 0-based byte offset of the problem in the UTF-8 text. */
  offset?: number
}

/**
 * A pattern was rejected. The message is EventBridge's (event-ruler's) wording where it has one,
 * followed by the position: `Value of > must be numeric at line 3, column 31`.
 *
 * Positions refer to the pattern's JSON text: the text given, or for an object the output of
 * `JSON.stringify`.
 */
export declare class InvalidPatternError extends Error {
  constructor(message: string, details?: ErrorDetails)
  readonly name: 'InvalidPatternError' | 'InvalidFilterError'
  /** Always `'INVALID_PATTERN'`. */
  readonly code: 'INVALID_PATTERN'
  /** The reason, without the position (e.g. `"source" must be an object or an array`). */
  readonly reason: string
  /** 1-based line of the offending token in the pattern text. */
  readonly line: number
  /** 1-based column of the offending token, in Unicode code points. */
  readonly column: number
  /** 0-based byte offset of the offending token in the UTF-8 pattern text. */
  readonly offset: number
}

/**
 * An event could not be read: it is not valid JSON, not a JSON object, not UTF-8, or nested too
 * deeply. The message ends with the byte offset: `invalid event: ... at byte 17`.
 *
 * `offset` is where reading stopped, in bytes of the event's UTF-8 text (for an object, of its
 * `JSON.stringify` output); `line` and `column` are computed from it, columns counting code points.
 */
export declare class InvalidEventError extends Error {
  constructor(message: string, details?: ErrorDetails)
  readonly name: 'InvalidEventError' | 'InvalidRecordError'
  /** Always `'INVALID_EVENT'`. */
  readonly code: 'INVALID_EVENT'
  /** The reason, without the position. */
  readonly reason: string
  /** 1-based line of the offset in the event text. */
  readonly line: number
  /** 1-based column of the offset, in Unicode code points. */
  readonly column: number
  /** 0-based byte offset in the UTF-8 event text where reading stopped. */
  readonly offset: number
}

/** Options of {@link FilterCriteria}. */
export interface FilterCriteriaOptions {
  /**
   * The event source: `'sqs'`, `'kinesis'`, `'dynamodb'`, `'kafka'` (or `'msk'`), `'mq'`, or
   * `'eventbridge'` (events matched as they are). `'lambda:sqs'` and `'pipes:sqs'` are accepted
   * too, as in the CLI's `--for`. Case does not matter.
   */
  source: string
  /** Apply EventBridge Pipes' rules (at most 5 filters, `$or` allowed) instead of Lambda's (at
   * most 10). Default `false`. */
  pipes?: boolean
}

/**
 * The filter criteria of a Lambda event-source mapping or an EventBridge Pipe: filter patterns,
 * OR-ed, matched against the records the event source delivers (SQS `body`, Kinesis and MQ `data`
 * and Kafka `value` decoded from base64 and read as JSON when they are JSON, DynamoDB stream
 * records as they are).
 *
 * ```js
 * const criteria = new FilterCriteria([{ body: { RequestCode: ['BBBB'] } }], { source: 'sqs' })
 * criteria.matches(sqsRecord) // true or false
 * ```
 *
 * @throws {InvalidFilterError} for a filter the service refuses: not a valid pattern, an operator
 *   the service does not support (`wildcard`; `$or` in Lambda), a field the source does not allow
 *   filtering on, or too many filters.
 * @throws {TypeError} for an unknown source or arguments of the wrong type.
 */
export declare class FilterCriteria {
  constructor(filters: Iterable<PatternInput>, options: FilterCriteriaOptions)
  /**
   * Whether `record` passes: any filter matches the event it carries (true with no filters).
   * @throws {InvalidRecordError} if `record` is not a record of the event source, or not JSON.
   */
  matches(record: EventInput): boolean
  /** The indexes, ascending, of the filters that match `record`. */
  matchingFilters(record: EventInput): number[]
  /** The event `record` carries, as the JSON text the filters are matched against. */
  event(record: EventInput): string
  /** `'sqs'`, `'kinesis'`, `'dynamodb'`, `'kafka'`, `'mq'` or `'eventbridge'`. */
  readonly source: string
  /** Whether Pipes' rules apply. */
  readonly pipes: boolean
  /** `'Lambda'`, `'Pipes'` or `'EventBridge'`. */
  readonly service: 'Lambda' | 'Pipes' | 'EventBridge'
  /** The most filters the service allows (10 for Lambda, 5 for Pipes); `null` for EventBridge. */
  readonly maxFilters: number | null
  /** How many filters. */
  readonly length: number
}

/** The fields of an {@link InvalidFilterError}. */
export interface FilterErrorDetails extends ErrorDetails {
  /** 0-based index of the filter at fault. */
  filter?: number
}

/**
 * A Lambda or Pipes filter was rejected, as the service would reject it. Positions refer to that
 * filter's text. `code` is `'INVALID_PATTERN'`, as for any pattern error.
 */
export declare class InvalidFilterError extends InvalidPatternError {
  constructor(message: string, details?: FilterErrorDetails)
  readonly name: 'InvalidFilterError'
  /** 0-based index of the filter at fault; undefined when the criteria as a whole are (too many
   * filters). */
  readonly filter: number | undefined
}

/**
 * A record is not one of the event source's records (e.g. its data is not base64), or not valid
 * JSON. `code` is `'INVALID_EVENT'`, as for any event error.
 */
export declare class InvalidRecordError extends InvalidEventError {
  constructor(message: string, details?: ErrorDetails)
  readonly name: 'InvalidRecordError'
}

/**
 * A rule as {@link loadRules} reads it from a file: a named pattern, and where it is written.
 * A frozen object.
 */
export interface Rule {
  /**
   * The rule's name as the CLI names it: a map's key, a pattern file's name without `.json`, a
   * template resource's logical ID, a Serverless rule's deployed name, a Terraform address.
   */
  readonly name: string
  /**
   * The pattern's JSON text, as {@link Machine.addRule} takes it. For filter criteria of several
   * filters, the filters joined with `$or` (a record passes when any matches).
   */
  readonly pattern: string
  /**
   * `'eventbridge'` for an EventBridge rule; for the filter criteria of a Lambda event-source
   * mapping or an EventBridge Pipe, `'lambda:SOURCE'` or `'pipes:SOURCE'` (`SOURCE`: `sqs`,
   * `kinesis`, `dynamodb`, `kafka`, `mq`), as {@link FilterCriteria} takes its `source`.
   */
  readonly dialect: 'eventbridge' | `lambda:${string}` | `pipes:${string}`
  /**
   * For filter criteria, each filter's JSON text (`new FilterCriteria(rule.filters, { source:
   * rule.dialect })` matches records as the service does); empty for an EventBridge rule.
   */
  readonly filters: readonly string[]
  /** The file the pattern is written in, as the path was given (or as found in a folder). */
  readonly file: string
  /** 1-based line where the pattern starts in {@link Rule.file}. */
  readonly line: number
  /** 1-based column where it starts, in Unicode code points. */
  readonly column: number
}

/** Options of {@link loadRules}. */
export interface LoadRulesOptions {
  /**
   * Values for what a template can only know when deployed, by the name the CLI takes as `--param
   * NAME=VALUE`: parameters without a default, pseudo parameters (`AWS::AccountId`),
   * `!GetAtt Res.Attr` (`Res.Attr`), `!ImportValue`, Serverless `${param:...}` and `stage`,
   * Terraform variables.
   */
  params?: Readonly<Record<string, string>>
  /**
   * Leave out a rule that still needs such a value (a Terraform resource's attribute has none to
   * give), as `ferruler check` leaves it unchecked, instead of throwing, as `ferruler filter`
   * does. Default `false`.
   */
  skipUnresolved?: boolean
}

/**
 * The rules written in the file or folder `path`, read as `ferruler check` and `ferruler filter
 * --rules` read it, by the CLI's own readers, in the CLI's order, every one checked. `path` is:
 *
 * - a `{name: pattern}` JSON file (`NAME.rules.json`, or any `.json` given directly; a pattern may
 *   also be a JSON string holding the pattern, as CloudFormation allows);
 * - a CloudFormation, SAM or CDK template (`.yaml`, `.yml`, `.template.json`, or JSON with
 *   `Resources`): `AWS::Events::Rule` resources, SAM `EventBridgeRule`/`CloudWatchEvent` events,
 *   Lambda event-source mapping and Pipes filter criteria, named by logical ID;
 * - a Serverless Framework service (`serverless.yml`, `.yaml`, `.json`);
 * - a Terraform root module (a folder of `.tf` files, or one `.tf` file standing for its folder)
 *   or `terraform show -json` output;
 * - a folder of any of these (`NAME.json` holding one pattern is the rule `NAME`; hidden entries,
 *   `*.event.json` and `events`, `node_modules` and `target` folders are skipped).
 *
 * A relative path is resolved against the current directory, as by `node:fs`.
 *
 * ```js
 * for (const rule of loadRules('template.yaml', { params: { Stage: 'prod' } })) {
 *   machine.addRule(rule.name, rule.pattern)
 * }
 * ```
 *
 * @throws {InvalidRuleFileError} with the CLI's message when a file cannot be read or parsed, a
 *   rule needs a value `params` does not give, a name is defined twice or a pattern is invalid.
 * @throws {TypeError} if an argument has the wrong type, or `options` an unknown property.
 */
export declare function loadRules(path: string | URL, options?: LoadRulesOptions): Rule[]

/** The fields of an {@link InvalidRuleFileError}. */
export interface RuleFileErrorDetails {
  /** The message without its place. */
  reason?: string
  /** The file at fault. */
  file?: string
  /** 1-based line in the file. */
  line?: number
  /** 1-based column, in Unicode code points. */
  column?: number
}

/**
 * A file or folder of rules could not be read, or holds an invalid rule ({@link loadRules}). The
 * message is the one `ferruler check` prints, `FILE:LINE:COLUMN: error: MESSAGE`, one line per
 * problem when several rules are invalid; the fields are the first problem's.
 */
export declare class InvalidRuleFileError extends Error {
  constructor(message: string, details?: RuleFileErrorDetails)
  readonly name: 'InvalidRuleFileError'
  /** Always `'INVALID_RULE_FILE'`. */
  readonly code: 'INVALID_RULE_FILE'
  /** The message without the first problem's place (e.g. `rule Orders: !Ref Account: ...`). */
  readonly reason: string
  /** The file at fault; undefined when the message names none. */
  readonly file: string | undefined
  /** 1-based line in `file`; undefined for a problem with the whole file (it cannot be read). */
  readonly line: number | undefined
  /** 1-based column, in Unicode code points; undefined likewise. */
  readonly column: number | undefined
}
