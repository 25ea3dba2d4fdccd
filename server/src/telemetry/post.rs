//! One HTTP/1.1 POST to a telemetry receiver (an OTLP collector, a Sentry-compatible
//! endpoint), over TCP or TLS, with a bound on the whole exchange. Only the status line of the
//! answer is read: receivers answer a status and little else, and nothing here waits on more.
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use url::Url;

/// A POST that takes longer than this has failed: the batch is dropped, not the process held.
const POST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("no answer in {POST_TIMEOUT:?}")]
    Timeout,
    #[error("the answer had no status line")]
    NoStatus,
}

/// Where reports go: parsed once, from configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    tls: bool,
    host: String,
    port: u16,
    /// The path and query, as sent in the request line.
    target: String,
}

impl Endpoint {
    /// An `http://` or `https://` URL with a host.
    pub fn parse(url: &Url) -> Result<Self, String> {
        let tls = match url.scheme() {
            "http" => false,
            "https" => true,
            other => return Err(format!("expected http:// or https://, got {other}://")),
        };
        let host = url
            .host_str()
            .ok_or_else(|| "the URL has no host".to_owned())?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = url
            .port_or_known_default()
            .ok_or_else(|| "the URL has no port".to_owned())?;
        let target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        Ok(Endpoint {
            tls,
            host,
            port,
            target,
        })
    }
}

/// POSTs `body` to `endpoint` with the `headers` given; the answer's status code.
pub async fn post(
    endpoint: &Endpoint,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<u16, PostError> {
    tokio::time::timeout(POST_TIMEOUT, exchange(endpoint, headers, body))
        .await
        .map_err(|_| PostError::Timeout)?
}

async fn exchange(
    endpoint: &Endpoint,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<u16, PostError> {
    let stream = TcpStream::connect((endpoint.host.as_str(), endpoint.port)).await?;
    let _ = stream.set_nodelay(true);
    if !endpoint.tls {
        return send(stream, endpoint, headers, body).await;
    }
    let name = ServerName::try_from(endpoint.host.clone())
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidInput, error))?;
    let stream = tokio_rustls::TlsConnector::from(tls_config())
        .connect(name, stream)
        .await?;
    send(stream, endpoint, headers, body).await
}

async fn send(
    mut stream: impl AsyncRead + AsyncWrite + Unpin,
    endpoint: &Endpoint,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<u16, PostError> {
    let mut head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        endpoint.target,
        host_header(endpoint),
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await?;
    let mut answer = Vec::with_capacity(64);
    let mut buffer = [0u8; 256];
    while !answer.windows(2).any(|pair| pair == b"\r\n") && answer.len() < 4096 {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
    }
    status_code(&answer).ok_or(PostError::NoStatus)
}

fn host_header(endpoint: &Endpoint) -> String {
    let host = if endpoint.host.contains(':') {
        format!("[{}]", endpoint.host)
    } else {
        endpoint.host.clone()
    };
    match (endpoint.tls, endpoint.port) {
        (false, 80) | (true, 443) => host,
        (_, port) => format!("{host}:{port}"),
    }
}

/// The code of an `HTTP/1.x NNN ...` status line.
fn status_code(answer: &[u8]) -> Option<u16> {
    let line = answer.split(|byte| *byte == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split_whitespace();
    words
        .next()
        .filter(|version| version.starts_with("HTTP/1."))?;
    words.next()?.parse().ok()
}

/// The public web's root certificates, with ring (as the SMTP client has them).
fn tls_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("ring supports the default protocol versions")
                .with_root_certificates(roots)
                .with_no_client_auth();
            Arc::new(config)
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_parse_with_their_default_ports() {
        let url = Url::parse("https://o1.ingest.example.com/api/42/envelope/?x=1").unwrap();
        let endpoint = Endpoint::parse(&url).unwrap();
        assert_eq!(
            endpoint,
            Endpoint {
                tls: true,
                host: "o1.ingest.example.com".into(),
                port: 443,
                target: "/api/42/envelope/?x=1".into(),
            }
        );
        assert_eq!(host_header(&endpoint), "o1.ingest.example.com");
        let local =
            Endpoint::parse(&Url::parse("http://127.0.0.1:4318/v1/traces").unwrap()).unwrap();
        assert_eq!(host_header(&local), "127.0.0.1:4318");
        assert!(Endpoint::parse(&Url::parse("ftp://example.com/").unwrap()).is_err());
    }

    #[test]
    fn the_status_line_gives_the_code() {
        assert_eq!(status_code(b"HTTP/1.1 200 OK\r\n"), Some(200));
        assert_eq!(status_code(b"HTTP/1.0 503 Busy\r\nX: y"), Some(503));
        assert_eq!(status_code(b"SSH-2.0-OpenSSH\r\n"), None);
        assert_eq!(status_code(b""), None);
    }

    #[tokio::test]
    async fn a_post_reaches_a_local_receiver_and_returns_its_status() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let receiver = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !String::from_utf8_lossy(&request).ends_with("hello") {
                let read = stream.read(&mut buffer).await.unwrap();
                request.extend_from_slice(&buffer[..read]);
            }
            stream
                .write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
                .await
                .unwrap();
            String::from_utf8(request).unwrap()
        });
        let url = Url::parse(&format!("http://{addr}/v1/traces")).unwrap();
        let endpoint = Endpoint::parse(&url).unwrap();
        let status = post(&endpoint, &[("Content-Type", "text/plain")], b"hello")
            .await
            .unwrap();
        assert_eq!(status, 202);
        let request = receiver.await.unwrap();
        assert!(
            request.starts_with("POST /v1/traces HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(request.contains("Content-Length: 5\r\n"));
        assert!(request.contains("Content-Type: text/plain\r\n"));
    }
}
