//! `ferruler serve` over real TCP: the AWS JSON 1.1 protocol's edge cases (errors in the service's
//! shapes, never a hang), the limits (body size, a client that stops mid-body), the access log,
//! reloading `--rules` on SIGHUP while requests run, and stopping on SIGTERM. The clients the
//! users have (boto3, the AWS CLI, a browser) are tested by scripts/test-serve.sh.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running server on a free loopback port; killed when dropped.
struct Server {
    child: Child,
    client: Client,
    log: Arc<Mutex<Vec<String>>>,
}

/// HTTP/1.1 over a fresh connection per request, written by hand so that malformed requests can
/// be sent too.
#[derive(Clone)]
struct Client {
    address: String,
}

impl std::ops::Deref for Server {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ferruler"))
            .args(["serve", "--port", "0"])
            .args(args)
            .stderr(Stdio::piped())
            .spawn()
            .expect("ferruler starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines.next().expect("a first line").unwrap();
        let address = first
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        // The log is drained all along, so that a full pipe never blocks the server.
        let log = Arc::new(Mutex::new(vec![first]));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Server {
            child,
            client: Client { address },
            log,
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits (up to 5 s) for the server to exit.
    fn exit_status(&mut self) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < Duration::from_secs(5), "still running");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn log_count(&self, needle: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(needle))
            .count()
    }

    /// Waits (up to 10 s) for the log to contain `needle` `times` times.
    fn wait_for_log_times(&self, needle: &str, times: usize) {
        let start = Instant::now();
        while self.log_count(needle) < times {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no {needle:?} in {:?}",
                self.log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_for_log(&self, needle: &str) {
        self.wait_for_log_times(needle, 1);
    }
}

impl Client {
    /// Sends raw bytes, returns (status, headers, body) of the answer.
    fn raw(&self, request: &[u8]) -> (u16, String, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {answer:?}"));
        (status, head.to_ascii_lowercase(), body.to_string())
    }

    fn post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.address,
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        self.raw(request.as_bytes())
    }

    fn get(&self, path: &str) -> (u16, String, String) {
        self.raw(
            format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.address
            )
            .as_bytes(),
        )
    }

