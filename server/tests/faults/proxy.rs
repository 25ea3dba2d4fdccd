//! A TCP proxy the scenarios steer: pass, refuse (the peer is down), cut off (a partition:
//! connections accepted and never answered), or pass with every answer from the peer delayed
//! (a slow SMTP server).
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Pass,
    Refuse,
    Partition,
    /// Each chunk the upstream sends waits this long first.
    Slow(Duration),
}

pub struct Proxy {
    pub port: u16,
    mode: watch::Sender<Mode>,
}

impl Proxy {
    pub async fn start(upstream_port: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (mode, watcher) = watch::channel(Mode::Pass);
        let upstream = Arc::new(format!("127.0.0.1:{upstream_port}"));
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let watcher = watcher.clone();
                let upstream = Arc::clone(&upstream);
                tokio::spawn(relay(client, upstream, watcher));
            }
        });
        Proxy { port, mode }
    }

    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

async fn relay(client: TcpStream, upstream: Arc<String>, mut watcher: watch::Receiver<Mode>) {
    let mode = *watcher.borrow_and_update();
    match mode {
        Mode::Refuse => {}
        Mode::Partition => {
            // Hold the connection, answer nothing, until the partition heals.
            let _ = watcher.changed().await;
        }
        Mode::Pass | Mode::Slow(_) => {
            let Ok(server) = TcpStream::connect(upstream.as_str()).await else {
                return;
            };
            let delay = match mode {
                Mode::Slow(delay) => delay,
                _ => Duration::ZERO,
            };
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = server.into_split();
            let up = tokio::io::copy(&mut client_read, &mut server_write);
            let down = async {
                let mut buffer = vec![0u8; 16 * 1024];
                loop {
                    let read = server_read.read(&mut buffer).await?;
                    if read == 0 {
                        return Ok::<_, std::io::Error>(());
                    }
                    tokio::time::sleep(delay).await;
                    client_write.write_all(&buffer[..read]).await?;
                }
            };
            // A change of mode to a fault cuts live connections, as a real outage would.
            let cut = async {
                loop {
                    if watcher.changed().await.is_err() {
                        return;
                    }
                    if matches!(*watcher.borrow(), Mode::Refuse | Mode::Partition) {
                        return;
                    }
                }
            };
            tokio::select! {
                _ = up => {}
                _ = down => {}
                () = cut => {}
            }
        }
    }
}
