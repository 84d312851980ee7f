'use strict'

// Lambda event-source and EventBridge Pipes filter criteria: `FilterCriteria`. The project's
// dialect conformance file (tests/dialects/cases.jsonl) runs whole through the binding, as the CLI
// runs it; the tests after it pin the API itself.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const {
  FilterCriteria,
  InvalidFilterError,
  InvalidRecordError,
  InvalidPatternError,
  InvalidEventError,
} = require('..')

const CASES_FILE = path.resolve(__dirname, '..', '..', '..', 'tests', 'dialects', 'cases.jsonl')
const cases = fs
  .readFileSync(CASES_FILE, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line))

/** A case's dialect ("sqs", "pipes:kinesis", "eventbridge") as the binding's options. */
function criteriaFor(dialect, filters) {
  const [service, source] = dialect.includes(':') ? dialect.split(':') : ['', dialect]
  return new FilterCriteria(filters, { source, pipes: service === 'pipes' })
}

function outcome(c) {
  try {
    return [criteriaFor(c.dialect, c.filters).matches(c.record) ? 'match' : 'nomatch', '']
  } catch (e) {
    if (e instanceof InvalidFilterError || e instanceof InvalidRecordError) return ['error', e.message]
    throw e
  }
}

test('the dialect conformance file passes whole', () => {
  assert.ok(cases.length >= 30)
  const failures = []
  for (const c of cases) {
    const [got, message] = outcome(c)
    if (got !== c.expect || (got === 'error' && !message.includes(c.message))) {
      failures.push(`${c.name}: expected ${c.expect} ${c.message ?? ''}, got ${got} ${message}`)
    }
  }
  assert.deepEqual(failures, [])
})

const SQS = {
  messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
  attributes: { ApproximateReceiveCount: '1' },
  messageAttributes: {},
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-west-2:123456789012:my-queue',
  awsRegion: 'us-west-2',
}
const sqs = (body) => ({ ...SQS, body })

test('SQS: a JSON body', () => {
  const criteria = new FilterCriteria([{ body: { RequestCode: ['BBBB'] } }], { source: 'sqs' })
  assert.equal(criteria.matches(sqs('{"RequestCode": "BBBB"}')), true)
  assert.equal(criteria.matches(sqs('{"RequestCode": "AAAA"}')), false)
  assert.equal(criteria.matches(sqs('RequestCode BBBB')), false)
  assert.equal(criteria.matches(Buffer.from(JSON.stringify(sqs('{"RequestCode": "BBBB"}')))), true)
})

test('SQS: a plain-string body', () => {
  const criteria = new FilterCriteria(['{"body": ["This is a plain string"]}'], { source: 'sqs' })
  assert.equal(criteria.matches(sqs('This is a plain string')), true)
  assert.equal(criteria.matches(sqs('{"x": "This is a plain string"}')), false)
  assert.equal(JSON.parse(criteria.event(sqs('This is a plain string'))).body, 'This is a plain string')
})

test('Kinesis: base64 data', () => {
  const data = Buffer.from(JSON.stringify({ temperature: 31, city: 'Lisbon' })).toString('base64')
  const record = { kinesis: { partitionKey: '1', sequenceNumber: '4959', data }, eventSource: 'aws:kinesis' }
  const criteria = new FilterCriteria([{ data: { temperature: [{ numeric: ['>', 30] }] } }], { source: 'kinesis' })
  assert.equal(criteria.matches(record), true)
  assert.deepEqual(JSON.parse(criteria.event(record)).data, { temperature: 31, city: 'Lisbon' })
  assert.equal(new FilterCriteria([{ data: { city: ['Porto'] } }], { source: 'kinesis' }).matches(record), false)
  assert.throws(
    () => criteria.matches({ ...record, kinesis: { ...record.kinesis, data: '%%%' } }),
    (e) => e instanceof InvalidRecordError && e instanceof InvalidEventError && /not base64/.test(e.reason),
  )
})

test('DynamoDB: a stream record', () => {
  const record = {
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: { NewImage: { Message: { S: 'New item!' }, Id: { N: '101' } } },
  }
  const criteria = new FilterCriteria([{ eventName: ['INSERT'], dynamodb: { NewImage: { Id: { N: ['101'] } } } }], {
    source: 'dynamodb',
  })
  assert.equal(criteria.matches(record), true)
  assert.equal(criteria.matches({ ...record, eventName: 'MODIFY' }), false)
})

