//! `ferruler filter`: a stream of JSON-lines events through many rules.
//!
//! Built to run at close to the cores' speed: the rules are compiled once into one
//! `Machine<u32>` (rule numbers, not names, so matching clones nothing), rule names are
//! JSON-quoted once up front, and each matching thread keeps one `Scratch`, one hit list and the
//! output buffers it writes into, so in steady state nothing is allocated per event.
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
//!
//! # Compressed inputs
//!
//! Archives of events are kept compressed (S3 exports, Firehose output, `aws s3 cp` of an
//! EventBridge archive replay), so each input, standard input included, is recognised by its first
//! bytes, not its name: gzip (`1f 8b`, several members read as one stream, as `cat a.gz b.gz`
//! gives) and zstd (`28 b5 2f fd`, several frames likewise) are decompressed as they are read;
//! anything else is read as it is. A truncated or corrupt stream is an error naming the format,
//! after the lines before it have been written.
//!
//! # Several cores, output in order
//!
//! With `--jobs N` (default: every core) above 1, the input is cut into chunks of whole lines
//! (about [`CHUNK_BYTES`]), which N threads match while the calling thread reads the next ones; a
//! writer thread puts the results back in input order, so the output (and the reports of invalid
//! lines on stderr) are exactly those of one thread. Chunks and their output buffers circulate
//! through a fixed pool (2 per thread), which bounds memory and keeps the no-allocation property.
//! `--on-error fail` stops at the first invalid line in input order: the writer writes the chunks
//! before it and the part of its chunk before it, then tells the reader to stop; later chunks that
//! were already matched are dropped. `--jobs 1` matches on the calling thread, as before.

use crate::cli::{FilterArgs, FilterOutput, OnError};
use crate::exit::{output_error, EXIT_INVALID, EXIT_OK};
use ferruler::dialect::Dialect;
use ferruler::{Machine, Scratch};
use ferruler_sources::failure::Failure;
use ferruler_sources::rules;
use ferruler_sources::template::quote;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;

/// Invalid events reported one by one; past this, only counted.
const MAX_REPORTED: usize = 20;

/// The size a chunk of lines grows to before it is handed to a thread: large enough that handing
/// it over (a few µs) is nothing beside matching it (about a thousand CityLots events), small
/// enough that the pool of chunks stays a few MiB.
const CHUNK_BYTES: usize = 1 << 20;