    /// A TestEventPattern call as the SDKs make it (signature headers included).
    fn test_event_pattern(&self, body: &str) -> (u16, serde_json::Value) {
        let (status, head, body) = self.post("/", &aws_headers("AWSEvents.TestEventPattern"), body);
        assert!(
            head.contains("content-type: application/x-amz-json-1.1"),
            "{head}"
        );
        assert!(head.contains("x-amzn-requestid: "), "{head}");
        (status, serde_json::from_str(&body).unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn aws_headers(target: &str) -> Vec<(&str, &str)> {
    vec![
        ("Content-Type", "application/x-amz-json-1.1"),
        ("X-Amz-Target", target),
        ("X-Amz-Date", "20260101T000000Z"),
        (
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/events/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000",
        ),
    ]
}

/// A TestEventPattern request body.
fn input(pattern: &str, event: &str) -> String {
    serde_json::json!({"EventPattern": pattern, "Event": event}).to_string()
}

const EVENT: &str = r#"{"id": "1", "account": "123456789012", "source": "shop", "time": "2026-01-01T00:00:00Z", "region": "eu-west-1", "resources": [], "detail-type": "Order Placed", "detail": {"total": 5}}"#;

#[test]
fn test_event_pattern_answers_as_the_service_does() {
    let server = Server::start(&[]);
    let answer = server.test_event_pattern(&input(r#"{"source": ["shop"]}"#, EVENT));
    assert_eq!(answer, (200, serde_json::json!({"Result": true})));
    let answer = server.test_event_pattern(&input(r#"{"source": ["other"]}"#, EVENT));
    assert_eq!(answer, (200, serde_json::json!({"Result": false})));

    let (status, error) = server.test_event_pattern(&input(r#"{"source": "shop"}"#, EVENT));
    assert_eq!(status, 400);
    assert_eq!(
        error,
        serde_json::json!({
            "__type": "InvalidEventPatternException",
            "message": "Event pattern is not valid. Reason: \"source\" must be an object or an array\n at [Source: (String)\"{\"source\": \"shop\"}\"; line: 1, column: 12]"
        })
    );
    // Jackson quotes at most 500 characters of the pattern.
    let long = format!(
        r#"{{"source": "x", "detail": {{"pad": ["{}"]}}}}"#,
        "a".repeat(600)
    );
    let (_, error) = server.test_event_pattern(&input(&long, EVENT));
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(&format!(
            "\"[truncated {} chars]; line: 1, column: 12]",
            long.len() - 500
        )),
        "{message}"
    );

    for event in [
        "{not json",
        "[]",
        r#"{"source": "shop"}"#,
        &EVENT.replace(r#""resources": []"#, r#""resources": "arn""#),
    ] {
        let answer = server.test_event_pattern(&input(r#"{"source": ["shop"]}"#, event));
        assert_eq!(
            answer,
            (
                400,
                serde_json::json!({"__type": "ValidationException", "message": "Parameter Event is not valid."})
            ),
            "{event}"
        );
    }
}

#[test]
fn malformed_requests_get_the_protocol_errors_never_a_hang() {
    let server = Server::start(&["--body-limit", "1000"]);
    let error = |body: &str| server.test_event_pattern(body);
    let kind = |answer: (u16, serde_json::Value)| {
        (answer.0, answer.1["__type"].as_str().unwrap().to_string())
    };

    assert_eq!(
        error(r#"{"Event": "{}"}"#).1["message"],
        "1 validation error detected: Value null at 'eventPattern' failed to satisfy constraint: Member must not be null"
    );
    assert_eq!(kind(error("")), (400, "ValidationException".into()));
    for body in [
        "{",
        "[]",
        "null",
        r#"{"EventPattern": 5, "Event": "{}"}"#,
        "\u{1}",
    ] {
        assert_eq!(
            kind(error(body)),
            (400, "SerializationException".into()),
            "{body}"
        );
    }
    let big = input(&format!(r#"{{"a": ["{}"]}}"#, "x".repeat(2000)), EVENT);
    assert_eq!(kind(error(&big)), (413, "SerializationException".into()));

    let body = input(r#"{"source": ["shop"]}"#, EVENT);
    let unknown = |headers: Vec<(&str, &str)>| {
        let (status, _, body) = server.post("/", &headers, &body);
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        (status, body["__type"].as_str().unwrap().to_string())
    };
    let expected = (400, "UnknownOperationException".to_string());
    assert_eq!(unknown(aws_headers("AWSEvents.PutRule")), expected);
    assert_eq!(unknown(aws_headers("Nonsense")), expected);
    assert_eq!(
        unknown(vec![("Content-Type", "application/x-amz-json-1.1")]),
        expected
    );
    assert_eq!(
        unknown(vec![
            ("Content-Type", "application/json"),
            ("X-Amz-Target", "AWSEvents.TestEventPattern")
        ]),
        expected
    );
    assert_eq!(
        unknown(vec![("X-Amz-Target", "AWSEvents.TestEventPattern")]),
        expected
    );

    // Not HTTP at all: hyper answers 400 and the server goes on.
    let (status, _, _) = server.raw(b"\x16\x03\x01 hello\r\n\r\n");
    assert_eq!(status, 400);
    assert_eq!(server.get("/v1/rules").0, 200);
    assert_eq!(server.get("/nowhere").0, 404);
    let (status, head, page) = server.get("/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"));
    assert!(page.contains("<title>Ferruler Sandbox</title>"));
}

#[test]
fn a_client_that_stops_mid_body_gets_a_timeout_answer() {
    let server = Server::start(&["--timeout", "0.5"]);
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let start = Instant::now();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSEvents.TestEventPattern\r\nContent-Length: 100\r\n\r\n{{\"Event"
    )
    .unwrap();
    let mut answer = vec![0; 4096];
    let n = stream.read(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    assert!(answer.contains("InternalException"), "{answer}");
    assert!(start.elapsed() < Duration::from_secs(5));
    server.wait_for_log("POST / AWSEvents.TestEventPattern 500 ");
}

#[test]
fn every_request_is_logged_with_method_action_status_and_microseconds() {
    let server = Server::start(&[]);
    server.test_event_pattern(&input(r#"{"source": ["shop"]}"#, EVENT));
    server.get("/v1/rules");
    server.wait_for_log("GET /v1/rules - 200 ");
    let log = server.log.lock().unwrap().clone();
    let line = log
        .iter()
        .find(|l| l.starts_with("POST / AWSEvents.TestEventPattern 200 "))
        .unwrap_or_else(|| panic!("{log:?}"));
    let micros = line.rsplit(' ').next().unwrap();
    assert!(
        micros.strip_suffix("us").unwrap().parse::<u64>().is_ok(),
        "{line}"
    );
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn sighup_reloads_the_rules_without_dropping_requests_and_sigterm_stops() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.json", r#"{"source": ["shop"]}"#);
    let server = Server::start(&["--rules", dir.path().to_str().unwrap()]);
    let matching = |server: &Server| {
        let (status, _, body) = server.post("/v1/match", &[], r#"{"event": {"source": "shop"}}"#);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["rules"].clone()
    };
    assert_eq!(matching(&server), serde_json::json!(["a"]));

    // Requests keep being answered while the rules are reloaded again and again.
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let hammer = {
        let (address, running) = (server.client.address.clone(), running.clone());
        std::thread::spawn(move || {
            let client = Client { address };
            let mut answered = 0;
            while running.load(std::sync::atomic::Ordering::Relaxed) {
                let (status, _, _) =
                    client.post("/v1/match", &[], r#"{"event": {"source": "shop"}}"#);
                assert_eq!(status, 200);
                answered += 1;
            }
            answered
        })
    };
    write(dir.path(), "b.json", r#"{"source": [{"prefix": "sh"}]}"#);
    for i in 1..=5 {
        server.signal("HUP");
        server.wait_for_log_times("reloaded --rules: 2 rules", i);
    }
    running.store(false, std::sync::atomic::Ordering::Relaxed);
    assert!(hammer.join().unwrap() > 0);
    assert_eq!(matching(&server), serde_json::json!(["a", "b"]));

    // An invalid rule: the reload fails and the previous rules stay.
    write(dir.path(), "c.json", r#"{"source": "shop"}"#);
    server.signal("HUP");
    server.wait_for_log("reload failed, keeping the previous rules");
    assert_eq!(matching(&server), serde_json::json!(["a", "b"]));

    let mut server = server;
    server.signal("TERM");
    assert!(server.exit_status().success());
    server.wait_for_log("ferruler serve: stopped");
}

#[test]
fn a_half_sent_request_does_not_keep_the_server_from_stopping() {
    let mut server = Server::start(&["--timeout", "0.5"]);
    let mut half = TcpStream::connect(&server.address).unwrap();
    half.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let _idle = TcpStream::connect(&server.address).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    server.signal("TERM");
    assert!(server.exit_status().success());
    server.wait_for_log("ferruler serve: stopped");
}
