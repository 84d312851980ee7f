//! The command line: every command, option and help text, declared with clap's derive API.
//!
//! Each command's help ends with an example that can be pasted as is, because the first thing a
//! user types after installing a tool is `--help`, and an example answers more than a synopsis.

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;
use ferruler_sources::failure::Failure;
use ferruler_sources::rules::Params;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// Test Amazon EventBridge event patterns locally: match, explain, check and unit-test rules
/// without AWS credentials, with EventBridge's exact semantics.
#[derive(Debug, Parser)]
#[command(name = "ferruler", version, propagate_version = true)]
#[command(
    after_help = "Exit status: 0 match / all passed, 1 no match / some failed, 2 invalid input.\n\
Example:\n  ferruler test-event-pattern --event-pattern '{\"source\": [\"shop\"]}' --event '{\"source\": \"shop\"}'"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Does the event match the pattern? Prints true or false (like `aws events test-event-pattern`).
    #[command(
        after_help = "Exit status: 0 match, 1 no match, 2 invalid pattern or event (message on stderr).\n\
Examples:\n  ferruler test-event-pattern --event-pattern pattern.json --event event.json\n  \
ferruler test-event-pattern --event-pattern '{\"detail-type\": [\"Order Placed\"]}' --event file://event.json\n  \
ferruler test-event-pattern --envelope aws --event-pattern pattern.json --event event.json\n  \
ferruler test-event-pattern --for sqs --event-pattern '{\"body\": {\"status\": [\"FAILED\"]}}' --event sqs-record.json"
    )]
    TestEventPattern(TestEventPatternArgs),

    /// Validate event patterns: pattern files, rule directories, {name: pattern} files, templates.
    #[command(
        after_help = "Errors are printed as FILE:LINE:COLUMN: error: rule NAME: message.\n\
Exit status: 0 all valid, 2 some invalid (or, with --strict, some not checked).\n\
Examples:\n  ferruler check rules/order-placed.json rules/\n  ferruler check --strict --template template.yaml --param Stage=prod\n  \
ferruler check --strict --format sarif --template template.yaml > ferruler.sarif"
    )]
    Check(CheckArgs),

    /// Run test cases: JSON-lines files or fixture directories; reports N passed, M failed, K errored.
    #[command(long_about = CASES_LONG_ABOUT, after_help = "Exit status: 0 all passed, 1 some failed, 2 invalid input.\n\
Examples:\n  ferruler cases tests/rules/\n  ferruler cases cases.jsonl --junit junit.xml\n  \
ferruler cases --rules template.yaml template.cases.jsonl")]
    Cases(CasesArgs),

    /// Why does (or doesn't) the pattern match the event? Every condition, value and $or branch.
    #[command(
        after_help = "Exit status: 0 match (some rule matches), 1 no match, 2 invalid input.\n\
Examples:\n  ferruler explain --event-pattern pattern.json --event event.json\n  \
ferruler explain --rules template.yaml --rule MyFunctionOnOrder --event event.json --json\n  \
ferruler explain --rules rules/ --event event.json"
    )]
    Explain(ExplainArgs),

    /// Match a stream of JSON-lines events against many rules; print rule names or matching events.
    #[command(
        after_help = "RULES is a {name: pattern} JSON file, a directory of pattern files, or a template.\n\
With --output names, output line n belongs to input line n: a blank input line gives a blank output\n\
line, an invalid one `null` (see --on-error).\n\
Exit status: 0 every line was a valid event; 2 if a rule is invalid (nothing is read) or some line\n\
is not a valid event (each reported on stderr with its file, line and column).\n\
Gzip and zstd inputs are decompressed as they are read; events are matched on every core (--jobs),\n\
and the output keeps the input's order.\n\
Examples:\n  ferruler filter --rules rules/ < events.jsonl\n  \
ferruler filter --rules template.yaml --output events events-*.jsonl.gz > matching.jsonl"
    )]
    Filter(FilterArgs),

    /// Serve EventBridge's TestEventPattern API, a JSON API and the Sandbox page, locally.
    #[command(
        long_about = SERVE_LONG_ABOUT,
        after_help = "Examples:\n  ferruler serve\n  ferruler serve --port 4010 --rules rules/ --rules template.yaml\n  \
aws events test-event-pattern --endpoint-url http://127.0.0.1:4010 --event-pattern file://p.json --event file://e.json"
    )]
    Serve(ServeArgs),

    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  ferruler completions bash > ~/.local/share/bash-completion/completions/ferruler\n  \
ferruler completions zsh > \"${fpath[1]}/_ferruler\"\n  ferruler completions fish > ~/.config/fish/completions/ferruler.fish"
    )]
    Completions(CompletionsArgs),
}

const CASES_LONG_ABOUT: &str = "Run test cases.