pub fn run(args: FilterArgs) -> Result<u8, Failure> {
    let set = rules::load_sources(&args.rules, &args.params.parse()?)?;
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
    let jobs = args.jobs.map_or_else(
        || thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let matcher = Matcher {
        machines: &machines,
        names: &names,
        output: args.output,
        on_error: args.on_error,
    };
    let mut sink = Sink {
        // Not locked: a lock is not `Send`, and the writer thread owns the output. BufWriter takes
        // stdout's lock once per 64 KiB written.
        out: BufWriter::with_capacity(1 << 16, std::io::stdout()),
        bad_events: 0,
    };
    let stdin_only = args.inputs.is_empty() || args.inputs.iter().all(|p| p.as_os_str() == "-");
    let inputs: Vec<Option<&std::path::Path>> = if stdin_only {
        vec![None]
    } else {
        args.inputs
            .iter()
            .map(|p| (p.as_os_str() != "-").then_some(p.as_path()))
            .collect()
    };
    for input in inputs {
        let go_on = match input {
            None => filter_input(
                &matcher,
                &mut sink,
                jobs,
                "<stdin>",
                std::io::stdin().lock(),
            )?,
            Some(path) => {
                let name = path.display().to_string();
                let file = File::open(path)
                    .map_err(|e| Failure::file(&name, format_args!("cannot read events: {e}")))?;
                filter_input(&matcher, &mut sink, jobs, &name, file)?
            }
        };
        if !go_on {
            break;
        }
    }
    sink.out.flush().map_err(output_error)?;
    if sink.bad_events > MAX_REPORTED {
        eprintln!(
            "error: {} invalid events in all (the first {MAX_REPORTED} are shown)",
            sink.bad_events
        );
    }
    Ok(if sink.bad_events > 0 {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}

/// What every thread reads: the machines and how to answer.
struct Matcher<'a> {
    machines: &'a [(Dialect, Machine<u32>)],
    /// Rule names, JSON-quoted, by rule number.
    names: &'a [String],
    output: FilterOutput,
    on_error: OnError,
}

/// Where the answers go, in input order, and how many lines were invalid so far.
struct Sink<W: Write> {
    out: BufWriter<W>,
    bad_events: usize,
}

impl<W: Write> Sink<W> {
    /// Writes a matched chunk; `false` if it ended at an invalid line under `--on-error fail`.
    fn take(&mut self, done: &Done, name: &str) -> Result<bool, Failure> {
        self.out.write_all(&done.out).map_err(output_error)?;
        for (line, column, message) in &done.errors {
            if self.bad_events < MAX_REPORTED {
                eprintln!("{name}:{line}:{column}: error: {message}");
            }
            self.bad_events += 1;
        }
        Ok(!done.stopped)
    }
}

/// One thread's reusable state.
#[derive(Default)]
struct Worker {
    scratch: Scratch,
    hits: Vec<u32>,
}

/// A chunk of whole lines of one input and, once matched, what it gives.
#[derive(Default)]
struct Done {
    /// The input lines.
    lines: Vec<u8>,
    /// The number of the chunk's first line in its input (1-based).
    first_line: usize,
    /// Output for the chunk.
    out: Vec<u8>,
    /// Invalid lines: line number, column, message.
    errors: Vec<(usize, usize, String)>,
    /// Ended at an invalid line under `--on-error fail`.
    stopped: bool,
}

impl Matcher<'_> {
    /// Matches every line of `chunk.lines` into `chunk.out` and `chunk.errors`.
    fn chunk(&self, worker: &mut Worker, chunk: &mut Done) {
        chunk.out.clear();
        chunk.errors.clear();
        chunk.stopped = false;
        let lines = std::mem::take(&mut chunk.lines);
        for (line_no, line) in (chunk.first_line..).zip(lines.split_inclusive(|&b| b == b'\n')) {
            if !self.line(worker, line, line_no, chunk) {
                chunk.stopped = true;
                break;
            }
        }
        chunk.lines = lines;
    }

    /// Matches one line into `chunk`; `false` to stop there (`--on-error fail`).
    fn line(&self, worker: &mut Worker, line: &[u8], line_no: usize, chunk: &mut Done) -> bool {
        let out = &mut chunk.out;
        let event = line.trim_ascii();
        if event.is_empty() {
            if self.output == FilterOutput::Names {
                out.push(b'\n');
            }
            return true;
        }
        worker.hits.clear();
        let mut error = None;
        let mut read = false;
        for (dialect, machine) in self.machines {
            let hits = &mut worker.hits;
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
            match machine.for_each_match(record, &mut worker.scratch, |&rule| hits.push(rule)) {
                Ok(()) => read = true,
                Err(e) => {
                    error.get_or_insert((e.offset(), format!("invalid event: {}", e.message())));
                }
            }
        }
        if let Some((offset, message)) = error.filter(|_| !read) {
            let column = String::from_utf8_lossy(&event[..offset.min(event.len())])
                .chars()
                .count()
                + 1;
            chunk.errors.push((line_no, column, message));
            return match self.on_error {
                OnError::Fail => false,
                OnError::Null if self.output == FilterOutput::Names => {
                    out.extend_from_slice(b"null\n");
                    true
                }
                OnError::Null | OnError::Skip => true,
            };
        }
        // Report rules in the order they were loaded.
        worker.hits.sort_unstable();
        let (hits, names) = (&worker.hits, self.names);
        match self.output {
            FilterOutput::Names => {
                write_names(out, hits, names);
                out.push(b'\n');
            }
            FilterOutput::Events if !hits.is_empty() => {
                out.extend_from_slice(event);
                out.push(b'\n');
            }
            FilterOutput::Both if !hits.is_empty() => {
                out.extend_from_slice(b"{\"rules\": ");
                write_names(out, hits, names);
                out.extend_from_slice(b", \"event\": ");
                out.extend_from_slice(event);
                out.extend_from_slice(b"}\n");
            }
            FilterOutput::Events | FilterOutput::Both => {}
        }
        true
    }
}

/// Filters one input (plain, gzip or zstd); `false` when `--on-error fail` stopped at an invalid
/// line.
fn filter_input<W: Write + Send>(
    matcher: &Matcher<'_>,
    sink: &mut Sink<W>,
    jobs: usize,
    name: &str,
    input: impl Read,
) -> Result<bool, Failure> {
    let mut raw = BufReader::with_capacity(1 << 16, input);
    let head = raw
        .fill_buf()
        .map_err(|e| Failure::file(name, format_args!("cannot read events: {e}")))?;
    // The decoders (and a plain input) are read through one more buffer of a chunk's size, whose
    // emptiness tells when the next line would have to wait for the input (see `Lines::fill`).
    let (format, reader): (&str, Box<dyn Read + '_>) = if head.starts_with(&[0x1f, 0x8b]) {
        ("gzip", Box::new(flate2::bufread::MultiGzDecoder::new(raw)))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let decoder = zstd::stream::read::Decoder::with_buffer(raw).map_err(|e| {
            Failure::file(name, format_args!("cannot read events: zstd stream: {e}"))
        })?;
        ("zstd", Box::new(decoder))
    } else {
        ("", Box::new(raw))
    };
    let reader = BufReader::with_capacity(CHUNK_BYTES, reader);
    let mut lines = Lines {
        reader,
        name,
        format,
        next_line: 1,
    };
    if jobs <= 1 {
        let mut worker = Worker::default();
        let mut chunk = Done::default();
        loop {
            let read = lines.fill(&mut chunk);
            matcher.chunk(&mut worker, &mut chunk);
            if !sink.take(&chunk, name)? {
                return Ok(false);
            }
            match read {
                Ok(true) => {}
                Ok(false) => return Ok(true),
                Err(e) => return Err(e),
            }
        }
    }
    parallel(matcher, sink, jobs, &mut lines)
}

/// Reads an input's lines into chunks.
struct Lines<'a> {
    reader: BufReader<Box<dyn Read + 'a>>,
    name: &'a str,
    /// "gzip", "zstd", or "" for plain text.
    format: &'static str,
    /// The number of the next line to read.
    next_line: usize,
}

