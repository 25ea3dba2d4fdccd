//! `server healthcheck [live|ready]`: asks the server on this host for `/health/live` (or
//! `/health/ready`) and succeeds on a 200. The container image's HEALTHCHECK uses it, so the
//! runtime image needs no HTTP client of its own.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A probe that takes longer than this has failed: the orchestrator asks again soon.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    Live,
    Ready,
}

impl Probe {
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "live" => Some(Probe::Live),
            "ready" => Some(Probe::Ready),
            _ => None,
        }
    }

    fn path(self) -> &'static str {
        match self {
            Probe::Live => "/health/live",
            Probe::Ready => "/health/ready",
        }
    }
}

/// The status line of `probe` from the server listening on `site_addr`, if it is 200.
pub async fn check(site_addr: SocketAddr, probe: Probe) -> Result<(), String> {
    let addr = reachable(site_addr);
    let asked = async {
        let mut stream = TcpStream::connect(addr).await?;
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
            probe.path()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut head = vec![0; 64];
        let read = stream.read(&mut head).await?;
        head.truncate(read);
        Ok::<_, std::io::Error>(head)
    };
    let head = tokio::time::timeout(PROBE_TIMEOUT, asked)
        .await
        .map_err(|_| format!("{addr}{}: no answer in {PROBE_TIMEOUT:?}", probe.path()))?
        .map_err(|error| format!("{addr}{}: {error}", probe.path()))?;
    let status_line = String::from_utf8_lossy(&head);
    let status_line = status_line.lines().next().unwrap_or_default();
    if status_line.starts_with("HTTP/1.1 200 ") {
        Ok(())
    } else {
        Err(format!("{addr}{}: {status_line}", probe.path()))
    }
}

/// A server listening on every address (`0.0.0.0:3000` in a container) is asked on loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => (Ipv4Addr::LOCALHOST, addr.port()).into(),
        IpAddr::V6(ip) if ip.is_unspecified() => (Ipv6Addr::LOCALHOST, addr.port()).into(),
        _ => addr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unspecified_address_is_asked_on_loopback() {
        assert_eq!(
            reachable("0.0.0.0:3000".parse().unwrap()),
            "127.0.0.1:3000".parse().unwrap()
        );
        assert_eq!(
            reachable("10.0.0.5:80".parse().unwrap()),
            "10.0.0.5:80".parse().unwrap()
        );
    }

    #[tokio::test]
    async fn nothing_listening_fails_the_probe() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        assert!(check(addr, Probe::Live).await.is_err());
    }
}
