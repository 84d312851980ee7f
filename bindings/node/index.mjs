// ES module entry point: the same objects as the CommonJS one (index.js), so that `instanceof`
// checks hold whichever way the package was loaded.
import ferruler from './index.js'

export const {
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
} = ferruler
export default ferruler
