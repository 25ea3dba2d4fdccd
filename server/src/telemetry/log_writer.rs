//! Log lines are written by a thread of their own: a request that logs never waits for a slow
//! terminal or pipe (`make run` pipes every line through `cargo leptos`). Each line goes whole
//! into a bounded queue; when the queue is full the line is dropped and counted, and the next
//! line written says how many were lost.
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;

use tracing_subscriber::fmt::MakeWriter;

/// Lines waiting to be written; a burst beyond this is dropped rather than waited for.
const QUEUE_LINES: usize = 16 * 1024;

/// After writing, the thread waits this long before looking again: lines gather meanwhile, and
/// a request queueing one finds no thread to wake, so under load the log costs one write per
/// batch instead of a wake-up and a write per line (on two cores, about half the log's cost).
const LINGER: std::time::Duration = std::time::Duration::from_millis(10);

#[derive(Clone)]
pub struct NonBlocking {
    lines: SyncSender<Vec<u8>>,
    dropped: Arc<AtomicU64>,
}

/// Writes what is queued and stops the writer thread when dropped: keep it until exit.
pub struct Flush {
    thread: Option<JoinHandle<()>>,
    lines: SyncSender<Vec<u8>>,
}

impl Drop for Flush {
    fn drop(&mut self) {
        // An empty line (never queued otherwise) tells the thread to write the rest and stop;
        // the global logger keeps its sender, so the queue itself never closes.
        if self.lines.send(Vec::new()).is_ok()
            && let Some(thread) = self.thread.take()
        {
            let _ = thread.join();
        }
    }
}

/// A writer for the log layer and the guard that flushes it, writing to `out` from a thread.
pub fn non_blocking(out: impl Write + Send + 'static) -> (NonBlocking, Flush) {
    non_blocking_with(out, QUEUE_LINES)
}

fn non_blocking_with(out: impl Write + Send + 'static, queue: usize) -> (NonBlocking, Flush) {
    let (lines, queued) = sync_channel(queue);
    let writer = NonBlocking {
        lines,
        dropped: Arc::default(),
    };
    let dropped = Arc::clone(&writer.dropped);
    let thread = std::thread::Builder::new()
        .name("log-writer".into())
        .spawn(move || write_lines(out, &queued, &dropped))
        .ok();
    let flush = Flush {
        thread,
        lines: writer.lines.clone(),
    };
    (writer, flush)
}

/// Writes lines as they come, flushing whenever the queue is empty, then lingering.
fn write_lines(out: impl Write, queued: &Receiver<Vec<u8>>, dropped: &AtomicU64) {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    let mut stopping = false;
    while !stopping && let Ok(first) = queued.recv() {
        let rest = std::iter::from_fn(|| queued.try_recv().ok());
        for line in std::iter::once(first).chain(rest) {
            stopping |= line.is_empty();
            let _ = out.write_all(&line);
        }
        let lost = dropped.swap(0, Ordering::Relaxed);
        if lost > 0 {
            let _ = writeln!(
                out,
                "[log] {lost} lines dropped: the output could not keep up"
            );
        }
        let _ = out.flush();
        if !stopping {
            std::thread::sleep(LINGER);
        }
    }
}

/// One line being formatted; queued whole when the formatter is done with it.
pub struct Line<'a> {
    buffer: Vec<u8>,
    writer: &'a NonBlocking,
}

impl Write for Line<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line<'_> {
    fn drop(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        let line = std::mem::take(&mut self.buffer);
        if let Err(TrySendError::Full(_)) = self.writer.lines.try_send(line) {
            self.writer.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl<'a> MakeWriter<'a> for NonBlocking {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        Line {
            buffer: Vec::with_capacity(256),
            writer: self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A `Write` whose bytes the test reads afterwards; `gate` holds the writer thread back.
    #[derive(Clone, Default)]
    struct Shared {
        bytes: Arc<Mutex<Vec<u8>>>,
        gate: Arc<Mutex<()>>,
    }

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let _open = self.gate.lock().unwrap();
            self.bytes.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_arrive_whole_and_in_order_once_flushed() {
        let out = Shared::default();
        let (writer, flush) = non_blocking(out.clone());
        for n in 0..1000 {
            let mut line = writer.make_writer();
            write!(line, "line {n}").unwrap();
            writeln!(line, " done").unwrap();
        }
        drop(writer);
        drop(flush);
        let text = String::from_utf8(out.bytes.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1000);
        assert_eq!(lines[0], "line 0 done");
        assert_eq!(lines[999], "line 999 done");
    }

    #[test]
    fn a_stalled_output_drops_lines_instead_of_blocking_and_says_so() {
        let out = Shared::default();
        let held = out.gate.lock().unwrap();
        let (writer, flush) = non_blocking_with(out.clone(), 4);
        let started = std::time::Instant::now();
        for n in 0..100 {
            writeln!(writer.make_writer(), "line {n}").unwrap();
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        drop(held);
        drop(writer);
        drop(flush);
        let text = String::from_utf8(out.bytes.lock().unwrap().clone()).unwrap();
        assert!(text.contains("lines dropped"), "{text}");
        assert!(text.lines().count() < 100);
    }
}
