'use strict'

// Loads the shared conformance corpus (cases.jsonl) for the tests.
//
// The engine must be given the *original text* of each case's pattern and event: some cases
// depend on how a number is spelled (`3.5e1` is not `35` as text), and `JSON.parse` followed by
// `JSON.stringify` would respell it. So each line is scanned for the raw span of its top-level
// values, and "pattern" and "event" are handed over as those spans; "pattern_text", when present,
// is a JSON string whose decoded value is the pattern text.

const fs = require('node:fs')
const path = require('node:path')

const REPO = path.resolve(__dirname, '..', '..', '..')

/** Where the corpus is: $FERRULER_CASES, else shared/ beside the repository (as in CI). */
function casesPath() {
  return process.env.FERRULER_CASES || path.join(REPO, '..', 'shared', 'conformance', 'cases.jsonl')
}

/**
 * The CLI to compare with: $FERRULER_BIN, or the workspace's release or debug build, or undefined
 * when none is built (the comparisons are then skipped).
 */
function ferrulerBin() {
  if (process.env.FERRULER_BIN) return process.env.FERRULER_BIN
  return ['release', 'debug']
    .map((profile) => path.join(REPO, 'target', profile, 'ferruler'))
    .find((file) => fs.existsSync(file))
}

/**
 * The raw text of each top-level value of the JSON object `line`, by key. A small scanner: it
 * tracks strings (with their escapes) and bracket depth, which is all it takes to find where a
 * value ends in valid JSON.
 */
function rawValues(line) {
  const values = new Map()
  let i = skipSpace(line, 0)
  expect(line, i, '{')
  i = skipSpace(line, i + 1)
  while (line[i] !== '}') {
    const keyEnd = endOfString(line, i)
    const key = JSON.parse(line.slice(i, keyEnd))
    i = skipSpace(line, keyEnd)
    expect(line, i, ':')
    const start = skipSpace(line, i + 1)
    const end = endOfValue(line, start)
    values.set(key, line.slice(start, end))
    i = skipSpace(line, end)
    if (line[i] === ',') i = skipSpace(line, i + 1)
  }
  return values
}

function skipSpace(text, i) {
  while (i < text.length && ' \t\r\n'.includes(text[i])) i++
  return i
}

function expect(text, i, ch) {
  if (text[i] !== ch) throw new Error(`corpus line: expected ${ch} at ${i}: ${text.slice(i, i + 40)}`)
}

/** The index just past the string literal that starts at `i`. */
function endOfString(text, i) {
  expect(text, i, '"')
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++
    else if (text[j] === '"') return j + 1
  }
  throw new Error(`corpus line: unterminated string at ${i}`)
}

/** The index just past the JSON value that starts at `i`. */
function endOfValue(text, i) {
  if (text[i] === '"') return endOfString(text, i)
  if (text[i] !== '{' && text[i] !== '[') {
    let j = i
    while (j < text.length && !',}] \t\r\n'.includes(text[j])) j++
    return j
  }
  let depth = 0
  for (let j = i; j < text.length; j++) {
    const ch = text[j]
    if (ch === '"') j = endOfString(text, j) - 1
    else if (ch === '{' || ch === '[') depth++
    else if (ch === '}' || ch === ']') {
      depth--
      if (depth === 0) return j + 1
    }
  }
  throw new Error(`corpus line: unterminated value at ${i}`)
}

/**
 * Every case: `{name, expect, message, patternText, eventText}`, the two texts raw as above, and
 * `pattern` / `event` parsed (for the object-input tests).
 */
function loadCases() {
  const file = casesPath()
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '')
  return lines.map((line) => {
    const parsed = JSON.parse(line)
    const raw = rawValues(line)
    const patternText = parsed.pattern_text != null ? parsed.pattern_text : raw.get('pattern')
    return {
      name: parsed.name,
      expect: parsed.expect,
      message: parsed.message,
      patternText,
      eventText: raw.get('event'),
      pattern: parsed.pattern_text != null ? undefined : parsed.pattern,
      event: parsed.event,
    }
  })
}

/** `text` without the whitespace between JSON tokens (strings left as they are). */
function compact(text) {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') {
      const end = endOfString(text, i)
      out += text.slice(i, end)
      i = end - 1
    } else if (!' \t\r\n'.includes(text[i])) {
      out += text[i]
    }
  }
  return out
}

/**
 * Whether handing over `JSON.stringify(JSON.parse(text))` gives the engine the same JSON as
 * `text` itself: true unless parsing respells a number, decodes an escape or drops a duplicate key.
 */
function survivesObjectRoundTrip(text) {
  return JSON.stringify(JSON.parse(text)) === compact(text)
}

module.exports = { REPO, casesPath, ferrulerBin, loadCases, rawValues, survivesObjectRoundTrip }
