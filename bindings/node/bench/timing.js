'use strict'

// Timing helpers shared by the benchmark sections. The machine this runs on may be shared, so
// every measurement is repeated over several rounds, interleaved between contenders, and the best
// (least disturbed) round is kept.

/** Seconds taken by `fn()`. */
function seconds(fn) {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e9
}

/** `n` formatted with thousands separators. */
function grouped(n) {
  return Math.round(n).toLocaleString('en-US')
}

/** Prints a Markdown table. */
function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`
  console.log(line(header))
  console.log(line(header.map(() => '---')))
  for (const row of rows) console.log(line(row))
  console.log()
}

module.exports = { seconds, grouped, table }