impl Lines<'_> {
    /// Fills `chunk` with whole lines, up to about [`CHUNK_BYTES`], or fewer if the next line is
    /// not read yet: a slow stream (`tail -f | ferruler filter`) is matched as it comes, never held
    /// back until a MiB has arrived (the output itself is buffered, 64 KiB, as it always was);
    /// `Ok(false)` at the end of the input. On a read error, `chunk`
    /// holds the whole lines read before it.
    fn fill(&mut self, chunk: &mut Done) -> Result<bool, Failure> {
        chunk.lines.clear();
        chunk.first_line = self.next_line;
        loop {
            let before = chunk.lines.len();
            match self.reader.read_until(b'\n', &mut chunk.lines) {
                Ok(0) => return Ok(false),
                Ok(_) => self.next_line += 1,
                Err(e) => {
                    chunk.lines.truncate(before);
                    return Err(self.error(e));
                }
            }
            if chunk.lines.len() >= CHUNK_BYTES || self.reader.buffer().is_empty() {
                return Ok(true);
            }
        }
    }

    fn error(&self, e: std::io::Error) -> Failure {
        if self.format.is_empty() {
            Failure::file(self.name, format_args!("cannot read events: {e}"))
        } else {
            Failure::file(
                self.name,
                format_args!(
                    "cannot read events: the {} data is truncated or corrupt after line {} ({e})",
                    self.format,
                    self.next_line - 1
                ),
            )
        }
    }
}

/// Matches `lines` on `jobs` threads while this thread reads, writing in input order.
fn parallel<W: Write + Send>(
    matcher: &Matcher<'_>,
    sink: &mut Sink<W>,
    jobs: usize,
    lines: &mut Lines<'_>,
) -> Result<bool, Failure> {
    let pool = 2 * jobs + 1;
    let (free_tx, free_rx) = sync_channel::<Done>(pool);
    for _ in 0..pool {
        free_tx.send(Done::default()).expect("the pool has room");
    }
    let (work_tx, work_rx) = sync_channel::<(usize, Done)>(pool);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = sync_channel::<(usize, Done)>(pool);
    let stop = AtomicBool::new(false);
    let name = lines.name;
    thread::scope(|scope| {
        for _ in 0..jobs {
            let (work_rx, done_tx, stop) = (Arc::clone(&work_rx), done_tx.clone(), &stop);
            scope.spawn(move || {
                let mut worker = Worker::default();
                loop {
                    let next = work_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((seq, mut chunk))) = next else {
                        return;
                    };
                    if !stop.load(Ordering::Relaxed) {
                        matcher.chunk(&mut worker, &mut chunk);
                    }
                    if done_tx.send((seq, chunk)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let writer = scope.spawn(|| write_in_order(sink, name, done_rx, free_tx, &stop));
        let mut read = Ok(());
        for seq in 0.. {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let Ok(mut chunk) = free_rx.recv() else { break };
            let filled = lines.fill(&mut chunk);
            let more = matches!(filled, Ok(true));
            if let Err(e) = filled {
                read = Err(e);
            }
            if work_tx.send((seq, chunk)).is_err() || !more {
                break;
            }
        }
        drop(work_tx);
        let written = writer.join().expect("the writer does not panic")?;
        read.map(|()| written)
    })
}

/// Writes the matched chunks in input order; `false` if `--on-error fail` stopped the input.
fn write_in_order<W: Write>(
    sink: &mut Sink<W>,
    name: &str,
    done: Receiver<(usize, Done)>,
    free: SyncSender<Done>,
    stop: &AtomicBool,
) -> Result<bool, Failure> {
    let mut waiting = std::collections::BTreeMap::new();
    let mut next = 0;
    let mut go_on = true;
    for (seq, chunk) in done {
        waiting.insert(seq, chunk);
        while let Some(chunk) = waiting.remove(&next) {
            next += 1;
            if go_on {
                let written = sink.take(&chunk, name);
                if !matches!(written, Ok(true)) {
                    // Stop the reader (and skip the chunks in flight), whether on a failed write
                    // or at the first invalid line under `--on-error fail`.
                    stop.store(true, Ordering::Relaxed);
                    go_on = false;
                    written?;
                }
            }
            // The reader may have stopped already; the chunk is then dropped.
            let _ = free.try_send(chunk);
        }
    }
    Ok(go_on)
}

fn write_names(out: &mut Vec<u8>, hits: &[u32], names: &[String]) {
    out.push(b'[');
    for (i, &rule) in hits.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(names[rule as usize].as_bytes());
    }
    out.push(b']');
}
