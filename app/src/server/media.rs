//! Which catalog pictures exist, so pages link only to pictures that will load.
use std::collections::HashSet;
use std::path::Path;

/// The pictures under `<site root>/images`, named `<image_id>.webp` (the demo data's layout).
#[derive(Debug, Default)]
pub struct Media {
    image_ids: HashSet<i32>,
}

impl Media {
    /// Scans `<site_root>/images`; a missing directory means no pictures.
    pub fn scan(site_root: &Path) -> Self {
        let Ok(entries) = std::fs::read_dir(site_root.join("images")) else {
            return Media::default();
        };
        let image_ids = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name();
                let stem = name.to_str()?.strip_suffix(".webp")?;
                stem.parse::<i32>().ok()
            })
            .collect();
        Media { image_ids }
    }

    /// The URL of picture `image_id`, if it exists.
    pub fn picture_url(&self, image_id: Option<i32>) -> Option<String> {
        image_id
            .filter(|id| self.image_ids.contains(id))
            .map(|id| format!("/images/{id}.webp"))
    }
}
