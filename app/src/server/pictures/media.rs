//! Which picture a page shows: an uploaded one once its sizes exist, else a demo-data picture
//! that exists, so pages link only to pictures that will load.
use std::collections::HashSet;
use std::path::Path;

use crate::model::PictureRef;

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

    /// What to show for a hotel or room type: its uploaded picture once the sizes are made
    /// (`digest`), else its demo-data picture `image_id` if that file exists.
    pub fn picture(&self, image_id: Option<i32>, digest: Option<String>) -> Option<PictureRef> {
        if let Some(digest) = digest {
            return Some(PictureRef::Sized { digest });
        }
        image_id
            .filter(|id| self.image_ids.contains(id))
            .map(|id| PictureRef::Single {
                url: format!("/images/{id}.webp"),
            })
    }
}