test('an operator the service refuses', () => {
  const wildcard = [{ body: { file: [{ wildcard: '*.png' }] } }]
  assert.throws(
    () => new FilterCriteria(wildcard, { source: 'sqs' }),
    (e) => {
      assert.ok(e instanceof InvalidFilterError && e instanceof InvalidPatternError)
      assert.equal(e.name, 'InvalidFilterError')
      assert.equal(e.code, 'INVALID_PATTERN')
      assert.match(e.reason, /does not support "wildcard"/)
      assert.match(e.message, /^filter 0: /)
      assert.equal(e.filter, 0)
      assert.ok(e.line >= 1 && e.column >= 1)
      return true
    },
  )
  assert.throws(
    () => new FilterCriteria([{ body: { a: ['1'] } }, { $or: [{ body: ['x'] }, { body: ['y'] }] }], { source: 'sqs' }),
    (e) => e instanceof InvalidFilterError && e.filter === 1 && /"\$or"/.test(e.message),
  )
  const pipe = new FilterCriteria([{ $or: [{ body: ['x'] }, { body: ['y'] }] }], { source: 'sqs', pipes: true })
  assert.equal(pipe.matches(sqs('y')), true)
  assert.throws(() => new FilterCriteria(wildcard, { source: 'sqs', pipes: true }), /Pipes event filtering/)
})

test('a filter error is located in its filter', () => {
  assert.throws(
    () => new FilterCriteria([{ body: ['a'] }, '{\n  "body": [{"wildcard": "*"}]\n}'], { source: 'sqs' }),
    (e) => e instanceof InvalidFilterError && e.filter === 1 && e.line === 2,
  )
})

test('too many filters', () => {
  const six = Array.from({ length: 6 }, (_, i) => ({ body: [String(i)] }))
  assert.equal(new FilterCriteria(six, { source: 'sqs' }).length, 6)
  assert.throws(
    () => new FilterCriteria(six, { source: 'sqs', pipes: true }),
    (e) => e instanceof InvalidFilterError && e.filter === undefined && /at most 5/.test(e.message),
  )
})

test('several filters are OR-ed', () => {
  const criteria = new FilterCriteria(
    [
      { body: { RequestCode: ['AAAA'] } },
      { body: { RecordNumber: [{ numeric: ['>', 1000] }] } },
      { body: { RequestCode: [{ prefix: 'B' }] } },
    ],
    { source: 'sqs' },
  )
  const record = sqs('{"RecordNumber": 1234, "RequestCode": "BBBB"}')
  assert.equal(criteria.matches(record), true)
  assert.deepEqual(criteria.matchingFilters(record), [1, 2])
  assert.deepEqual(criteria.matchingFilters(sqs('{"RequestCode": "AAAA"}')), [0])
  assert.equal(criteria.matches(sqs('{"RequestCode": "CCCC"}')), false)
  assert.equal(new FilterCriteria([], { source: 'sqs' }).matches(sqs('anything')), true)
})

test('sources, services and argument checks', () => {
  const lambda = new FilterCriteria([], { source: 'SQS' })
  assert.deepEqual([lambda.source, lambda.pipes, lambda.service, lambda.maxFilters], ['sqs', false, 'Lambda', 10])
  const pipe = new FilterCriteria([], { source: 'kinesis', pipes: true })
  assert.deepEqual([pipe.source, pipe.pipes, pipe.service, pipe.maxFilters], ['kinesis', true, 'Pipes', 5])
  assert.equal(new FilterCriteria([], { source: 'pipes:mq' }).service, 'Pipes')
  assert.equal(new FilterCriteria([], { source: 'msk' }).source, 'kafka')
  const eb = new FilterCriteria([{ source: ['a'] }], { source: 'eventbridge' })
  assert.deepEqual([eb.source, eb.service, eb.maxFilters], ['eventbridge', 'EventBridge', null])
  assert.equal(eb.matches({ source: 'a' }), true)
  assert.equal(Object.prototype.toString.call(eb), '[object FilterCriteria]')
  assert.throws(() => new FilterCriteria([], { source: 'sns' }), { name: 'TypeError', message: /unknown event source/ })
  assert.throws(() => new FilterCriteria([], { source: 'eventbridge', pipes: true }), { name: 'TypeError' })
  assert.throws(() => new FilterCriteria([], {}), { code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => new FilterCriteria([], { source: 'sqs', pipe: true }), { code: 'ERR_INVALID_ARG_VALUE' })
  assert.throws(() => new FilterCriteria(42, { source: 'sqs' }), { code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => new FilterCriteria([42], { source: 'sqs' }), { code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => lambda.matches(42), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('records that are not JSON or not UTF-8', () => {
  const criteria = new FilterCriteria([{ body: ['x'] }], { source: 'sqs' })
  assert.throws(() => criteria.matches('{"body": '), (e) => e instanceof InvalidRecordError && /^record: /.test(e.message))
  assert.throws(
    () => criteria.matches(new Uint8Array([...Buffer.from('{"body": "'), 0xff, ...Buffer.from('"}')])),
    (e) => e instanceof InvalidRecordError && e.offset === 10,
  )
  assert.throws(() => new FilterCriteria([new Uint8Array([0xff])], { source: 'sqs' }), InvalidFilterError)
})

test('the ES module exports the same classes', async () => {
  const esm = await import('../index.mjs')
  assert.equal(esm.FilterCriteria, FilterCriteria)
  assert.equal(esm.InvalidFilterError, InvalidFilterError)
  assert.equal(esm.InvalidRecordError, InvalidRecordError)
})
