'use strict'

// The addon is context-aware: worker threads load their own instance and match in parallel with
// the main thread.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Worker } = require('node:worker_threads')
const { Machine } = require('..')

const WORKER = `
  const { parentPort, workerData } = require('node:worker_threads')
  const { Machine, InvalidEventError } = require(workerData.entry)
  const machine = new Machine()
  machine.addRule('w', { n: [{ numeric: ['>', workerData.threshold] }] })
  let matched = 0
  for (let n = 0; n < 1000; n++) matched += machine.matchesForEvent({ n }).length
  let error = null
  try { machine.matchesForEvent('{') } catch (e) { error = e instanceof InvalidEventError && e.code }
  parentPort.postMessage({ matched, error })
`

function runWorker(threshold) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { entry: require.resolve('..'), threshold } })
    worker.once('message', resolve)
    worker.once('error', reject)
  })
}

test('machines in worker threads', async () => {
  const main = new Machine()
  main.addRule('m', { n: [1] })
  const results = await Promise.all([runWorker(900), runWorker(500), runWorker(0)])
  assert.deepEqual(results, [
    { matched: 99, error: 'INVALID_EVENT' },
    { matched: 499, error: 'INVALID_EVENT' },
    { matched: 999, error: 'INVALID_EVENT' },
  ])
  assert.deepEqual(main.matchesForEvent({ n: 1 }), ['m'])
})
