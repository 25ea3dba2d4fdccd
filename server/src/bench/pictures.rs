//! `server bench-pictures [RUNS]`: how long making every size of a 4000x3000 JPEG takes (the
//! worker's job), and the process's peak memory. A benchmark for the closing notes, not a test.
use std::io::Cursor;
use std::time::{Duration, Instant};

use image::{DynamicImage, ImageFormat, RgbImage};

use app::server::pictures::imaging;
use app::server::pictures::store::{MediaStore, SourceFormat};

/// What the benchmark measured.
#[derive(Debug)]
pub struct BenchReport {
    pub source_bytes: usize,
    pub runs: Vec<Duration>,
    /// Peak resident memory of this process (VmHWM), in KiB, if known.
    pub peak_rss_kib: Option<u64>,
}

impl BenchReport {
    pub fn median(&self) -> Duration {
        let mut runs = self.runs.clone();
        runs.sort();
        runs.get(runs.len() / 2).copied().unwrap_or_default()
    }
}

/// A photo-like 4000x3000 JPEG: smooth gradients with fine noise, so it compresses (and
/// decodes) like a camera picture rather than a flat colour.
pub fn sample_jpeg() -> Vec<u8> {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let image = RgbImage::from_fn(4000, 3000, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let noise = (seed % 24) as u32;
        image::Rgb([
            ((x * 255 / 4000 + noise) % 256) as u8,
            ((y * 255 / 3000 + noise) % 256) as u8,
            (((x + y) * 255 / 7000 + noise) % 256) as u8,
        ])
    });
    let mut bytes = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut bytes, ImageFormat::Jpeg)
        .expect("encoding to memory cannot fail");
    bytes.into_inner()
}

/// Makes every size of the sample `runs` times in a scratch media directory.
pub fn run(runs: usize) -> std::io::Result<BenchReport> {
    let root = std::env::temp_dir().join(format!("picture-bench-{:016x}", rand::random::<u64>()));
    let store = MediaStore::open(&root)?;
    let source = sample_jpeg();
    let digest = "0".repeat(32);
    std::fs::write(store.original_path(&digest, SourceFormat::Jpeg), &source)?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        // Every run starts from nothing (a run with every size present is a no-op).
        store.remove_digest_sizes(&digest)?;
        let started = Instant::now();
        imaging::render_all(&store, &digest, SourceFormat::Jpeg, 40_000_000)
            .map_err(std::io::Error::other)?;
        times.push(started.elapsed());
    }
    std::fs::remove_dir_all(&root)?;
    Ok(BenchReport {
        source_bytes: source.len(),
        runs: times,
        peak_rss_kib: peak_rss_kib(),
    })
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