A case file is JSON lines, one case per line:
  {\"name\": \"...\", \"pattern\": {...} | \"pattern_text\": \"...\" | \"rule\": \"NAME\",
   \"event\": {...} | \"event_text\": \"...\" | \"event_file\": \"PATH\",
   \"expect\": \"match\" | \"nomatch\" | \"error\", \"message\": \"substring of the error\"}
An inline pattern may say where it is used with \"for\": \"sqs\" (a Lambda filter; also kinesis,
dynamodb, kafka, mq, or pipes:SOURCE for a pipe's filter); the event is then a record of that source.
Only name, a pattern source and an event source are required; `why` and `source` may hold notes,
and any other key is an error (a misspelt \"expect\" must not make a case assert nothing).
`rule` names a rule from --rules or
from the rule file beside the case file (X.cases.jsonl tests X.json, X.rules.json, X.yaml, X.yml or
X.template.json); with exactly one such rule, neither pattern nor rule is needed.

Each case prints {\"name\", \"result\", \"message\"} (JSON lines, or a readable line with --format
text); a case that cannot run prints result \"errored\" and why; failures are explained (on stderr
in JSON-lines mode); the run ends with `N passed, M failed, K errored`.

A directory is searched for *.cases.jsonl files, and its rule files are all loaded, so cases can
name any rule of the repository.";

const SERVE_LONG_ABOUT: &str = "Serve EventBridge's TestEventPattern API, a JSON API and the Sandbox page, locally.

POST /          the EventBridge API (AWS JSON 1.1, X-Amz-Target: AWSEvents.TestEventPattern), for
                the AWS SDKs and CLI with --endpoint-url; any credentials and signature are accepted
GET  /          the Sandbox: edit a pattern and an event, see the result and why
POST /v1/explain  {\"pattern\" | \"rule\", \"event\"} -> the explanation, as `explain --json` prints it
POST /v1/match    {\"event\"} -> {\"rules\": names of the --rules it matches}
GET  /v1/rules    the loaded rules

Binds to loopback by default: it is a local tool and checks no signature. One access log line
per request on stderr. SIGINT/SIGTERM stop it after the requests in flight; SIGHUP reloads --rules
(keeping the old rules if the new ones are invalid).";

/// A pattern or event: inline JSON, a file path, `file://PATH`, or `-` for standard input.
pub type Source = String;

#[derive(Debug, Args)]
pub struct TestEventPatternArgs {
    /// The event pattern: inline JSON, a file, file://FILE, or - for stdin.
    #[arg(long, value_name = "FILE|JSON")]
    pub event_pattern: Source,
    /// The event: inline JSON, a file, file://FILE, or - for stdin.
    #[arg(long, value_name = "FILE|JSON")]
    pub event: Source,
    /// Which envelope fields the event must have.
    #[arg(long, value_enum, default_value_t = Envelope::None)]
    pub envelope: Envelope,
    #[command(flatten)]
    pub target: ForArgs,
}

/// Where a pattern given on the command line is used.
#[derive(Debug, Args)]
pub struct ForArgs {
    /// Where the pattern is used: an EventBridge rule, or the filter of a Lambda event source
    /// mapping reading this source; then the event is a record of that source (an SQS message,
    /// a Kinesis or DynamoDB stream record, a Kafka record, an Amazon MQ message), matched as
    /// Lambda decodes it, and the pattern must follow Lambda's filter rules.
    #[arg(long = "for", value_enum, value_name = "SOURCE", default_value_t = For::Eventbridge)]
    pub target: For,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum For {
    Eventbridge,
    Sqs,
    Kinesis,
    Dynamodb,
    Kafka,
    Mq,
}

impl For {
    pub fn dialect(self) -> ferruler::dialect::Dialect {
        use ferruler::dialect::{Dialect, Source};
        match self {
            For::Eventbridge => Dialect::EventBridge,
            For::Sqs => Dialect::Lambda(Source::Sqs),
            For::Kinesis => Dialect::Lambda(Source::Kinesis),
            For::Dynamodb => Dialect::Lambda(Source::DynamoDb),
            For::Kafka => Dialect::Lambda(Source::Kafka),
            For::Mq => Dialect::Lambda(Source::Mq),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Envelope {
    /// None, as in rule matching: a pattern reads only the fields it names.
    None,
    /// Those `aws events test-event-pattern` requires: id, account, source, time, region,
    /// resources (an array of strings) and detail-type, with the service's error otherwise.
    Aws,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Pattern files, {name: pattern} files (*.rules.json), templates, or directories of them.
    #[arg(value_name = "PATTERN_FILE")]
    pub files: Vec<PathBuf>,
    /// CloudFormation, SAM or CDK templates (YAML or JSON) whose rule patterns to check.
    #[arg(long, value_name = "TEMPLATE")]
    pub template: Vec<PathBuf>,
    /// A rule that cannot be checked (it needs a value only a deployment knows) fails the check.
    #[arg(long)]
    pub strict: bool,
    /// The report on standard output; problems are also printed on standard error.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    #[command(flatten)]
    pub params: ParamArgs,
    /// (For pattern files given as arguments, and standard input.)
    #[command(flatten)]
    pub target: ForArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// The summary line, `N valid, M invalid[, K not checked]`.
    Text,
    /// One JSON document: the counts and every rule's result.
    Json,
    /// SARIF 2.1.0, for code-scanning UIs (GitHub's upload-sarif annotates the template line).
    Sarif,
    /// JUnit XML: a test case per rule, classname the rule file's path.
    Junit,
}

#[derive(Debug, Args)]
pub struct ParamArgs {
    /// A value for a template parameter, pseudo parameter or attribute used in a pattern
    /// (!Ref NAME, !GetAtt RES.ATTR, !ImportValue NAME). Repeatable.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
}

impl ParamArgs {
    /// The `NAME=VALUE` arguments, parsed.
    pub fn parse(&self) -> Result<Params, Failure> {
        let mut map = HashMap::new();
        for arg in &self.params {
            let Some((name, value)) = arg.split_once('=') else {
                return Err(Failure(format!(
                    "error: --param {arg}: expected NAME=VALUE, e.g. --param AWS::AccountId=123456789012"
                )));
            };
            map.insert(name.to_string(), value.to_string());
        }
        Ok(Params(map))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CaseFormat {
    /// One JSON object per case.
    Jsonl,
    /// One readable line per case.
    Text,
}

#[derive(Debug, Args)]
pub struct CasesArgs {
    /// Case files (*.jsonl) and directories to search for *.cases.jsonl.
    #[arg(value_name = "CASES", required = true)]
    pub paths: Vec<PathBuf>,
    /// Rules that cases may name: a {name: pattern} file, a directory, or a template. Repeatable.
    #[arg(long, value_name = "RULES")]
    pub rules: Vec<PathBuf>,
    /// Also write the results as JUnit XML, for CI dashboards.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// How to print each case's result.
    #[arg(long, value_enum, default_value_t = CaseFormat::Jsonl)]
    pub format: CaseFormat,
    #[command(flatten)]
    pub params: ParamArgs,
}

/// The pattern comes from `--event-pattern` or from `--rules` (then `--rule` picks one, or every
/// rule is tried): exactly one of the two, which the usage line says as `<--event-pattern|--rules>`.
#[derive(Debug, Args)]
#[command(group = ArgGroup::new("pattern").required(true).args(["event_pattern", "rules"]))]
pub struct ExplainArgs {
    /// The event pattern: inline JSON, a file, file://FILE, or - for stdin.
    #[arg(long, value_name = "FILE|JSON")]
    pub event_pattern: Option<Source>,
    /// Rules: a {name: pattern} file, a directory, or a template. Without --rule, the event is
    /// explained against every rule: which match and, for the closest that do not, why not.
    #[arg(long, value_name = "RULES")]
    pub rules: Vec<PathBuf>,
    /// Explain only the rule of this name from --rules.
    #[arg(long, value_name = "NAME", requires = "rules")]
    pub rule: Option<String>,
    /// The event: inline JSON, a file, file://FILE, or - for stdin.
    #[arg(long, value_name = "FILE|JSON")]
    pub event: Source,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub params: ParamArgs,
    /// (With --event-pattern.)
    #[command(flatten)]
    pub target: ForArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FilterOutput {
    /// For every input line, a JSON array of the names of the rules its event matches (an empty
    /// line for a blank one).
    Names,
    /// Only the events that match some rule, as read.
    Events,
    /// For matching events, {"rules": [...], "event": ...}.
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// `null` in place of its rule names (with --output names), so output line n is still input
    /// line n.
    Null,
    /// No output line (later lines no longer line up with their input lines with --output names).
    Skip,
    /// Stop reading at the first invalid line.
    Fail,
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    /// The rules: a {name: pattern} JSON file, a directory of pattern files, or a template.
    #[arg(long, value_name = "RULES", required = true)]
    pub rules: Vec<PathBuf>,
    /// JSON-lines files of events, plain, gzip or zstd (recognised by their first bytes);
    /// standard input if none (or -).
    #[arg(value_name = "EVENTS")]
    pub inputs: Vec<PathBuf>,
    /// What to print.
    #[arg(long, value_enum, default_value_t = FilterOutput::Names)]
    pub output: FilterOutput,
    /// What an invalid line gives (it is always reported on stderr and makes the exit status 2).
    #[arg(long, value_enum, default_value_t = OnError::Null)]
    pub on_error: OnError,
    /// Threads matching events (default: every core); output stays in input order.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    #[command(flatten)]
    pub params: ParamArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on; loopback by default, since signatures are not checked.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The port to listen on (0: any free port; the address is printed on stderr).
    #[arg(long, default_value_t = 4010)]
    pub port: u16,
    /// Rules for /v1/match, /v1/rules and the Sandbox's picker: a {name: pattern} file, a
    /// directory, or a template. Repeatable; read again on SIGHUP.
    #[arg(long, value_name = "RULES")]
    pub rules: Vec<PathBuf>,
    #[command(flatten)]
    pub params: ParamArgs,
    /// The largest request body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub body_limit: usize,
    /// The longest a request may take, body included, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    pub timeout: Duration,
}

/// A positive number of seconds, fractions allowed.
fn seconds(arg: &str) -> Result<Duration, String> {
    match arg.parse::<f64>() {
        Ok(s) if s > 0.0 => Duration::try_from_secs_f64(s).map_err(|e| e.to_string()),
        _ => Err("expected a positive number of seconds, e.g. 10 or 0.5".into()),
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}
