//! `ferruler serve`: a local stand-in for EventBridge's `TestEventPattern`, a JSON API for what the
//! service lacks, and the Sandbox page, on one port.
//!
//! Teams test rules from their test suites through the AWS SDKs; pointing the SDK's endpoint URL
//! here replaces the network, the credentials and the rate limit with this engine, and nothing else
//! changes. The server is built for that use: bound to loopback by default, it accepts any request
//! signature (there is nothing to protect but the caller's own patterns), and every request is
//! bounded in size and time so that a bad client cannot hang a test run.
//!
//! * [`protocol`]: the AWS JSON 1.1 wire protocol (`POST /`, `X-Amz-Target`) and its errors;
//! * [`api`]: `/v1/explain`, `/v1/match`, `/v1/rules`;
//! * [`sandbox`]: the page at `/`, compiled into the binary;
//! * [`loaded`]: the `--rules`, swapped whole on SIGHUP;
//! * [`limits`]: the per-request timeout and the access log.

mod api;
mod limits;
mod loaded;
mod protocol;
mod sandbox;

use crate::cli::ServeArgs;
use crate::exit::{output_error, EXIT_OK};
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use ferruler_sources::failure::Failure;
use loaded::Rules;
use std::sync::Arc;
use std::time::Duration;

/// What every handler shares.
pub struct Server {
    pub rules: Rules,
    pub timeout: Duration,
    pub body_limit: usize,
}

pub fn run(args: ServeArgs) -> Result<u8, Failure> {
    let rules = Rules::load(args.rules, args.params.parse()?)?;
    let server = Arc::new(Server {
        rules,
        timeout: args.timeout,
        body_limit: args.body_limit,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("error: cannot start the server: {e}")))?;
    runtime.block_on(serve(server, &args.host, args.port))?;
    Ok(EXIT_OK)
}

/// The routes, with the body limit, the timeout and the access log around them.
pub fn router(server: Arc<Server>) -> Router {
    Router::new()
        .route("/", post(protocol::handle).get(sandbox::page))
        .route("/sandbox.css", get(sandbox::css))
        .route("/sandbox.js", get(sandbox::js))
        .route("/v1/explain", post(api::explain))
        .route("/v1/match", post(api::matching))
        .route("/v1/rules", get(api::rules))
        .layer(DefaultBodyLimit::max(server.body_limit))
        .layer(axum::middleware::from_fn_with_state(
            server.clone(),
            limits::bound_and_log,
        ))
        .with_state(server)
}

async fn serve(server: Arc<Server>, host: &str, port: u16) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind((host, port))
        .await
        .map_err(|e| Failure(format!("error: cannot listen on {host}:{port}: {e}")))?;
    let address = listener.local_addr().map_err(output_error)?;
    eprintln!(
        "ferruler serve: listening on http://{address} ({} rules; Sandbox at /, TestEventPattern at POST /)",
        server.rules.current().set.rules.len()
    );
    tokio::spawn(reload_on_hangup(server.clone()));
    // Requests in flight end within the timeout; a connection still open after that (a client
    // that sent half its headers, say) must not keep the server from stopping.
    let grace = server.timeout.saturating_add(Duration::from_secs(1));
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let graceful = axum::serve(listener, router(server)).with_graceful_shutdown(async move {
        stop_signal().await;
        let _ = stopping.send(true);
    });
    let deadline = async move {
        let _ = stopped.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = graceful => result.map_err(output_error)?,
        () = deadline => eprintln!("ferruler serve: closing the connections still open after {grace:?}"),
    }
    eprintln!("ferruler serve: stopped");
    Ok(())
}

/// SIGINT or SIGTERM: stop accepting, let requests in flight finish (each is bounded by the
/// timeout), then return.
async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate()).expect("a SIGTERM handler installs");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    eprintln!("ferruler serve: stopping: finishing the requests in flight");
}

/// SIGHUP: read `--rules` again. Requests already running keep the rules they started with; a
/// reload that fails keeps the previous rules and says why.
async fn reload_on_hangup(server: Arc<Server>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hangup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hangup.recv().await.is_some() {
            let reloading = server.clone();
            let outcome = tokio::task::spawn_blocking(move || reloading.rules.reload()).await;
            match outcome {
                Ok(Ok(count)) => eprintln!("ferruler serve: reloaded --rules: {count} rules"),
                Ok(Err(why)) => {
                    eprintln!("ferruler serve: reload failed, keeping the previous rules:\n{why}")
                }
                Err(e) => eprintln!("ferruler serve: reload failed: {e}"),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = server;
}
