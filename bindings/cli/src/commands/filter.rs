//! `ferruler filter`: a stream of JSON-lines events through many rules.
//!
//! Built to run at close to the core's speed: the rules are compiled once into one
//! `Machine<u32>` (rule numbers, not names, so matching clones nothing), each event is read into
//! one reused line buffer and matched with `Machine::for_each_match` and one reused `Scratch`, rule
//! names are JSON-quoted once up front, and output goes through one large buffer. In steady state
//! nothing is allocated per event.
//!
//! With `--output names` every input line gives exactly one output line, so that output line n
//! belongs to input line n even across blank and invalid lines: a blank line (not an event) is
//! copied as a blank line, and an invalid event gives `null` unless `--on-error` says to skip it
//! or to stop there. Any invalid line makes the exit status 2.
//!
//! Lambda and Pipes filters (from event source mappings and pipes) are compiled into one machine
//! per dialect, and each line is matched by each machine as the record its service would decode;
//! a line that is not a record of some filter's source just matches none of those filters, and is
//! invalid only when no machine can read it.

use crate::cli::{FilterArgs, FilterOutput, OnError};
use crate::failure::{Failure, EXIT_INVALID, EXIT_OK};
use crate::rules::{self, Params};
use crate::template::quote;
use ferruler::dialect::Dialect;
use ferruler::{Machine, Scratch};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};

/// Invalid events reported one by one; past this, only counted.
const MAX_REPORTED: usize = 20;

pub fn run(args: FilterArgs) -> Result<u8, Failure> {
    let set = rules::load_sources(&args.rules, &Params::parse(&args.params.params)?)?;
    set.require_resolved()?;
    if set.rules.is_empty() {
        return Err(Failure("error: no rules found in --rules".into()));
    }
    let mut machines: Vec<(Dialect, Machine<u32>)> = Vec::new();
    let mut invalid = Vec::new();
    for (i, rule) in set.rules.iter().enumerate() {
        if let Err(failure) = rule.check() {
            invalid.push(failure.0);
            continue;
        }
        let at = match machines.iter().position(|(d, _)| *d == rule.dialect) {
            Some(at) => at,
            None => {
                machines.push((rule.dialect, Machine::new()));
                machines.len() - 1
            }
        };
        if let Err(e) = machines[at].1.add_rule(i as u32, &rule.text) {
            invalid.push(rule.pattern_failure(&e).0);
        }
    }
    if !invalid.is_empty() {
        return Err(Failure(invalid.join("\n")));
    }
    let names: Vec<String> = set.rules.iter().map(|r| quote(&r.name)).collect();
    let mut filter = Filter {
        machines: &machines,
        names: &names,
        output: args.output,
        on_error: args.on_error,
        scratch: Scratch::default(),
        hits: Vec::new(),
        line: Vec::new(),
        out: BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        bad_events: 0,
    };
    let stdin_only = args.inputs.is_empty() || args.inputs.iter().all(|p| p.as_os_str() == "-");
    if stdin_only {
        filter.stream("<stdin>", std::io::stdin().lock())?;
    } else {
        for path in &args.inputs {
            let name = path.display().to_string();
            let go_on = if path.as_os_str() == "-" {
                filter.stream("<stdin>", std::io::stdin().lock())?
            } else {
                let file = File::open(path)
                    .map_err(|e| Failure::file(&name, format_args!("cannot read events: {e}")))?;
                filter.stream(&name, file)?
            };
            if !go_on {
                break;
            }
        }
    }
    filter.out.flush()?;
    if filter.bad_events > MAX_REPORTED {
        eprintln!(
            "error: {} invalid events in all (the first {MAX_REPORTED} are shown)",
            filter.bad_events
        );
    }
    Ok(if filter.bad_events > 0 {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}

struct Filter<'a, W: Write> {
    machines: &'a [(Dialect, Machine<u32>)],
    /// Rule names, JSON-quoted, by rule number.
    names: &'a [String],
    output: FilterOutput,
    on_error: OnError,
    scratch: Scratch,
    hits: Vec<u32>,
    line: Vec<u8>,
    out: BufWriter<W>,
    bad_events: usize,
}

impl<W: Write> Filter<'_, W> {
    /// Filters one input; `false` when `--on-error fail` stopped at an invalid line.
    fn stream(&mut self, name: &str, input: impl Read) -> Result<bool, Failure> {
        let mut reader = BufReader::with_capacity(1 << 18, input);
        let mut line_no = 0;
        loop {
            self.line.clear();
            let read = reader
                .read_until(b'\n', &mut self.line)
                .map_err(|e| Failure::file(name, format_args!("cannot read events: {e}")))?;
            if read == 0 {
                return Ok(true);
            }
            line_no += 1;
            let event = self.line.trim_ascii();
            if event.is_empty() {
                if self.output == FilterOutput::Names {
                    self.out.write_all(b"\n")?;
                }
                continue;
            }
            self.hits.clear();
            let mut error = None;
            let mut read = false;
            for (dialect, machine) in self.machines {
                let hits = &mut self.hits;
                let decoded;
                let record = match dialect {
                    Dialect::EventBridge => event,
                    dialect => match dialect.event(&String::from_utf8_lossy(event)) {
                        Ok(text) => {
                            decoded = text;
                            decoded.as_bytes()
                        }
                        Err(e) => {
                            error.get_or_insert((
                                e.offset(),
                                format!(
                                    "invalid {} record: {}",
                                    dialect.source().map_or(String::new(), |s| s.to_string()),
                                    e.message()
                                ),
                            ));
                            continue;
                        }
                    },
                };
                match machine.for_each_match(record, &mut self.scratch, |&rule| hits.push(rule)) {
                    Ok(()) => read = true,
                    Err(e) => {
                        error
                            .get_or_insert((e.offset(), format!("invalid event: {}", e.message())));
                    }
                }
            }
            if let Some((offset, message)) = error.filter(|_| !read) {
                let column = String::from_utf8_lossy(&event[..offset.min(event.len())])
                    .chars()
                    .count()
                    + 1;
                if self.bad_events < MAX_REPORTED {
                    eprintln!("{name}:{line_no}:{column}: error: {message}");
                }
                self.bad_events += 1;
                match self.on_error {
                    OnError::Fail => return Ok(false),
                    OnError::Null if self.output == FilterOutput::Names => {
                        self.out.write_all(b"null\n")?
                    }
                    OnError::Null | OnError::Skip => {}
                }
                continue;
            }
            // Report rules in the order they were loaded.
            self.hits.sort_unstable();
            let (hits, names, out) = (&self.hits, self.names, &mut self.out);
            match self.output {
                FilterOutput::Names => {
                    write_names(out, hits, names)?;
                    out.write_all(b"\n")?;
                }
                FilterOutput::Events if !hits.is_empty() => {
                    out.write_all(event)?;
                    out.write_all(b"\n")?;
                }
                FilterOutput::Both if !hits.is_empty() => {
                    out.write_all(b"{\"rules\": ")?;
                    write_names(out, hits, names)?;
                    out.write_all(b", \"event\": ")?;
                    out.write_all(event)?;
                    out.write_all(b"}\n")?;
                }
                FilterOutput::Events | FilterOutput::Both => {}
            }
        }
    }
}

fn write_names(out: &mut impl Write, hits: &[u32], names: &[String]) -> std::io::Result<()> {
    out.write_all(b"[")?;
    for (i, &rule) in hits.iter().enumerate() {
        if i > 0 {
            out.write_all(b", ")?;
        }
        out.write_all(names[rule as usize].as_bytes())?;
    }
    out.write_all(b"]")
}
