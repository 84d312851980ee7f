// ES module entry point of `ferruler/testing`: the same functions as the CommonJS one.
import testing from './testing.js'

export const { assertMatches, assertNoMatch } = testing
export default testing
