'use strict'

// The public API of the npm package `ferruler`. The native addon (loaded by the napi-generated
// `native.js`) does the work; this wrapper gives it a JavaScript shape:
//
// * argument types are checked here, so that a wrong type is a `TypeError` naming the argument;
// * objects are turned into JSON text with `JSON.stringify` (the engine reads JSON text only);
// * strings go to the addon as strings, `Uint8Array`s (and so `Buffer`s) as bytes it reads in
//   place, without a copy;
// * the addon reports a bad pattern or event as a returned value (code, message, line, column,
//   offset) rather than by throwing, and this file raises it as `InvalidPatternError` or
//   `InvalidEventError` (a bad rule file as `InvalidRuleFileError`), with those fields exact
//   rather than parsed back out of a message.

const { fileURLToPath } = require('node:url')
const native = require('./native.js')
const { Explanation } = require('./explain.js')

/** Fields every ferruler error carries; see index.d.ts for their meaning. */
function setErrorFields(error, code, details) {
  error.code = code
  error.reason = details.reason
  error.line = details.line
  error.column = details.column
  error.offset = details.offset
}

class InvalidPatternError extends Error {
  constructor(message, details = {}) {
    super(message)
    setErrorFields(this, 'INVALID_PATTERN', details)
  }
}

class InvalidEventError extends Error {
  constructor(message, details = {}) {
    super(message)
    setErrorFields(this, 'INVALID_EVENT', details)
  }
}

/** A Lambda or Pipes filter the service would refuse; `filter` is its index (undefined when the
 * criteria as a whole are at fault, e.g. too many filters). */
class InvalidFilterError extends InvalidPatternError {
  constructor(message, details = {}) {
    // `code` stays 'INVALID_PATTERN' (and 'INVALID_EVENT' below): a filter error is a pattern
    // error, and code that checks codes already handles it.
    super(message, details)
    this.filter = details.filter ?? undefined
  }
}

/** A record that is not one of the event source's records, or not valid JSON. */
class InvalidRecordError extends InvalidEventError {
  constructor(message, details = {}) {
    super(message, details)
  }
}

/**
 * A file or folder of rules (see `loadRules`) that could not be read, or that holds an invalid
 * rule. The message is the CLI's, `FILE:LINE:COLUMN: error: MESSAGE`, one line per problem; the
 * fields are the first problem's, `line` and `column` undefined for a problem with a whole file.
 */
class InvalidRuleFileError extends Error {
  constructor(message, details = {}) {
    super(message)
    this.code = 'INVALID_RULE_FILE'
    this.reason = details.reason ?? message
    this.file = details.file ?? undefined
    this.line = details.line ?? undefined
    this.column = details.column ?? undefined
  }
}

// `name` on the prototype, as for the built-in errors, so `err.name` and the first line of
// `err.stack` say which error this is.
for (const ErrorClass of [
  InvalidPatternError,
  InvalidEventError,
  InvalidFilterError,
  InvalidRecordError,
  InvalidRuleFileError,
]) {
  Object.defineProperty(ErrorClass.prototype, 'name', {
    value: ErrorClass.name,
    writable: true,
    configurable: true,
  })
}

/**
 * Turns a failure value from the addon into the matching error, with a stack that starts at the
 * caller of `api` (the public function that was called) rather than inside this file.
 */
function raise(failure, api) {
  const ErrorClass = failure.code === 'INVALID_PATTERN' ? InvalidPatternError : InvalidEventError
  const error = new ErrorClass(failure.message, failure)
  Error.captureStackTrace(error, api)
  throw error
}

