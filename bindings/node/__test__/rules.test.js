'use strict'

// loadRules: rules read from files, folders and templates as the ferruler CLI reads them, the
// counterpart of Python's ferruler.load_rules (bindings/python/tests/test_rules.py asserts the
// same facts about the same fixtures). The templates are the CLI's own test fixtures
// (bindings/cli/tests/fixtures), read in place. When a ferruler binary is at hand ($FERRULER_BIN
// or the workspace's target/*/ferruler), the rules and places are also compared with what
// `ferruler check --format json` reports, and the matches with what `ferruler filter --rules` finds.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { pathToFileURL } = require('node:url')
const { loadRules, InvalidRuleFileError, Machine, FilterCriteria } = require('..')
const { REPO, ferrulerBin } = require('./corpus')

const FIXTURES = path.join(REPO, 'bindings', 'cli', 'tests', 'fixtures')
const SAM = path.join(FIXTURES, 'sam-app', 'template.yaml')
const SERVERLESS = path.join(FIXTURES, 'serverless-app', 'serverless.yml')
const TERRAFORM = path.join(FIXTURES, 'terraform')
const LAMBDA_FILTERS = path.join(FIXTURES, 'lambda-filters', 'template.yaml')

const CLOUDFORMATION = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Stage:
    Type: String
    Default: prod
  Account:
    Type: String
