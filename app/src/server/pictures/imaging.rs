//! Pixels: telling what an upload is from its content, decoding it safely, and making the sizes
//! pages show. Everything here blocks (CPU and files): call it from `spawn_blocking`.
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::model::UploadRefusal;
use crate::model::picture::{PICTURE_WIDTHS, VariantFormat, picture_height};
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{PixelType, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::store::{MediaStore, SourceFormat};

/// JPEG quality of the sizes (and the WebP equivalent): photos look right, files stay small.
const JPEG_QUALITY: u8 = 82;
const WEBP_QUALITY: f32 = 80.0;
/// libwebp's effort, 0 (fastest) to 6 (smallest files). At 2 the sizes keep the SSIM of the
/// default (4) for about 6 % more bytes in a third of the time (`make bench-pictures`).
const WEBP_METHOD: i32 = 2;

/// The decoder of `format`.
fn image_format(format: SourceFormat) -> ImageFormat {
    match format {
        SourceFormat::Jpeg => ImageFormat::Jpeg,
        SourceFormat::Png => ImageFormat::Png,
        SourceFormat::WebP => ImageFormat::WebP,
    }
}

/// What an upload turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
    pub format: SourceFormat,
    pub width: u32,
    pub height: u32,
}

/// Why a stored original could not be made into sizes.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The file cannot be decoded: trying again will not help.
    #[error("cannot decode the picture: {0}")]
    Decode(#[from] image::ImageError),
    #[error("cannot resize: {0}")]
    Resize(String),
    #[error("cannot encode WebP: {0}")]
    WebP(String),
    #[error("cannot encode JPEG: {0}")]
    Jpeg(#[from] jpeg_encoder::EncodingError),
    /// Files: perhaps a full disk, worth another try.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

impl RenderError {
    pub fn is_permanent(&self) -> bool {
        !matches!(self, RenderError::Io(_))
    }
}

/// Tells what the file at `path` is from its first bytes and header, and refuses it unless it is
/// a JPEG, PNG or WebP of at most `max_pixels`; then decodes it in full, within that budget, so a
/// damaged or truncated file is refused now rather than failing later.
pub fn inspect(path: &Path, max_pixels: u64) -> Result<Inspected, UploadRefusal> {
    let reader = ImageReader::open(path)
        .and_then(ImageReader::with_guessed_format)
        .map_err(|_| UploadRefusal::Damaged)?;
    let format = match reader.format() {
        Some(ImageFormat::Jpeg) => SourceFormat::Jpeg,
        Some(ImageFormat::Png) => SourceFormat::Png,
        Some(ImageFormat::WebP) => SourceFormat::WebP,
        _ => return Err(UploadRefusal::NotAPicture),
    };
    // Only the header is read here: a decompression bomb is refused before any pixel is.
    let (width, height) = reader
        .into_dimensions()
        .map_err(|_| UploadRefusal::Damaged)?;
    if width == 0 || height == 0 {
        return Err(UploadRefusal::Damaged);
    }
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(UploadRefusal::TooManyPixels);
    }
    if format == SourceFormat::Jpeg && !ends_with_jpeg_end_marker(path) {
        // JPEG decoders fill a cut-off file with grey rather than fail.
        return Err(UploadRefusal::Damaged);
    }
    decode(path, format, max_pixels).map_err(|_| UploadRefusal::Damaged)?;
    Ok(Inspected {
        format,
        width,
        height,
    })
}

/// Whether the JPEG at `path` ends with its end-of-image marker (ignoring trailing padding).
fn ends_with_jpeg_end_marker(path: &Path) -> bool {
    let tail = (|| {
        let mut file = File::open(path)?;
        let length = file.seek(SeekFrom::End(0))?;
        let start = length.saturating_sub(1024);
        file.seek(SeekFrom::Start(start))?;
        let mut tail = Vec::with_capacity(1024);
        file.read_to_end(&mut tail)?;
        Ok::<_, std::io::Error>(tail)
    })();
    let Ok(tail) = tail else {
        return false;
    };
    let end = tail
        .iter()
        .rposition(|&byte| byte != 0 && byte != b'\n' && byte != b'\r' && byte != b' ')
        .map_or(0, |last| last + 1);
    tail[..end].ends_with(&[0xFF, 0xD9])
}

/// Decodes the picture at `path` with its EXIF orientation applied, refusing to allocate more
/// than `max_pixels` of RGBA.
pub fn decode(
    path: &Path,
    format: SourceFormat,
    max_pixels: u64,
) -> Result<DynamicImage, image::ImageError> {
    let mut reader =
        ImageReader::with_format(BufReader::new(File::open(path)?), image_format(format));
    let mut limits = Limits::default();
    limits.max_alloc = Some(max_pixels.saturating_mul(4).saturating_add(64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation()?;
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Makes every size of the original `digest` in every format, unless they all exist already
/// (processing the same upload again is a no-op). Files are written whole or not at all.
pub fn render_all(
    store: &MediaStore,
    digest: &str,
    format: SourceFormat,
    max_pixels: u64,
) -> Result<(), RenderError> {
    let targets: Vec<(u32, VariantFormat)> = PICTURE_WIDTHS
        .iter()
        .flat_map(|&width| VariantFormat::ALL.map(|format| (width, format)))
        .collect();
    if targets
        .iter()
        .all(|&(width, format)| store.variant_path(digest, width, format).exists())
    {
        return Ok(());
    }
    let original = decode(&store.original_path(digest, format), format, max_pixels)?;
    let mut widths = PICTURE_WIDTHS;
    widths.sort_unstable_by(|a, b| b.cmp(a));
    let Some((&largest_width, smaller_widths)) = widths.split_first() else {
        return Ok(());
    };
    let mut resizer = Resizer::new();
    // The largest size is cropped from the original (then dropped: it is most of the memory);
    // the smaller ones are each scaled from the one above (same 2:1 shape), which is faster and
    // looks the same.
    let largest = resize(&mut resizer, &flatten(original), largest_width)?;
    // The largest WebP is about half the work left: it gets a thread of its own while this one
    // does everything else, so a job uses both cores.
    std::thread::scope(|scope| {
        let largest_webp =
            scope.spawn(|| write_size(store, digest, &largest, &[VariantFormat::WebP]));
        let rest = (|| {
            write_size(store, digest, &largest, &[VariantFormat::Jpeg])?;
            let mut above: Option<image::RgbImage> = None;
            for &width in smaller_widths {
                let sized = resize(&mut resizer, above.as_ref().unwrap_or(&largest), width)?;
                write_size(store, digest, &sized, &VariantFormat::ALL)?;
                above = Some(sized);
            }
            Ok(())
        })();
        let largest_webp = largest_webp
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        rest.and(largest_webp)
    })
}

/// Encodes `sized` in each of `formats` and stores the files.
fn write_size(
    store: &MediaStore,
    digest: &str,
    sized: &image::RgbImage,
    formats: &[VariantFormat],
) -> Result<(), RenderError> {
    for &format in formats {
        let bytes = encode(sized, format)?;
        store.write_atomically(&store.variant_path(digest, sized.width(), format), &bytes)?;
    }
    Ok(())
}

/// `picture` cropped and scaled to `width` as the sizes are, before any encoding: what a size
/// is compared with to tell its quality.
pub fn uncompressed_size(
    picture: DynamicImage,
    width: u32,
) -> Result<image::RgbImage, RenderError> {
    resize(&mut Resizer::new(), &flatten(picture), width)
}

/// RGB pixels; transparency is laid over white (JPEG has none, and white suits a page).
fn flatten(image: DynamicImage) -> image::RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut rgb = image::RgbImage::new(width, height);
    for (out, pixel) in rgb.pixels_mut().zip(rgba.pixels()) {
        let alpha = u16::from(pixel[3]);
        for channel in 0..3 {
            let value = u16::from(pixel[channel]) * alpha + 255 * (255 - alpha);
            out[channel] = (value / 255) as u8;
        }
    }
    rgb
}

/// `source` cropped to 2:1 around its centre and scaled to `width` pixels wide.
fn resize(
    resizer: &mut Resizer,
    source: &image::RgbImage,
    width: u32,
) -> Result<image::RgbImage, RenderError> {
    let resize_error = |error: &dyn std::fmt::Display| RenderError::Resize(error.to_string());
    let source = ImageRef::new(
        source.width(),
        source.height(),
        source.as_raw(),
        PixelType::U8x3,
    )
    .map_err(|error| resize_error(&error))?;
    let height = picture_height(width);
    let mut target = Image::new(width, height, PixelType::U8x3);
    let options = ResizeOptions::new().fit_into_destination(Some((0.5, 0.5)));
    resizer
        .resize(&source, &mut target, &options)
        .map_err(|error| resize_error(&error))?;
    image::RgbImage::from_raw(width, height, target.into_vec())
        .ok_or_else(|| RenderError::Resize("buffer size mismatch".into()))
}

/// The encoded file of `image` (no metadata is written: EXIF and the like are dropped).
fn encode(image: &image::RgbImage, format: VariantFormat) -> Result<Vec<u8>, RenderError> {
    match format {
        VariantFormat::Jpeg => {
            let (Ok(width), Ok(height)) =
                (u16::try_from(image.width()), u16::try_from(image.height()))
            else {
                return Err(RenderError::Resize("a size too large for JPEG".into()));
            };
            let mut bytes = Vec::new();
            let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, JPEG_QUALITY);
            // No chroma subsampling, as before: colour edges stay as sharp as they were.
            encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_1_1);
            encoder.encode(image.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)?;
            Ok(bytes)
        }
        VariantFormat::WebP => {
            let webp_error = |error: &dyn std::fmt::Debug| RenderError::WebP(format!("{error:?}"));
            let mut config = webp::WebPConfig::new().map_err(|error| webp_error(&error))?;
            config.quality = WEBP_QUALITY;
            config.method = WEBP_METHOD;
            let encoded = webp::Encoder::from_rgb(image.as_raw(), image.width(), image.height())
                .encode_advanced(&config)
                .map_err(|error| webp_error(&error))?;
            Ok(encoded.to_vec())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip() {
        for format in [SourceFormat::Jpeg, SourceFormat::Png, SourceFormat::WebP] {
            assert_eq!(SourceFormat::parse(format.as_str()), Some(format));
        }
        assert_eq!(SourceFormat::parse("gif"), None);
    }

    #[test]
    fn transparency_is_laid_over_white() {
        let mut rgba = image::RgbaImage::new(2, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([10, 20, 30, 255]));
        let rgb = flatten(DynamicImage::ImageRgba8(rgba));
        assert_eq!(rgb.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(rgb.get_pixel(1, 0).0, [10, 20, 30]);
    }

    #[test]
    fn sizes_are_cropped_to_cover_not_stretched() {
        // A tall picture: left half red, right half blue. Cropped to 2:1 from the centre, the
        // middle band keeps both colours side by side.
        let mut tall = image::RgbImage::new(300, 600);
        for (x, _, pixel) in tall.enumerate_pixels_mut() {
            *pixel = if x < 150 {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            };
        }
        let sized = resize(&mut Resizer::new(), &tall, 200).unwrap();
        assert_eq!(sized.dimensions(), (200, 100));
        assert_eq!(sized.get_pixel(10, 50).0, [255, 0, 0]);
        assert_eq!(sized.get_pixel(190, 50).0, [0, 0, 255]);
    }
}