function describe(value) {
  if (value === null) return 'null'
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`
  if (typeof value === 'function') return 'a function'
  return `type ${typeof value} (${String(value).slice(0, 40)})`
}

function invalidArgType(argument, expected, value, api) {
  const error = new TypeError(`The "${argument}" argument must be ${expected}. Received ${describe(value)}`)
  error.code = 'ERR_INVALID_ARG_TYPE'
  Error.captureStackTrace(error, api)
  return error
}

const TEXT_TYPES = 'a string, a Buffer, a Uint8Array, an ArrayBuffer or a JSON-serialisable object'

/**
 * What the addon is given for a pattern or an event: a string or a `Uint8Array` as it is, the
 * bytes of an `ArrayBuffer` through a view (no copy), and any other object as its JSON text.
 * Typed arrays other than `Uint8Array` (and `DataView`s) are refused: `JSON.stringify` would turn
 * them into `{"0": ...}` objects, which is never what was meant.
 */
function textOf(value, argument, api) {
  if (typeof value === 'string' || value instanceof Uint8Array) return value
  if (value === null || typeof value !== 'object') throw invalidArgType(argument, TEXT_TYPES, value, api)
  if (value instanceof ArrayBuffer) return new Uint8Array(value)
  if (ArrayBuffer.isView(value)) throw invalidArgType(argument, TEXT_TYPES, value, api)
  const json = JSON.stringify(value)
  // `toJSON` may return undefined, in which case there is no text to match.
  if (typeof json !== 'string') throw invalidArgType(argument, TEXT_TYPES, value, api)
  return json
}

function invalidArgValue(argument, value, reason, api) {
  const error = new TypeError(`The "${argument}" argument ${reason}. Received ${describe(value)}`)
  error.code = 'ERR_INVALID_ARG_VALUE'
  Error.captureStackTrace(error, api)
  return error
}

// The fields of `limits`, in the engine's order. Their defaults live in the engine alone.
const LIMIT_NAMES = [
  'maxPatternBytes',
  'maxPatternDepth',
  'maxValuesPerField',
  'maxComplexity',
  'maxOrCombinations',
  'maxEventBytes',
  'maxEventDepth',
]

/**
 * The limits given in `new Machine(options)` (or to `explain` and `patternComplexity`), checked,
 * as the addon takes them: an object with the fields that were set (each an integer from 1 to
 * 2^53 - 1), or undefined for all defaults.
 * Unknown fields are refused rather than ignored, so that a misspelt limit is not silently left
 * at its default.
 */
function limitsOf(options, api) {
  if (options === undefined) return undefined
  if (options === null || typeof options !== 'object') {
    throw invalidArgType('options', 'an object', options, api)
  }
  for (const key of Object.keys(options)) {
    if (key !== 'limits') throw invalidArgValue('options', options, `has an unknown property "${key}"`, api)
  }
  const limits = options.limits
  if (limits === undefined) return undefined
  if (limits === null || typeof limits !== 'object') {
    throw invalidArgType('options.limits', 'an object', limits, api)
  }
  for (const key of Object.keys(limits)) {
    if (!LIMIT_NAMES.includes(key)) {
      throw invalidArgValue('options.limits', limits, `has an unknown property "${key}" (known: ${LIMIT_NAMES.join(', ')})`, api)
    }
  }
  const checked = {}
  for (const key of LIMIT_NAMES) {
    const value = limits[key]
    if (value === undefined) continue
    if (typeof value !== 'number') throw invalidArgType(`options.limits.${key}`, 'of type number', value, api)
    if (!Number.isSafeInteger(value) || value < 1) {
      const error = new RangeError(
        `The value of "options.limits.${key}" is out of range. It must be an integer >= 1 and <= ${Number.MAX_SAFE_INTEGER}. Received ${String(value)}`,
      )
      error.code = 'ERR_OUT_OF_RANGE'
      Error.captureStackTrace(error, api)
      throw error
    }
    checked[key] = value
  }
  return checked
}

function checkName(name, api) {
  if (typeof name !== 'string') throw invalidArgType('name', 'of type string', name, api)
}

class Machine {
  #native
  // What the per-event entry points take (see src/hot.rs): the same machine, reached without the
  // per-call bookkeeping of a napi-rs method.
  #handle
  // The limits, read once: they never change, so every read of `limits` is the same frozen object.
  #limits
  // The addon knows each rule name by a slot (a small integer it reuses once the name is gone) and
  // matching reports slots, written to `#slots`; `#names[slot]` is the name, the very string given
  // to `addRule`. This is cheaper than having the addon create the names' strings on every match.
  // `#slots` is kept at least as long as `#names`, so that every match fits.
  #names = []
  #slots = new Uint32Array(16)
  // The same for `matchesForEvents`, which writes the slots of a whole batch, event after event.
  #batchSlots = new Uint32Array(1024)

  constructor(options) {
    this.#native = new native.NativeMachine(limitsOf(options, Machine))
    this.#handle = this.#native.handle()
    this.#limits = Object.freeze(this.#native.limits)
  }

  addRule(name, pattern) {
    checkName(name, Machine.prototype.addRule)
    const slot = this.#native.addRule(name, textOf(pattern, 'pattern', Machine.prototype.addRule))
    if (typeof slot !== 'number') raise(slot, Machine.prototype.addRule)
    // The addon reads a name as UTF-8, a lone surrogate becoming U+FFFD; the name kept here is
    // the same, so that `matchesForEvent` returns what `ruleNames` does.
    this.#names[slot] = name.isWellFormed() ? name : name.toWellFormed()
    if (slot >= this.#slots.length) this.#slots = new Uint32Array(2 * this.#slots.length + slot)
  }

  deleteRule(name, pattern) {
    checkName(name, Machine.prototype.deleteRule)
    const result = this.#native.deleteRule(name, textOf(pattern, 'pattern', Machine.prototype.deleteRule))
    if (typeof result === 'boolean') return result
    if (typeof result !== 'number') raise(result, Machine.prototype.deleteRule)
    // The name's last pattern is gone, and so is its slot.
    this.#names[result] = undefined
    return true
  }

  deleteRules(name) {
    checkName(name, Machine.prototype.deleteRules)
    const result = this.#native.deleteRules(name)
    if (result.length === 0) return 0
    this.#names[result[1]] = undefined
    return result[0]
  }

  matchesForEvent(event) {
    // The common cases first and inline: this is the per-event hot path.
    const slots = this.#slots
    const count =
      typeof event === 'string'
        ? native.matchesText(this.#handle, event, slots)
        : event instanceof Uint8Array
          ? native.matchesBytes(this.#handle, event, slots)
          : this.#matchOther(event, slots)
    if (typeof count !== 'number') raise(count, Machine.prototype.matchesForEvent)
    if (count === 0) return []
    if (count > slots.length) return this.#matchAgain(event, count)
    const names = this.#names
    const result = [names[slots[0]]]
    for (let i = 1; i < count; i++) result.push(names[slots[i]])
    return result
  }

  #matchOther(event, slots) {
    const text = textOf(event, 'event', Machine.prototype.matchesForEvent)
    return typeof text === 'string'
      ? native.matchesText(this.#handle, text, slots)
      : native.matchesBytes(this.#handle, text, slots)
  }

  // Not reached while `#slots` is as long as `#names` (more names cannot match), but should it
  // be, a longer `#slots` is made and the event matched again.
  #matchAgain(event, count) {
    this.#slots = new Uint32Array(count)
    return this.matchesForEvent(event)
  }

  matchesForEvents(events) {
    const api = Machine.prototype.matchesForEvents
    const inputs = batchOf(events, api)
    const counts = new Uint32Array(inputs.length)
    let total = native.matchesBatch(this.#handle, inputs, counts, this.#batchSlots)
    if (typeof total !== 'number') raise(total, api)
    if (total > this.#batchSlots.length) {
      // Not enough room for every match: a larger array, kept for the next batches, and again.
      this.#batchSlots = new Uint32Array(2 * total)
      total = native.matchesBatch(this.#handle, inputs, counts, this.#batchSlots)
    }
    const names = this.#names
    const slots = this.#batchSlots
    const results = new Array(inputs.length)
    for (let i = 0, k = 0; i < inputs.length; i++) {
      const count = counts[i]
      const result = []
      for (let end = k + count; k < end; k++) result.push(names[slots[k]])
      results[i] = result
    }
    return results
  }

  complexity() {
    return this.#native.complexity()
  }

  get size() {
    return this.#native.size
  }

  get limits() {
    return this.#limits
  }

  has(name) {
    checkName(name, Machine.prototype.has)
    return this.#native.has(name)
  }

  ruleNames() {
    return this.#native.ruleNames()
  }

  checkPattern(pattern) {
    const failure = this.#native.checkPattern(textOf(pattern, 'pattern', Machine.prototype.checkPattern))
    if (failure != null) raise(failure, Machine.prototype.checkPattern)
  }

  stats() {
    return this.#native.stats()
  }

  get [Symbol.toStringTag]() {
    return 'Machine'
  }
}

/**
 * The events of a batch as the addon takes them: strings and `Uint8Array`s as they are, anything
 * else through `textOf`. The array given is used as it is when it needs no conversion (the common
 * case); any other iterable is read into an array first.
 */
function batchOf(events, api) {
  if (events === null || typeof events !== 'object' || typeof events[Symbol.iterator] !== 'function') {
    throw invalidArgType('events', 'an array or another iterable of events', events, api)
  }
  // Always a fresh array of strings and Uint8Arrays: the addon reads it while its threads match
  // the events already read, so reading it must run no JavaScript (a getter, a proxy trap) that
  // could change the machine or an event. A plain array's own elements run none.
  const source = Array.isArray(events) ? events : Array.from(events)
  const inputs = new Array(source.length)
  for (let i = 0; i < source.length; i++) {
    const event = source[i]
    inputs[i] =
      typeof event === 'string' || event instanceof Uint8Array ? event : textOf(event, `events[${i}]`, api)
  }
  return inputs
}

/** A dialect failure from the addon (see src/dialect.rs) as the matching error. */
function raiseDialect(failure, api) {
  let error
  if (failure.code === 'INVALID_SOURCE') {
    error = new TypeError(failure.message)
    error.code = 'ERR_INVALID_ARG_VALUE'
  } else {
    const ErrorClass = failure.code === 'INVALID_FILTER' ? InvalidFilterError : InvalidRecordError
    error = new ErrorClass(failure.message, failure)
  }
  Error.captureStackTrace(error, api)
  throw error
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The filter criteria of a Lambda event-source mapping or an EventBridge Pipe: filter patterns,
 * OR-ed, matched against the records the event source delivers (SQS `body`, Kinesis and MQ `data`
 * and Kafka `value` decoded from base64, DynamoDB stream records).
 *
 *   new FilterCriteria(filters, { source: 'sqs' })
 *   new FilterCriteria(filters, { source: 'kinesis', pipes: true })
 */
class FilterCriteria {
  #native

  constructor(filters, options) {
    const api = FilterCriteria
    if (filters === null || typeof filters !== 'object' || typeof filters[Symbol.iterator] !== 'function') {
      throw invalidArgType('filters', 'an array or another iterable of filters', filters, api)
    }
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'an object', options, api)
    for (const key of Object.keys(options)) {
      if (key !== 'source' && key !== 'pipes') {
        throw invalidArgValue('options', options, `has an unknown property "${key}" (known: source, pipes)`, api)
      }
    }
    const { source, pipes = false } = options
    if (typeof source !== 'string') throw invalidArgType('options.source', 'of type string', source, api)
    if (typeof pipes !== 'boolean') throw invalidArgType('options.pipes', 'of type boolean', pipes, api)
    const texts = Array.from(filters, (filter, i) => {
      const text = textOf(filter, `filters[${i}]`, api)
      if (typeof text === 'string') return text
      try {
        return utf8.decode(text)
      } catch {
        const error = new InvalidFilterError(`filter ${i}: invalid UTF-8`, {
          reason: 'invalid UTF-8',
          line: 1,
          column: 1,
          offset: 0,
          filter: i,
        })
        Error.captureStackTrace(error, api)
        throw error
      }
    })
    const result = native.filterCriteria(texts, source, pipes)
    if (!(result instanceof native.NativeFilterCriteria)) raiseDialect(result, api)
    this.#native = result
  }

  matches(record) {
    const api = FilterCriteria.prototype.matches
    const result = this.#native.matches(textOf(record, 'record', api))
    if (typeof result !== 'boolean') raiseDialect(result, api)
    return result
  }

  matchingFilters(record) {
    const api = FilterCriteria.prototype.matchingFilters
    const result = this.#native.matchingFilters(textOf(record, 'record', api))
    if (!Array.isArray(result)) raiseDialect(result, api)
    return result
  }

  event(record) {
    const api = FilterCriteria.prototype.event
    const result = this.#native.event(textOf(record, 'record', api))
    if (typeof result !== 'string') raiseDialect(result, api)
    return result
  }

  get source() {
    return this.#native.source
  }

  get pipes() {
    return this.#native.pipes
  }

  get service() {
    return this.#native.service
  }

  get maxFilters() {
    return this.#native.maxFilters ?? null
  }

  get length() {
    return this.#native.length
  }

  get [Symbol.toStringTag]() {
    return 'FilterCriteria'
  }
}

function matchesRule(event, pattern) {
  const result = native.matchesRule(textOf(event, 'event', matchesRule), textOf(pattern, 'pattern', matchesRule))
  if (typeof result !== 'boolean') raise(result, matchesRule)
  return result
}

function checkPattern(pattern) {
  const failure = native.checkPattern(textOf(pattern, 'pattern', checkPattern))
  if (failure != null) raise(failure, checkPattern)
}

function explain(pattern, event, options) {
  const limits = limitsOf(options, explain)
  const result = native.explain(textOf(pattern, 'pattern', explain), textOf(event, 'event', explain), limits)
  if (!Array.isArray(result)) raise(result, explain)
  return new Explanation(result[0], JSON.parse(result[1]))
}

function patternComplexity(pattern, options) {
  const limits = limitsOf(options, patternComplexity)
  const result = native.patternComplexity(textOf(pattern, 'pattern', patternComplexity), limits)
  if (typeof result !== 'number') raise(result, patternComplexity)
  return result
}

/**
 * `options.params` of `loadRules` as the addon takes them: an object of strings (a fresh one, so
 * that no getter runs in the addon), or undefined for none.
 */
function paramsOf(params, api) {
  if (params === undefined || params === null) return undefined
  if (typeof params !== 'object') throw invalidArgType('options.params', 'an object', params, api)
  const checked = {}
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string') throw invalidArgType(`options.params.${name}`, 'of type string', value, api)
    checked[name] = value
  }
  return checked
}

/**
 * The rules written in the file or folder `path` (a pattern file, a `{name: pattern}` map, a
 * CloudFormation/SAM/CDK template, a Serverless service, a Terraform module, or a folder of them),
 * read by the CLI's own readers as `ferruler check` reads it, every one checked. Each is a frozen
 * `{ name, pattern, dialect, filters, file, line, column }`.
 *
 *   for (const rule of loadRules('template.yaml', { params: { Stage: 'prod' } })) {
 *     machine.addRule(rule.name, rule.pattern)
 *   }
 */
function loadRules(path, options = {}) {
  const api = loadRules
  let file = path
  if (path instanceof URL) file = fileURLToPath(path)
  else if (typeof path !== 'string') throw invalidArgType('path', 'of type string or an instance of URL', path, api)
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'an object', options, api)
  for (const key of Object.keys(options)) {
    if (key !== 'params' && key !== 'skipUnresolved') {
      throw invalidArgValue('options', options, `has an unknown property "${key}" (known: params, skipUnresolved)`, api)
    }
  }
  const { params, skipUnresolved = false } = options
  if (typeof skipUnresolved !== 'boolean') {
    throw invalidArgType('options.skipUnresolved', 'of type boolean', skipUnresolved, api)
  }
  const result = native.loadRules(file, paramsOf(params, api), skipUnresolved)
  if (!Array.isArray(result)) {
    const error = new InvalidRuleFileError(result.message, result)
    Error.captureStackTrace(error, api)
    throw error
  }
  for (const rule of result) {
    Object.freeze(rule.filters)
    Object.freeze(rule)
  }
  return result
}

module.exports = {
  Machine,
  matchesRule,
  checkPattern,
  explain,
  patternComplexity,
  Explanation,
  InvalidPatternError,
  InvalidEventError,
  FilterCriteria,
  InvalidFilterError,
  InvalidRecordError,
  loadRules,
  InvalidRuleFileError,
}