Resources:
  Orders:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        source: [!Sub "com.shop.\${Stage}"]
        account: [!Ref Account]
        detail:
          total: [{numeric: [">", 100]}]
  Audit:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: '{"detail-type": [{"prefix": "Audit"}]}'
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 day)
`

/** A fresh temporary folder, removed when the test ends. */
function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferruler-rules-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The rules as `{name: parsed pattern}`. */
function patterns(rules) {
  return Object.fromEntries(rules.map((rule) => [rule.name, JSON.parse(rule.pattern)]))
}

/** Runs `f`, which must throw an InvalidRuleFileError, and returns the error. */
function ruleFileError(f) {
  try {
    f()
  } catch (e) {
    assert.ok(e instanceof InvalidRuleFileError, `expected an InvalidRuleFileError, got ${e}`)
    return e
  }
  assert.fail('expected an InvalidRuleFileError')
}

test('a CloudFormation YAML template', (t) => {
  const template = path.join(tempDir(t), 'stack.yaml')
  fs.writeFileSync(template, CLOUDFORMATION)
  const rules = loadRules(template, { params: { Account: '123456789012' } })
  assert.deepEqual(patterns(rules), {
    Orders: {
      source: ['com.shop.prod'],
      account: ['123456789012'],
      detail: { total: [{ numeric: ['>', 100] }] },
    },
    Audit: { 'detail-type': [{ prefix: 'Audit' }] },
  })
  const [orders, audit] = rules
  assert.deepEqual([orders.file, orders.line, orders.column], [template, 13, 15])
  // A pattern written as a JSON string starts after its quote.
  assert.deepEqual([audit.file, audit.line, audit.column], [template, 20, 22])
  assert.equal(orders.dialect, 'eventbridge')
  assert.equal(audit.dialect, 'eventbridge')
  assert.deepEqual(orders.filters, [])
  // The rules compile as they are.
  const machine = new Machine()
  for (const rule of rules) machine.addRule(rule.name, rule.pattern)
  const event = { source: 'com.shop.prod', account: '123456789012', detail: { total: 150 } }
  assert.deepEqual(machine.matchesForEvent(event), ['Orders'])
  assert.deepEqual(machine.matchesForEvent({ 'detail-type': 'Audit log' }), ['Audit'])
  const dev = loadRules(pathToFileURL(template), { params: { Account: '1', Stage: 'dev' } })
  assert.deepEqual(JSON.parse(dev[0].pattern).source, ['com.shop.dev'])
})

test('a rule is a plain frozen object with the documented fields', (t) => {
  const template = path.join(tempDir(t), 'stack.yaml')
  fs.writeFileSync(template, CLOUDFORMATION)
  const [audit] = loadRules(template, { skipUnresolved: true })
  assert.equal(Object.getPrototypeOf(audit), Object.prototype)
  assert.deepEqual(Object.keys(audit), ['name', 'pattern', 'dialect', 'filters', 'file', 'line', 'column'])
  assert.ok(Object.isFrozen(audit))
  assert.ok(Object.isFrozen(audit.filters))
  assert.throws(() => {
    audit.name = 'other'
  }, TypeError)
})

test('a parameter without a value is the CLI message', (t) => {
  const template = path.join(tempDir(t), 'stack.yaml')
  fs.writeFileSync(template, CLOUDFORMATION)
  const e = ruleFileError(() => loadRules(template))
  const reason = 'rule Orders: !Ref Account: the parameter has no Default; pass --param Account=VALUE'
  assert.equal(e.message, `${template}:14:24: error: ${reason}`)
  assert.deepEqual([e.file, e.line, e.column], [template, 14, 24])
  assert.equal(e.reason, reason)
  assert.equal(e.name, 'InvalidRuleFileError')
  assert.equal(e.code, 'INVALID_RULE_FILE')
  assert.ok(e instanceof Error)
  // The stack starts at the caller, not inside the package.
  assert.match(e.stack.split('\n')[1], /rules\.test\.js/)
  assert.deepEqual(
    loadRules(template, { skipUnresolved: true }).map((r) => r.name),
    ['Audit'],
  )
})

test('a SAM template', () => {
  const rules = loadRules(SAM)
  assert.deepEqual(patterns(rules), {
    OrderHandlerOnOrder: {
      source: ['com.shop.prod'],
      'detail-type': ['Order Placed'],
      detail: { total: [{ numeric: ['>', 0] }] },
    },
    RefundHandlerOnRefund: {
      source: ['com.shop.prod'],
      'detail-type': [{ prefix: 'Refund' }],
      detail: { items: { sku: [{ prefix: 'SKU-' }], quantity: [{ numeric: ['>=', 2] }] } },
    },
    EuOrdersRule: {
      source: ['com.shop.prod'],
      region: ['eu-west-1'],
      detail: { shipping: { country: [{ 'anything-but': ['US', 'CA'] }], express: [true] } },
    },
    AuditRule: {
      account: [{ exists: true }],
      detail: { actor: { type: [{ 'equals-ignore-case': 'admin' }] } },
    },
  })
  assert.deepEqual(
    rules.map((r) => [r.line, r.column]),
    [
      [29, 21],
      [48, 21],
      [62, 15],
      [78, 9],
    ],
  )
  assert.deepEqual(new Set(rules.map((r) => r.file)), new Set([SAM]))
  const dev = patterns(loadRules(SAM, { params: { Stage: 'dev' } }))
  assert.deepEqual(dev.OrderHandlerOnOrder.source, ['com.shop.dev'])
})

test('a Serverless service', () => {
  assert.deepEqual(patterns(loadRules(SERVERLESS)), {
    'shop-dev-orders-rule-2': {
      source: ['com.shop.dev', 'com.shop.legacy'],
      'detail-type': ['Order Placed'],
      detail: { total: [{ numeric: ['>=', 100] }] },
    },
    'refund-issued': { source: ['com.shop.payments'], 'detail-type': ['Refund Issued'] },
    'refunds-dev-rule-2': { source: ['com.shop.audit'] },
  })
  // The stage and the params of the framework, as `--param stage=prod` gives them to the CLI.
  const prod = patterns(loadRules(SERVERLESS, { params: { stage: 'prod' } }))
  assert.deepEqual(prod['shop-prod-orders-rule-2'].detail, { total: [{ numeric: ['>=', 1000] }] })
})

test('a Terraform folder', () => {
  // aws_cloudwatch_event_rule.alerts matches a topic's ARN, which only Terraform knows.
  const e = ruleFileError(() => loadRules(TERRAFORM))
  assert.match(e.message, /aws_sns_topic\.alerts\.arn is known only to Terraform/)
  assert.deepEqual([e.file, e.line, e.column], [path.join(TERRAFORM, 'main.tf'), 43, 45])
  const rules = loadRules(TERRAFORM, { skipUnresolved: true })
  assert.deepEqual(patterns(rules), {
    'aws_cloudwatch_event_rule.orders': {
      source: ['shop.dev'],
      'detail-type': ['Order Placed'],
      detail: { total: [{ numeric: ['>=', 100] }] },
    },
    'aws_cloudwatch_event_rule.shipping': { source: ['shipping'], 'detail-type': [{ prefix: 'Shipment ' }] },
    'aws_cloudwatch_event_rule.from_file': { source: ['shop'], 'detail-type': ['Refund Issued'] },
    'module.billing.aws_cloudwatch_event_rule.refunds': { source: ['billing'], detail: { bus: ['billing-dev'] } },
    // patterns/refund.json, a pattern file in the folder, is a rule of its own.
    refund: { source: ['shop'], 'detail-type': ['Refund Issued'] },
  })
  // A .tf file stands for its module (the folder's .tf files), as Terraform reads no single file.
  const module = loadRules(path.join(TERRAFORM, 'main.tf'), { skipUnresolved: true })
  assert.deepEqual(
    module,
    rules.filter((rule) => rule.name !== 'refund'),
  )
})

test('filter criteria keep their service and filters', () => {
  const rules = Object.fromEntries(loadRules(LAMBDA_FILTERS).map((r) => [r.name, r]))
  const failed = rules.FailedOrderHandlerFailedOrders
  assert.equal(failed.dialect, 'lambda:sqs')
  assert.deepEqual(
    failed.filters.map((f) => JSON.parse(f)),
    [{ body: { status: ['FAILED'] } }, { body: { retries: [{ numeric: ['>', 3] }] } }],
  )
  const criteria = new FilterCriteria(failed.filters, { source: failed.dialect })
  assert.equal(criteria.service, 'Lambda')
  assert.equal(criteria.matches({ body: '{"status": "FAILED"}' }), true)
  assert.equal(criteria.matches({ body: '{"status": "OK", "retries": 1}' }), false)
  // A pipe's criteria are Pipes' (where `$or` is allowed), named as FilterCriteria takes them.
  const pipe = rules.AuditPipe
  assert.equal(pipe.dialect, 'pipes:sqs')
  const pipeCriteria = new FilterCriteria(pipe.filters, { source: pipe.dialect })
  assert.equal(pipeCriteria.pipes, true)
  assert.equal(pipeCriteria.matches({ body: '{"severity": "HIGH"}' }), true)
})

test('maps and folders', (t) => {
  const dir = tempDir(t)
  const rulesFile = path.join(dir, 'all.json')
  fs.writeFileSync(rulesFile, '{"b": {"x": [1.50]}, "a": "{\\"y\\": [2]}"}')
  // The pattern's text as written (1.50 stays 1.50), or the string's contents.
  assert.deepEqual(
    loadRules(rulesFile).map((r) => [r.name, r.pattern]),
    [
      ['b', '{"x": [1.50]}'],
      ['a', '{"y": [2]}'],
    ],
  )
  const folder = path.join(dir, 'rules')
  fs.mkdirSync(path.join(folder, 'nested'), { recursive: true })
  fs.writeFileSync(path.join(folder, 'big-orders.json'), '{"total": [{"numeric": [">", 100]}]}')
  fs.writeFileSync(path.join(folder, 'nested', 'more.rules.json'), '{"m1": {"a": ["b"]}}')
  fs.writeFileSync(
    path.join(folder, 'nested', 'stack.yaml'),
    CLOUDFORMATION.replace('  Account:\n    Type: String\n', ''),
  )
  fs.writeFileSync(path.join(folder, 'sample.event.json'), '{"not": "a rule"}')
  fs.mkdirSync(path.join(folder, 'events'))
  fs.writeFileSync(path.join(folder, 'events', 'e.json'), '{}')
  fs.writeFileSync(path.join(folder, '.hidden.json'), '{')
  const loaded = loadRules(folder, { skipUnresolved: true })
  assert.deepEqual(
    loaded.map((r) => r.name),
    ['big-orders', 'm1', 'Audit'],
  )
  assert.deepEqual(loaded[0], {
    name: 'big-orders',
    pattern: '{"total": [{"numeric": [">", 100]}]}',
    dialect: 'eventbridge',
    filters: [],
    file: path.join(folder, 'big-orders.json'),
    line: 1,
    column: 1,
  })
})

test('errors are the CLI messages', (t) => {
  const dir = tempDir(t)
  const badYaml = path.join(dir, 'template.yaml')
  fs.writeFileSync(badYaml, 'Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties: [\n')
  let e = ruleFileError(() => loadRules(badYaml))
  assert.ok(e.message.startsWith(`${badYaml}:5:1: error: `), e.message)
  assert.deepEqual([e.file, e.line, e.column], [badYaml, 5, 1])
  assert.equal(e.message, `${badYaml}:5:1: error: ${e.reason}`)

  // Every invalid rule, one per line, the first one's place in the fields.
  const broken = path.join(FIXTURES, 'invalid', 'broken-template.yaml')
  e = ruleFileError(() => loadRules(broken, { params: { 'Queue.Arn': 'arn:aws:sqs:x' } }))
  const lines = e.message.split('\n')
  assert.equal(lines.length, 3)
  assert.ok(lines.every((line) => line.includes(': error: rule ')), e.message)
  assert.ok(lines[0].startsWith(`${broken}:13:`), lines[0])
  assert.ok(lines[0].includes('rule BadNumeric: invalid event pattern: '), lines[0])
  assert.deepEqual([e.line, e.reason.split('\n')[0]], [13, lines[0].split(': error: ')[1]])

  const missing = path.join(dir, 'missing.json')
  e = ruleFileError(() => loadRules(missing))
  assert.match(e.message, /cannot read/)
  assert.deepEqual([e.file, e.line, e.column], [missing, undefined, undefined])

  const twice = path.join(dir, 'twice')
  fs.mkdirSync(twice)
  fs.writeFileSync(path.join(twice, 'a.rules.json'), '{"r": {"x": [1]}}')
  fs.writeFileSync(path.join(twice, 'b.rules.json'), '{"r": {"x": [2]}}')
  e = ruleFileError(() => loadRules(twice))
  assert.match(e.message, /rule r is already defined at .*a\.rules\.json:1:7/)
  assert.deepEqual([e.file, e.line], [path.join(twice, 'b.rules.json'), 1])
})

test('wrong arguments are TypeErrors naming them', () => {
  const typeError = (f, pattern) => assert.throws(f, (e) => e instanceof TypeError && pattern.test(e.message))
  typeError(() => loadRules(42), /"path" argument must be of type string or an instance of URL/)
  typeError(() => loadRules(SAM, null), /"options" argument must be an object/)
  typeError(() => loadRules(SAM, { skip_unresolved: true }), /unknown property "skip_unresolved"/)
  typeError(() => loadRules(SAM, { skipUnresolved: 'yes' }), /"options.skipUnresolved" argument must be of type boolean/)
  typeError(() => loadRules(SAM, { params: 'Stage=dev' }), /"options.params" argument must be an object/)
  typeError(() => loadRules(SAM, { params: { Stage: 1 } }), /"options.params.Stage" argument must be of type string/)
  // Absent params are no params.
  assert.equal(loadRules(SAM, { params: undefined }).length, 4)
})

// The events test_rules.py gives `ferruler filter --rules`.
const EVENTS = [
  { source: 'com.shop.prod', 'detail-type': 'Order Placed', detail: { total: 5 } },
  { source: 'com.shop.dev', 'detail-type': 'Order Placed', detail: { total: 5 } },
  { source: 'com.shop.prod', 'detail-type': 'Refund 1', detail: { items: [{ sku: 'SKU-1', quantity: 2 }] } },
  { source: 'com.shop.prod', region: 'eu-west-1', detail: { shipping: { country: 'FR', express: true } } },
  { account: '1', detail: { actor: { type: 'ADMIN' } } },
  { source: 'com.shop.prod', 'detail-type': 'Order Placed', detail: { total: 5000 } },
  { source: 'com.shop.payments', 'detail-type': 'Refund Issued' },
  { source: 'nothing' },
]

/** The names of the rules of `file` each of EVENTS matches, sorted, through a Machine. */
function matched(file, params) {
  const machine = new Machine()
  for (const rule of loadRules(file, { params })) machine.addRule(rule.name, rule.pattern)
  return machine.matchesForEvents(EVENTS).map((names) => names.sort())
}

test('the loaded rules match in a Machine', () => {
  assert.deepEqual(matched(SAM, {}), [
    ['OrderHandlerOnOrder'],
    [],
    ['RefundHandlerOnRefund'],
    ['EuOrdersRule'],
    ['AuditRule'],
    ['OrderHandlerOnOrder'],
    [],
    [],
  ])
  assert.deepEqual(matched(SAM, { Stage: 'dev' }), [[], ['OrderHandlerOnOrder'], [], [], ['AuditRule'], [], [], []])
  assert.deepEqual(matched(SERVERLESS, { stage: 'prod' }), [
    [],
    [],
    [],
    [],
    [],
    ['shop-prod-orders-rule-2'],
    ['refund-issued'],
    [],
  ])
})

// Against the CLI ---------------------------------------------------------------------------------

const CLI = ferrulerBin()
const noCli = CLI === undefined && 'no ferruler binary (FERRULER_BIN or target/*/ferruler)'

function cli(args, input) {
  const run = spawnSync(CLI, args, { input, encoding: 'utf8' })
  if (run.error) throw run.error
  return run
}

for (const file of [SAM, SERVERLESS, TERRAFORM, LAMBDA_FILTERS, path.join(REPO, 'examples', 'shop')]) {
  test(`the rules and places ferruler check reports: ${path.relative(REPO, file)}`, { skip: noCli }, () => {
    const checked = cli(['check', '--format', 'json', file])
    assert.equal(checked.status, 0, checked.stderr)
    const results = JSON.parse(checked.stdout).results
    const want = results.filter((r) => r.status === 'valid').map((r) => [r.rule, r.file, r.line, r.column])
    const got = loadRules(file, { skipUnresolved: true }).map((r) => [r.name, r.file, r.line, r.column])
    assert.deepEqual(got, want)
    // What check leaves unchecked is what loadRules refuses without skipUnresolved.
    if (results.some((r) => r.status === 'not-checked')) assert.throws(() => loadRules(file), InvalidRuleFileError)
  })
}

test('the patterns ferruler filter matches', { skip: noCli }, () => {
  const lines = EVENTS.map((event) => JSON.stringify(event) + '\n').join('')
  for (const [file, params] of [
    [SAM, {}],
    [SAM, { Stage: 'dev' }],
    [SERVERLESS, { stage: 'prod' }],
  ]) {
    const args = ['filter', '--rules', file, ...Object.entries(params).map(([k, v]) => `--param=${k}=${v}`)]
    const filtered = cli(args, lines)
    assert.equal(filtered.status, 0, filtered.stderr)
    const want = filtered.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line).sort())
    assert.deepEqual(matched(file, params), want, `${file} ${JSON.stringify(params)}`)
  }
})
