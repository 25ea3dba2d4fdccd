//! `server bench-pictures [RUNS]`: how long making every size of a 4000x3000 JPEG takes (the
//! worker's job), the process's peak memory, and how close each size is to its uncompressed
//! version (SSIM), so a faster encoder setting cannot quietly cost quality.
use std::io::Cursor;
use std::time::{Duration, Instant};

use image::{DynamicImage, ImageFormat, RgbImage};

use app::model::picture::{PICTURE_WIDTHS, VariantFormat};
use app::server::pictures::imaging;
use app::server::pictures::store::{MediaStore, SourceFormat};

/// What the benchmark measured.
#[derive(Debug)]
pub struct BenchReport {
    pub source_bytes: usize,
    pub runs: Vec<Duration>,
    /// Decoding the original alone, the part no encoder setting changes (median).
    pub decode: Duration,
    /// Peak resident memory of this process (VmHWM), in KiB, if known.
    pub peak_rss_kib: Option<u64>,
    pub sizes: Vec<SizeQuality>,
}

/// One file the job made, and how like its uncompressed version it is.
#[derive(Debug)]
pub struct SizeQuality {
    pub width: u32,
    pub format: VariantFormat,
    pub bytes: usize,
    /// Mean SSIM of the luma, 1.0 meaning identical.
    pub ssim: f64,
}

impl BenchReport {
    pub fn median(&self) -> Duration {
        let mut runs = self.runs.clone();
        runs.sort();
        runs.get(runs.len() / 2).copied().unwrap_or_default()
    }
}

/// A photo-like JPEG: smooth gradients with fine noise, so it compresses (and decodes) like a
/// camera picture rather than a flat colour.
pub fn sample_jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let image = RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let noise = (seed % 24) as u32;
        image::Rgb([
            ((x * 255 / width + noise) % 256) as u8,
            ((y * 255 / height + noise) % 256) as u8,
            (((x + y) * 255 / (width + height) + noise) % 256) as u8,
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
    let source = sample_jpeg(4000, 3000);
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
    let mut decodes: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let started = Instant::now();
            let decoded = imaging::decode(
                &store.original_path(&digest, SourceFormat::Jpeg),
                SourceFormat::Jpeg,
                40_000_000,
            );
            (decoded.is_ok(), started.elapsed())
        })
        .filter_map(|(ok, time)| ok.then_some(time))
        .collect();
    decodes.sort();
    let decode = decodes.get(decodes.len() / 2).copied().unwrap_or_default();
    // Read before the comparison below, which holds pictures of its own.
    let peak_rss_kib = peak_rss_kib();
    let sizes = size_quality(&store, &digest, &source)?;
    std::fs::remove_dir_all(&root)?;
    Ok(BenchReport {
        source_bytes: source.len(),
        runs: times,
        decode,
        peak_rss_kib,
        sizes,
    })
}

/// Every size the job made from `source`, compared with the same size uncompressed.
pub fn size_quality(
    store: &MediaStore,
    digest: &str,
    source: &[u8],
) -> std::io::Result<Vec<SizeQuality>> {
    let original = image::load_from_memory(source).map_err(std::io::Error::other)?;
    let mut sizes = Vec::new();
    for width in PICTURE_WIDTHS {
        let reference =
            imaging::uncompressed_size(original.clone(), width).map_err(std::io::Error::other)?;
        for format in VariantFormat::ALL {
            let bytes = std::fs::read(store.variant_path(digest, width, format))?;
            let made = image::load_from_memory(&bytes)
                .map_err(std::io::Error::other)?
                .into_rgb8();
            sizes.push(SizeQuality {
                width,
                format,
                bytes: bytes.len(),
                ssim: ssim(&reference, &made),
            });
        }
    }
    Ok(sizes)
}

/// Mean structural similarity of the luma of two pictures of one size, over 8x8 windows
/// every 4 pixels (1.0: identical). A plain SSIM, enough to compare encoder settings.
pub fn ssim(a: &RgbImage, b: &RgbImage) -> f64 {
    let luma = |image: &RgbImage| -> Vec<f64> {
        image
            .pixels()
            .map(|p| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]))
            .collect()
    };
    let (width, height) = (a.width() as usize, a.height() as usize);
    if b.dimensions() != a.dimensions() || width < 8 || height < 8 {
        return 0.0;
    }
    let (a, b) = (luma(a), luma(b));
    const WINDOW: usize = 8;
    let c1 = (0.01f64 * 255.0).powi(2);
    let c2 = (0.03f64 * 255.0).powi(2);
    let (mut total, mut windows) = (0.0, 0u32);
    for top in (0..=height - WINDOW).step_by(4) {
        for left in (0..=width - WINDOW).step_by(4) {
            let (mut sum_a, mut sum_b, mut sum_aa, mut sum_bb, mut sum_ab) =
                (0.0, 0.0, 0.0, 0.0, 0.0);
            for row in top..top + WINDOW {
                for index in row * width + left..row * width + left + WINDOW {
                    let (p, q) = (a[index], b[index]);
                    sum_a += p;
                    sum_b += q;
                    sum_aa += p * p;
                    sum_bb += q * q;
                    sum_ab += p * q;
                }
            }
            let n = (WINDOW * WINDOW) as f64;
            let (mean_a, mean_b) = (sum_a / n, sum_b / n);
            let var_a = sum_aa / n - mean_a * mean_a;
            let var_b = sum_bb / n - mean_b * mean_b;
            let covariance = sum_ab / n - mean_a * mean_b;
            total += ((2.0 * mean_a * mean_b + c1) * (2.0 * covariance + c2))
                / ((mean_a * mean_a + mean_b * mean_b + c1) * (var_a + var_b + c2));
            windows += 1;
        }
    }
    total / f64::from(windows)
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssim_tells_identical_from_damaged() {
        let picture = image::load_from_memory(&sample_jpeg(64, 48))
            .unwrap()
            .into_rgb8();
        assert!((ssim(&picture, &picture) - 1.0).abs() < 1e-9);
        let mut damaged = picture.clone();
        for pixel in damaged.pixels_mut().step_by(3) {
            pixel.0 = [255 - pixel[0], pixel[1], 0];
        }
        assert!(ssim(&picture, &damaged) < 0.8);
    }

    /// A floor under every size's quality: an encoder setting that saves time by losing detail
    /// fails here (today's sizes score 0.88 and up on this sample).
    #[test]
    fn every_size_keeps_its_quality() {
        let root = std::env::temp_dir().join(format!("picture-quality-{}", std::process::id()));
        let store = MediaStore::open(&root).unwrap();
        let source = sample_jpeg(2400, 1800);
        let digest = "1".repeat(32);
        std::fs::write(store.original_path(&digest, SourceFormat::Jpeg), &source).unwrap();
        imaging::render_all(&store, &digest, SourceFormat::Jpeg, 40_000_000).unwrap();
        let sizes = size_quality(&store, &digest, &source).unwrap();
        std::fs::remove_dir_all(&root).unwrap();

        assert_eq!(sizes.len(), PICTURE_WIDTHS.len() * VariantFormat::ALL.len());
        for size in &sizes {
            assert!(size.ssim >= 0.86, "{size:?}");
        }
    }
}
