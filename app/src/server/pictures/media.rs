//! Which picture a page shows: an uploaded one once its sizes exist, else a demo-data picture
//! whose every size exists, so pages link only to pictures that will load.
use std::collections::HashSet;
use std::path::Path;

use crate::model::PictureRef;
use crate::model::picture::{PICTURE_WIDTHS, demo_file_name};

/// The demo pictures under `<site root>/images`, each `<image_id>-<w>x<h>.webp` in every size.
#[derive(Debug, Default)]
pub struct Media {
    image_ids: HashSet<i32>,
}

impl Media {
    /// Scans `<site_root>/images`; a missing directory means no pictures. A picture missing a
    /// size counts as none.
    pub fn scan(site_root: &Path) -> Self {
        let Ok(entries) = std::fs::read_dir(site_root.join("images")) else {
            return Media::default();
        };
        let names: HashSet<String> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| entry.file_name().into_string().ok())
            .collect();
        let image_ids = names
            .iter()
            .filter_map(|name| demo_image_id(name))
            .filter(|&id| {
                PICTURE_WIDTHS
                    .iter()
                    .all(|&width| names.contains(&demo_file_name(id, width)))
            })
            .collect();
        Media { image_ids }
    }

    /// What to show for a hotel or room type: its uploaded picture once the sizes are made
    /// (`digest`), else its demo-data picture `image_id` if its files exist.
    pub fn picture(&self, image_id: Option<i32>, digest: Option<String>) -> Option<PictureRef> {
        if let Some(digest) = digest {
            return Some(PictureRef::Sized { digest });
        }
        image_id
            .filter(|id| self.image_ids.contains(id))
            .map(|image_id| PictureRef::Demo { image_id })
    }
}

/// The image id of a demo picture's file name (`7-400x200.webp` -> 7).
fn demo_image_id(name: &str) -> Option<i32> {
    let (id, _) = name.strip_suffix(".webp")?.split_once('-')?;
    id.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demo_picture_counts_only_with_every_size() {
        let root = std::env::temp_dir().join(format!("media-scan-{}", std::process::id()));
        let images = root.join("images");
        std::fs::create_dir_all(&images).unwrap();
        for &width in &PICTURE_WIDTHS {
            std::fs::write(images.join(demo_file_name(1, width)), b"").unwrap();
        }
        // Image 2 lacks its largest size; 3 has the original's single-file layout only.
        for &width in &PICTURE_WIDTHS[..3] {
            std::fs::write(images.join(demo_file_name(2, width)), b"").unwrap();
        }
        std::fs::write(images.join("3.webp"), b"").unwrap();
        let media = Media::scan(&root);
        std::fs::remove_dir_all(&root).unwrap();

        assert_eq!(
            media.picture(Some(1), None),
            Some(PictureRef::Demo { image_id: 1 })
        );
        assert_eq!(media.picture(Some(2), None), None);
        assert_eq!(media.picture(Some(3), None), None);
        assert_eq!(
            media.picture(Some(2), Some("ab".into())),
            Some(PictureRef::Sized {
                digest: "ab".into()
            })
        );
    }
}
