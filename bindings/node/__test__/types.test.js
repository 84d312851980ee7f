'use strict'

// index.d.ts is hand-written: check it against real usage with the TypeScript compiler, both ways
// (correct calls compile, from CommonJS and from an ES module; wrong calls are reported).

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const tsc = require.resolve('typescript/bin/tsc')
const dir = path.join(__dirname, 'types')

function compile(project) {
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(dir, project)], { encoding: 'utf8' })
  return { status: run.status, output: run.stdout + run.stderr }
}

test('index.d.ts accepts every documented call', () => {
  const { status, output } = compile('tsconfig.json')
  assert.equal(status, 0, output)
})

test('index.d.ts rejects wrong calls', () => {
  const { status, output } = compile('tsconfig.misuse.json')
  assert.notEqual(status, 0)
  const lines = [...output.matchAll(/misuse\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1]))
  assert.deepEqual(lines, [5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16], output)
})
