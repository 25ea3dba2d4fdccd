//! Slow and half-sent requests: they are cut off after the header timeout instead of holding
//! their connections (and file descriptors) for as long as the client likes, and the server
//! answers everybody else meanwhile.
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_closed_and_others_are_served() {
    let app = spawn_app().await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stalled = Vec::new();
    for n in 0..300 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        // Headers begun, never finished (slowloris); every tenth with a body begun instead.
        let start: &[u8] = if n % 10 == 0 {
            b"POST /api/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail="
        } else {
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "
        };
        stream.write_all(start).await.unwrap();
        stalled.push(stream);
    }
    let started = Instant::now();
    // Everybody else is served while they hang.
    assert_eq!(app.get("/health").await.status().as_u16(), 200);
    assert!(started.elapsed() < Duration::from_secs(2));

    // All of them are closed by the server within the timeouts (10 s for headers, 60 s for a
    // body: the body ones are answered 408 or closed), never kept open.
    let deadline = Duration::from_secs(75);
    let closed = futures::future::join_all(stalled.into_iter().map(|mut stream| async move {
        let mut buffer = [0u8; 512];
        let mut answered = Vec::new();
        loop {
            match tokio::time::timeout(deadline, stream.read(&mut buffer)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return Some(answered),
                Ok(Ok(read)) => answered.extend_from_slice(&buffer[..read]),
                Err(_) => return None,
            }
        }
    }))
    .await;
    let still_open = closed.iter().filter(|closed| closed.is_none()).count();
    assert_eq!(still_open, 0, "connections left open");
    let header_ones = started.elapsed();
    assert!(header_ones < deadline, "{header_ones:?}");
    assert_eq!(app.get("/health").await.status().as_u16(), 200);
}
