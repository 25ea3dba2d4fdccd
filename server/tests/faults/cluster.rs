//! The processes of a scenario: a private PostgreSQL cluster (`initdb` on its own port, so it
//! can be restarted and stopped), a private Redis, maildev, and the server binary as servers
//! and workers. Everything is stopped and removed on drop.
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

fn wait_for_port(port: u16, what: &str, within: Duration) {
    let deadline = Instant::now() + within;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start on {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("booking-faults-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a PostgreSQL tool as the `postgres` user when we are root (initdb refuses root).
fn pg_tool(tool: &str) -> Command {
    let path = format!("{}/{tool}", pg_bin());
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--", &path]);
        command
    } else {
        Command::new(path)
    }
}

fn pg_bin() -> String {
    std::env::var("PG_BIN").unwrap_or_else(|_| {
        let output = Command::new("pg_config").arg("--bindir").output();
        output
            .ok()
            .and_then(|output| String::from_utf8(output.stdout).ok())
            .map(|dir| dir.trim().to_owned())
            .filter(|dir| !dir.is_empty())
            .unwrap_or_else(|| "/usr/lib/postgresql/15/bin".to_owned())
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.starts_with(b"0\n"))
}

pub struct Postgres {
    pub port: u16,
    dir: PathBuf,
}

impl Postgres {
    pub fn start() -> Self {
        let dir = scratch("pg");
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres", dir.to_str().unwrap()])
                .status()
                .unwrap();
            assert!(status.success());
        }
        let data = dir.join("data");
        let status = pg_tool("initdb")
            .args([
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ])
            .stdout(Stdio::null())
            .status()
            .expect("initdb runs");
        assert!(status.success(), "initdb");
        let postgres = Postgres {
            port: free_port(),
            dir,
        };
        postgres.ctl("start");
        postgres
    }

    fn ctl(&self, action: &str) {
        let options = format!(
            "-p {} -k {} -c fsync=off -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log");
        let mut command = pg_tool("pg_ctl");
        command.args([
            "-D",
            self.dir.join("data").to_str().unwrap(),
            "-w",
            "-m",
            "fast",
        ]);
        command.args(["-l", log.to_str().unwrap(), "-o", &options, action]);
        let status = command.stdout(Stdio::null()).status().unwrap();
        assert!(status.success(), "pg_ctl {action}");
    }

    pub fn stop(&self) {
        self.ctl("stop");
    }

    pub fn start_again(&self) {
        self.ctl("start");
    }

    pub fn restart(&self) {
        self.ctl("restart");
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let mut command = pg_tool("pg_ctl");
        command.args([
            "-D",
            self.dir.join("data").to_str().unwrap(),
            "-m",
            "immediate",
            "stop",
        ]);
        let _ = command.stdout(Stdio::null()).stderr(Stdio::null()).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A child process killed (SIGKILL) on drop.
pub struct Process(pub Child);

impl Process {
    /// `kill -9`: no clean-up, no goodbye.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }

    /// SIGTERM, as an orchestrator stops a process; its exit status, if it exits `within`.
    pub fn terminate(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let pid = libc::pid_t::try_from(self.0.id()).expect("a pid");
        // SAFETY: kill(2) with a pid of our own child and a plain signal number.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Some(status) = self.0.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

pub struct Redis {
    pub port: u16,
    process: std::sync::Mutex<Option<Process>>,
}

impl Redis {
    pub fn start() -> Self {
        let redis = Redis {
            port: free_port(),
            process: std::sync::Mutex::default(),
        };
        redis.start_again();
        redis
    }

    pub fn start_again(&self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        *self.process.lock().unwrap() = Some(Process(child));
        wait_for_port(self.port, "redis", Duration::from_secs(10));
    }

    pub fn kill(&self) {
        self.process.lock().unwrap().take();
    }
}

pub struct MailDev {
    pub smtp_port: u16,
    web_port: u16,
    _process: Process,
}

impl MailDev {
    pub fn start() -> Self {
        let binary = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../end2end/node_modules/.bin/maildev"
        );
        let (smtp_port, web_port) = (free_port(), free_port());
        let child = Command::new(binary)
            .args(["--ip", "127.0.0.1", "--smtp", &smtp_port.to_string()])
            .args(["--web", &web_port.to_string(), "--silent"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("maildev starts (make npm-deps)");
        wait_for_port(smtp_port, "maildev", Duration::from_secs(20));
        wait_for_port(web_port, "maildev", Duration::from_secs(20));
        MailDev {
            smtp_port,
            web_port,
            _process: Process(child),
        }
    }

    pub async fn emails(&self) -> Vec<Value> {
        reqwest::get(format!("http://127.0.0.1:{}/email", self.web_port))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// What the server processes of a scenario share.
pub struct Settings {
    pub db_port: u16,
    pub redis_port: u16,
    pub smtp_port: u16,
    pub prefix: String,
}

fn server_bin() -> String {
    std::env::var("SERVER_BIN").expect("SERVER_BIN: the release server binary (make test-faults)")
}

/// A `server` process: `serve --no-worker` on its own port, or `worker`.
pub struct Server {
    pub port: u16,
    _process: Process,
}

impl Server {
    pub fn serve(settings: &Settings, redis_port: u16) -> Self {
        let port = free_port();
        let process = spawn(settings, redis_port, port, &["serve", "--no-worker"]);
        wait_for_port(port, "server", Duration::from_secs(60));
        Server {
            port,
            _process: process,
        }
    }

    /// Like [`Server::serve`], with more variables set.
    pub fn serve_with_env(settings: &Settings, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let process = spawn_command(
            Command::new(server_bin()),
            settings,
            settings.redis_port,
            port,
            &["serve", "--no-worker"],
            env,
        );
        wait_for_port(port, "server", Duration::from_secs(60));
        Server {
            port,
            _process: process,
        }
    }

    /// Like [`Server::serve`], with the process's open-file limit set to `open_files`.
    pub fn serve_with_open_files(settings: &Settings, redis_port: u16, open_files: u32) -> Self {
        let port = free_port();
        let mut command = Command::new("prlimit");
        command
            .arg(format!("--nofile={open_files}:{open_files}"))
            .arg("--")
            .arg(server_bin());
        let process = spawn_command(
            command,
            settings,
            redis_port,
            port,
            &["serve", "--no-worker"],
            &[],
        );
        wait_for_port(port, "server", Duration::from_secs(60));
        Server {
            port,
            _process: process,
        }
    }

    pub fn worker(settings: &Settings) -> Process {
        spawn(settings, settings.redis_port, free_port(), &["worker"])
    }

    /// A worker answering its probes and `/metrics` on a port of its own (`WORKER_ADDR`).
    pub fn worker_with_probes(settings: &Settings) -> Server {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let process = spawn_command(
            Command::new(server_bin()),
            settings,
            settings.redis_port,
            free_port(),
            &["worker"],
            &[("WORKER_ADDR", &addr)],
        );
        wait_for_port(port, "worker", Duration::from_secs(60));
        Server {
            port,
            _process: process,
        }
    }

    /// `serve --no-worker` on `socket`, handed over as a supervisor does (socket activation:
    /// descriptor 3, `LISTEN_FDS=1`, `LISTEN_PID` = the server's pid), so several processes
    /// share it. The process's port is the socket's.
    pub fn serve_on(settings: &Settings, socket: &TcpListener) -> Process {
        use std::os::fd::AsRawFd;
        use std::os::unix::process::CommandExt;
        let port = socket.local_addr().unwrap().port();
        let fd = socket.as_raw_fd();
        // `sh` learns its own pid and `exec`s the server into it, so LISTEN_PID is the server's.
        let mut command = Command::new("sh");
        command.args([
            "-c",
            r#"LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" "$@""#,
            &server_bin(),
        ]);
        // SAFETY: only async-signal-safe calls (dup2, fcntl) between fork and exec.
        unsafe {
            command.pre_exec(move || {
                if fd == 3 {
                    // Already in place: just let it survive exec.
                    if libc::fcntl(3, libc::F_SETFD, 0) == -1 {
                        return Err(std::io::Error::last_os_error());
                    }
                } else if libc::dup2(fd, 3) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        spawn_command(
            command,
            settings,
            settings.redis_port,
            port,
            &["serve", "--no-worker"],
            &[],
        )
    }

    /// Runs a command of the server binary (`create-admin`, say) to its end.
    pub fn run(settings: &Settings, args: &[&str], env: &[(&str, &str)]) {
        let mut process = spawn_command(
            Command::new(server_bin()),
            settings,
            settings.redis_port,
            free_port(),
            args,
            env,
        );
        let status = process.0.wait().unwrap();
        assert!(status.success(), "server {}: {status}", args.join(" "));
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn spawn(settings: &Settings, redis_port: u16, port: u16, args: &[&str]) -> Process {
    spawn_command(
        Command::new(server_bin()),
        settings,
        redis_port,
        port,
        args,
        &[],
    )
}

fn spawn_command(
    mut command: Command,
    settings: &Settings,
    redis_port: u16,
    port: u16,
    args: &[&str],
    env: &[(&str, &str)],
) -> Process {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let child = command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("APP_ENV", "test")
        .env("DB_HOST", "127.0.0.1")
        .env("DB_PORT", settings.db_port.to_string())
        .env("DB_USER", "postgres")
        .env("DB_NAME", "booking_faults")
        .env("DEMO_DATA", "true")
        .env("REDIS_URL", format!("redis://127.0.0.1:{redis_port}"))
        .env("REDIS_PREFIX", &settings.prefix)
        .env("JWT_SECRET_KEY", "fault-scenarios-secret")
        .env("SMTP_HOST", "127.0.0.1")
        .env("SMTP_PORT", settings.smtp_port.to_string())
        .env("SMTP_TLS", "none")
        .env("APP_URL", format!("http://127.0.0.1:{port}"))
        .env(
            "MEDIA_DIR",
            std::env::temp_dir().join(format!("booking-faults-media-{port}")),
        )
        .env("LEPTOS_OUTPUT_NAME", "booking")
        .env("LEPTOS_SITE_ROOT", site_root)
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_ENV", "PROD")
        .env(
            "RUST_LOG",
            std::env::var("FAULTS_LOG").unwrap_or_else(|_| "error".into()),
        )
        .envs(env.iter().copied())
        // The servers log to standard output: shown when FAULTS_LOG asks for their lines.
        .stdout(if std::env::var_os("FAULTS_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()
        .expect("the server binary starts");
    Process(child)
}
