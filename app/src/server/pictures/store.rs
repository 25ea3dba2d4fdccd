//! The media directory: uploads being received, originals, and the sizes served to browsers.
//!
//! ```text
//! <MEDIA_DIR>/uploads/<random>.part          an upload while it streams in (never served)
//! <MEDIA_DIR>/originals/<digest>.<format>    what an admin uploaded (never served)
//! <MEDIA_DIR>/pictures/<digest>-<w>x<h>.<ext> the sizes, served at /media/pictures
//! ```
//! No name comes from the client: digests are hex, formats and sizes are ours.
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::model::VariantFormat;
use crate::model::picture::variant_file_name;

/// The formats an upload may be, identified by content (and the originals' file extensions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Jpeg,
    Png,
    WebP,
}

impl SourceFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Jpeg => "jpeg",
            SourceFormat::Png => "png",
            SourceFormat::WebP => "webp",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "jpeg" => Some(SourceFormat::Jpeg),
            "png" => Some(SourceFormat::Png),
            "webp" => Some(SourceFormat::WebP),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct MediaStore {
    root: PathBuf,
}

impl MediaStore {
    /// The store under `root`, its directories created if missing.
    /// The store at `root`, opened already (at start-up): no file operation.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        MediaStore { root: root.into() }
    }

    pub fn open(root: impl Into<PathBuf>) -> io::Result<Self> {
        let store = MediaStore { root: root.into() };
        for dir in [
            store.uploads_dir(),
            store.originals_dir(),
            store.pictures_dir(),
        ] {
            std::fs::create_dir_all(dir)?;
        }
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn uploads_dir(&self) -> PathBuf {
        self.root.join("uploads")
    }

    fn originals_dir(&self) -> PathBuf {
        self.root.join("originals")
    }

    /// The directory served at `/media/pictures`.
    pub fn pictures_dir(&self) -> PathBuf {
        self.root.join("pictures")
    }

    /// A fresh path for an upload to stream into.
    pub fn new_upload_path(&self) -> PathBuf {
        let name: u128 = rand::random();
        self.uploads_dir().join(format!("{name:032x}.part"))
    }

    pub fn original_path(&self, digest: &str, format: SourceFormat) -> PathBuf {
        self.originals_dir()
            .join(format!("{digest}.{}", format.as_str()))
    }

    pub fn variant_path(&self, digest: &str, width: u32, format: VariantFormat) -> PathBuf {
        self.pictures_dir()
            .join(variant_file_name(digest, width, format))
    }

    /// Writes `bytes` to `path` whole or not at all: a temporary file in the same directory,
    /// flushed, then renamed over `path`.
    pub fn write_atomically(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let dir = path.parent().unwrap_or(&self.root);
        let name: u64 = rand::random();
        let temporary = dir.join(format!(".{name:016x}.tmp"));
        let written = (|| {
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&temporary, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    }

    /// Every digest that has files here (originals or sizes).
    pub fn digests_on_disk(&self) -> io::Result<HashSet<String>> {
        let mut digests = HashSet::new();
        for dir in [self.originals_dir(), self.pictures_dir()] {
            for entry in std::fs::read_dir(dir)? {
                let name = entry?.file_name();
                let Some(name) = name.to_str() else { continue };
                let digest = name.split(['.', '-']).next().unwrap_or_default();
                if is_digest(digest) {
                    digests.insert(digest.to_owned());
                }
            }
        }
        Ok(digests)
    }

    /// Removes every file of `digest` (original and sizes); returns how many.
    pub fn remove_digest(&self, digest: &str) -> io::Result<usize> {
        if !is_digest(digest) {
            return Ok(0);
        }
        let mut removed = 0;
        for dir in [self.originals_dir(), self.pictures_dir()] {
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                let name = entry.file_name();
                let belongs = name.to_str().is_some_and(|name| {
                    name.strip_prefix(digest)
                        .is_some_and(|rest| rest.starts_with(['.', '-']))
                });
                if belongs {
                    std::fs::remove_file(entry.path())?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    /// Removes the sizes of `digest`, keeping its original (benchmarks, re-processing).
    pub fn remove_digest_sizes(&self, digest: &str) -> io::Result<()> {
        for width in crate::model::picture::PICTURE_WIDTHS {
            for format in VariantFormat::ALL {
                match std::fs::remove_file(self.variant_path(digest, width, format)) {
                    Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Removes uploads left behind by a crash mid-upload (older than `age`).
    pub fn remove_stale_uploads(&self, age: Duration) -> io::Result<usize> {
        let mut removed = 0;
        let now = SystemTime::now();
        for entry in std::fs::read_dir(self.uploads_dir())? {
            let entry = entry?;
            let modified = entry.metadata()?.modified()?;
            if now.duration_since(modified).unwrap_or_default() > age {
                std::fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// Whether `value` is a digest as uploads are named: 32 lowercase hex digits.
pub fn is_digest(value: &str) -> bool {
    value.len() == 32
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store() -> MediaStore {
        let dir = std::env::temp_dir().join(format!("media-test-{:016x}", rand::random::<u64>()));
        MediaStore::open(dir).unwrap()
    }

    #[test]
    fn removing_a_digest_removes_only_its_files() {
        let store = temp_store();
        let (a, b) = ("a".repeat(32), "b".repeat(32));
        for digest in [&a, &b] {
            store
                .write_atomically(&store.original_path(digest, SourceFormat::Png), b"x")
                .unwrap();
            store
                .write_atomically(&store.variant_path(digest, 200, VariantFormat::WebP), b"x")
                .unwrap();
        }
        assert_eq!(
            store.digests_on_disk().unwrap(),
            HashSet::from([a.clone(), b.clone()])
        );
        assert_eq!(store.remove_digest(&a).unwrap(), 2);
        assert_eq!(store.digests_on_disk().unwrap(), HashSet::from([b]));
        std::fs::remove_dir_all(store.root()).unwrap();
    }

    #[test]
    fn only_hex_digests_are_digests() {
        assert!(is_digest(&"0123456789abcdef".repeat(2)));
        assert!(!is_digest("../../etc/passwd"));
        assert!(!is_digest(&"A".repeat(32)));
    }
}
