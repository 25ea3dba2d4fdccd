//! Where the server listens: a socket handed over by its supervisor, or one of its own.
//!
//! A handed-over socket (systemd's socket activation: `LISTEN_FDS=1`, `LISTEN_PID` naming this
//! process, the socket as descriptor 3) outlives any one server process, so a restart is
//! refusal-free: start the new process on the same socket, then stop the old one. Connections
//! that arrive meanwhile wait in the socket's queue for whichever process accepts next.
use std::io;
use std::net::SocketAddr;

use tokio::net::TcpListener;

/// The descriptor of the first handed-over socket (`SD_LISTEN_FDS_START`).
const FIRST_HANDED_OVER_FD: i32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("LISTEN_FDS: {0}")]
    HandedOver(String),
}

/// The handed-over socket when there is one for this process, else a new one bound to `addr`.
pub async fn listener(addr: SocketAddr) -> Result<TcpListener, ListenError> {
    let handed_over = handed_over_count(
        std::env::var("LISTEN_FDS").ok().as_deref(),
        std::env::var("LISTEN_PID").ok().as_deref(),
        std::process::id(),
    )
    .map_err(ListenError::HandedOver)?;
    if handed_over {
        return adopt().map_err(|error| ListenError::HandedOver(error.to_string()));
    }
    TcpListener::bind(addr)
        .await
        .map_err(|source| ListenError::Bind { addr, source })
}

/// Whether one socket was handed to this process. The variables are inherited by every child,
/// so they count only when `LISTEN_PID` is this process (as `sd_listen_fds` does).
fn handed_over_count(fds: Option<&str>, pid: Option<&str>, own_pid: u32) -> Result<bool, String> {
    let (Some(fds), Some(pid)) = (fds, pid) else {
        return Ok(false);
    };
    if pid.trim().parse::<u32>().ok() != Some(own_pid) {
        return Ok(false);
    }
    match fds.trim() {
        "0" => Ok(false),
        "1" => Ok(true),
        other => Err(format!("expected one listening socket, got '{other}'")),
    }
}

fn adopt() -> io::Result<TcpListener> {
    use std::os::fd::FromRawFd;
    // SAFETY: by the socket-activation protocol checked above, descriptor 3 was opened for this
    // process and nothing else in it owns it; it is taken over exactly once, at start-up.
    let socket = unsafe { std::net::TcpListener::from_raw_fd(FIRST_HANDED_OVER_FD) };
    // Not a listening TCP socket (a file, a closed descriptor): refuse rather than serve nothing.
    socket.local_addr()?;
    socket.set_nonblocking(true)?;
    TcpListener::from_std(socket)
}

#[cfg(test)]
mod tests {
    use super::handed_over_count;

    #[test]
    fn a_socket_counts_only_when_handed_to_this_process() {
        assert_eq!(handed_over_count(None, None, 42), Ok(false));
        assert_eq!(handed_over_count(Some("1"), Some("42"), 42), Ok(true));
        assert_eq!(handed_over_count(Some("1"), Some("41"), 42), Ok(false));
        assert_eq!(handed_over_count(Some("1"), None, 42), Ok(false));
        assert_eq!(handed_over_count(Some("0"), Some("42"), 42), Ok(false));
        assert!(handed_over_count(Some("2"), Some("42"), 42).is_err());
    }
}
