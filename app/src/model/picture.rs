//! Pictures of hotels and room types: whose they are, how far their processing got, why an
//! upload was refused, and the URLs of the sizes pages show.
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The widths every upload is made into: the original project's 200x100 and 1000x500, each
/// also at twice the pixels for dense screens. Every size is 2:1, cropped to cover.
pub const PICTURE_WIDTHS: [u32; 4] = [200, 400, 1000, 2000];

/// The height of the `width` size.
pub fn picture_height(width: u32) -> u32 {
    width / 2
}

/// The file formats of every size: WebP for browsers that take it, JPEG for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariantFormat {
    WebP,
    Jpeg,
}

impl VariantFormat {
    pub const ALL: [VariantFormat; 2] = [VariantFormat::WebP, VariantFormat::Jpeg];

    pub fn extension(self) -> &'static str {
        match self {
            VariantFormat::WebP => "webp",
            VariantFormat::Jpeg => "jpg",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            VariantFormat::WebP => "image/webp",
            VariantFormat::Jpeg => "image/jpeg",
        }
    }
}

/// The file name of one size of a processed picture. Names carry the digest of the uploaded
/// bytes, so a file never changes once written and can be cached for good.
pub fn variant_file_name(digest: &str, width: u32, format: VariantFormat) -> String {
    format!(
        "{digest}-{width}x{}.{}",
        picture_height(width),
        format.extension()
    )
}

/// Where processed pictures are served.
pub const PICTURES_URL_PATH: &str = "/media/pictures";

/// Where the demo data's pictures are served (from `public/images`).
pub const DEMO_PICTURES_URL_PATH: &str = "/images";

/// The file name of one size of a demo-data picture: `<image_id>-<w>x<h>.webp`. The demo
/// pictures ship in every size as WebP only (every browser the app supports reads it).
pub fn demo_file_name(image_id: i32, width: u32) -> String {
    format!("{image_id}-{width}x{}.webp", picture_height(width))
}

/// A picture a page can show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PictureRef {
    /// An uploaded picture, processed into every size and format; named by its digest.
    Sized { digest: String },
    /// A demo-data picture, shipped in every size as WebP; named by its `image_id`.
    Demo { image_id: i32 },
}

impl PictureRef {
    /// The URL of the `width` size in `format`, if the picture has it.
    fn url(&self, width: u32, format: VariantFormat) -> Option<String> {
        match self {
            PictureRef::Sized { digest } => Some(format!(
                "{PICTURES_URL_PATH}/{}",
                variant_file_name(digest, width, format)
            )),
            PictureRef::Demo { image_id } => (format == VariantFormat::WebP).then(|| {
                format!(
                    "{DEMO_PICTURES_URL_PATH}/{}",
                    demo_file_name(*image_id, width)
                )
            }),
        }
    }

    /// `srcset` of every size in `format` (`None` when the picture has no such format).
    pub fn srcset(&self, format: VariantFormat) -> Option<String> {
        let sizes = PICTURE_WIDTHS
            .iter()
            .map(|&width| Some(format!("{} {width}w", self.url(width, format)?)))
            .collect::<Option<Vec<String>>>()?;
        Some(sizes.join(", "))
    }

    /// The format every browser gets: JPEG for uploads, WebP for the demo pictures.
    fn fallback_format(&self) -> VariantFormat {
        match self {
            PictureRef::Sized { .. } => VariantFormat::Jpeg,
            PictureRef::Demo { .. } => VariantFormat::WebP,
        }
    }

    /// The largest size in the fallback format: what a gallery's link opens.
    pub fn largest(&self) -> String {
        let width = PICTURE_WIDTHS[PICTURE_WIDTHS.len() - 1];
        self.url(width, self.fallback_format()).unwrap_or_default()
    }

    /// The fallback `src`: the 1000-pixel size in the fallback format.
    pub fn src(&self) -> String {
        self.url(1000, self.fallback_format()).unwrap_or_default()
    }
}

/// Whose picture it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PictureOwner {
    Hotel(super::HotelId),
    Room(super::RoomId),
}

impl PictureOwner {
    /// The owner from a URL segment (`hotels` / `rooms`) and an id.
    pub fn parse(kind: &str, id: &str) -> Option<Self> {
        match kind {
            "hotels" => super::HotelId::parse(id).map(PictureOwner::Hotel),
            "rooms" => super::RoomId::parse(id).map(PictureOwner::Room),
            _ => None,
        }
    }

    /// The URL path of this owner's upload endpoint.
    pub fn upload_path(self) -> String {
        match self {
            PictureOwner::Hotel(id) => format!("/admin/pictures/hotels/{id}"),
            PictureOwner::Room(id) => format!("/admin/pictures/rooms/{id}"),
        }
    }
}

/// How far an upload got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PictureState {
    /// Stored; the worker has not made its sizes yet.
    Processing,
    Ready,
    /// The worker could not make the sizes (`error` says why).
    Failed,
}

impl PictureState {
    pub fn as_str(self) -> &'static str {
        match self {
            PictureState::Processing => "processing",
            PictureState::Ready => "ready",
            PictureState::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "processing" => Some(PictureState::Processing),
            "ready" => Some(PictureState::Ready),
            "failed" => Some(PictureState::Failed),
            _ => None,
        }
    }
}

/// An uploaded picture as an admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PictureStatus {
    pub id: super::PictureId,
    pub owner: PictureOwner,
    pub state: PictureState,
    pub error: Option<String>,
    pub digest: String,
    /// The uploaded picture's size, in pixels.
    pub width: i32,
    pub height: i32,
    pub uploaded_at: DateTime<Utc>,
}

impl PictureStatus {
    /// What pages show, once the sizes exist.
    pub fn picture(&self) -> Option<PictureRef> {
        (self.state == PictureState::Ready).then(|| PictureRef::Sized {
            digest: self.digest.clone(),
        })
    }
}

/// A hotel's pictures page for staff: the hotel, its room types, their pictures (each owner's
/// in order: the first ready one is the main one), and the upload size limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotelPictures {
    pub hotel: super::Hotel,
    pub rooms: Vec<super::Room>,
    pub pictures: Vec<PictureStatus>,
    pub max_upload_bytes: u64,
}

impl HotelPictures {
    /// The pictures of `owner`, in order.
    pub fn pictures_of(&self, owner: PictureOwner) -> Vec<PictureStatus> {
        self.pictures
            .iter()
            .filter(|picture| picture.owner == owner)
            .cloned()
            .collect()
    }

    /// Whether the worker still has sizes to make.
    pub fn processing(&self) -> bool {
        self.pictures
            .iter()
            .any(|picture| picture.state == PictureState::Processing)
    }
}

/// The most pictures one hotel or room type keeps.
pub const MAX_PICTURES: usize = 20;

/// What staff may do to one of a hotel's or room type's pictures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PictureArrangement {
    /// First in the order: the main picture (search and the hotel page's header).
    Main,
    /// One place earlier.
    Earlier,
    /// One place later.
    Later,
    /// Removed (its files go once no picture names them).
    Delete,
}

impl PictureArrangement {
    pub const ALL: [PictureArrangement; 4] = [
        PictureArrangement::Main,
        PictureArrangement::Earlier,
        PictureArrangement::Later,
        PictureArrangement::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PictureArrangement::Main => "main",
            PictureArrangement::Earlier => "earlier",
            PictureArrangement::Later => "later",
            PictureArrangement::Delete => "delete",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == raw)
    }

    /// Whether it applies to the picture at `index` of `count`: the first is already the main
    /// one and cannot go earlier; the last cannot go later.
    pub fn applies(self, index: usize, count: usize) -> bool {
        match self {
            PictureArrangement::Main | PictureArrangement::Earlier => index > 0,
            PictureArrangement::Later => index + 1 < count,
            PictureArrangement::Delete => index < count,
        }
    }

    /// The owner's pictures in their new order (`order` is the current one) after this is done
    /// to `id`: unchanged when it does not apply (twice the same click), `None` when `id` is
    /// not among them.
    pub fn rearrange(
        self,
        order: &[super::PictureId],
        id: super::PictureId,
    ) -> Option<Vec<super::PictureId>> {
        let index = order.iter().position(|other| *other == id)?;
        let mut order = order.to_vec();
        if !self.applies(index, order.len()) {
            return Some(order);
        }
        match self {
            PictureArrangement::Main => {
                let picture = order.remove(index);
                order.insert(0, picture);
            }
            PictureArrangement::Earlier => order.swap(index, index - 1),
            PictureArrangement::Later => order.swap(index, index + 1),
            PictureArrangement::Delete => {
                order.remove(index);
            }
        }
        Some(order)
    }
}

/// Why an upload was refused. Nothing of a refused upload is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum UploadRefusal {
    #[error("the request has no file")]
    NoFile,
    #[error("the file is larger than the limit")]
    TooLarge,
    #[error("the file is not a JPEG, PNG or WebP picture")]
    NotAPicture,
    #[error("the picture has more pixels than the limit")]
    TooManyPixels,
    #[error("the picture is damaged or incomplete")]
    Damaged,
    /// The hotel or room type has [`MAX_PICTURES`] already.
    #[error("the hotel or room type has as many pictures as it may")]
    TooMany,
}

impl UploadRefusal {
    pub const ALL: [UploadRefusal; 6] = [
        UploadRefusal::NoFile,
        UploadRefusal::TooLarge,
        UploadRefusal::NotAPicture,
        UploadRefusal::TooManyPixels,
        UploadRefusal::Damaged,
        UploadRefusal::TooMany,
    ];

    /// A stable code, for URLs (`?error=`) and JSON answers.
    pub fn code(self) -> &'static str {
        match self {
            UploadRefusal::NoFile => "no_file",
            UploadRefusal::TooLarge => "too_large",
            UploadRefusal::NotAPicture => "not_a_picture",
            UploadRefusal::TooManyPixels => "too_many_pixels",
            UploadRefusal::Damaged => "damaged",
            UploadRefusal::TooMany => "too_many",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|refusal| refusal.code() == code)
    }

    /// The HTTP status of the refusal.
    pub fn status(self) -> u16 {
        match self {
            UploadRefusal::TooLarge => 413,
            UploadRefusal::NotAPicture => 415,
            UploadRefusal::TooMany => 409,
            UploadRefusal::NoFile | UploadRefusal::TooManyPixels | UploadRefusal::Damaged => 422,
        }
    }
}

impl fmt::Display for PictureOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PictureOwner::Hotel(id) => write!(f, "hotel {id}"),
            PictureOwner::Room(id) => write!(f, "room type {id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sized_pictures_list_every_width_in_both_formats() {
        let picture = PictureRef::Sized {
            digest: "ab12".into(),
        };
        assert_eq!(
            picture.srcset(VariantFormat::WebP).unwrap(),
            "/media/pictures/ab12-200x100.webp 200w, /media/pictures/ab12-400x200.webp 400w, \
             /media/pictures/ab12-1000x500.webp 1000w, /media/pictures/ab12-2000x1000.webp 2000w"
        );
        assert_eq!(picture.src(), "/media/pictures/ab12-1000x500.jpg");
    }

    #[test]
    fn demo_pictures_list_every_width_in_webp_only() {
        let picture = PictureRef::Demo { image_id: 7 };
        assert_eq!(
            picture.srcset(VariantFormat::WebP).unwrap(),
            "/images/7-200x100.webp 200w, /images/7-400x200.webp 400w, \
             /images/7-1000x500.webp 1000w, /images/7-2000x1000.webp 2000w"
        );
        assert_eq!(picture.srcset(VariantFormat::Jpeg), None);
        assert_eq!(picture.src(), "/images/7-1000x500.webp");
        assert_eq!(picture.largest(), "/images/7-2000x1000.webp");
    }

    #[test]
    fn owners_parse_from_url_segments() {
        assert_eq!(
            PictureOwner::parse("hotels", "7"),
            Some(PictureOwner::Hotel(7.into()))
        );
        assert_eq!(
            PictureOwner::parse("rooms", "3"),
            Some(PictureOwner::Room(3.into()))
        );
        assert_eq!(PictureOwner::parse("users", "3"), None);
        assert_eq!(PictureOwner::parse("hotels", "../3"), None);
        assert_eq!(
            PictureOwner::Room(3.into()).upload_path(),
            "/admin/pictures/rooms/3"
        );
    }

    #[test]
    fn refusal_codes_round_trip() {
        for refusal in UploadRefusal::ALL {
            assert_eq!(UploadRefusal::from_code(refusal.code()), Some(refusal));
        }
        assert_eq!(UploadRefusal::TooLarge.status(), 413);
    }

    #[test]
    fn pictures_are_rearranged_within_their_owner() {
        let ids: Vec<crate::model::PictureId> = [5, 3, 9].into_iter().map(Into::into).collect();
        let order = |raw: &[i32]| -> Vec<crate::model::PictureId> {
            raw.iter().copied().map(Into::into).collect()
        };
        use PictureArrangement::*;
        assert_eq!(Main.rearrange(&ids, 9.into()), Some(order(&[9, 5, 3])));
        assert_eq!(Earlier.rearrange(&ids, 3.into()), Some(order(&[3, 5, 9])));
        assert_eq!(Later.rearrange(&ids, 3.into()), Some(order(&[5, 9, 3])));
        assert_eq!(Delete.rearrange(&ids, 5.into()), Some(order(&[3, 9])));
        // The first is the main one already and goes no earlier; the last goes no later.
        assert_eq!(Main.rearrange(&ids, 5.into()), Some(ids.clone()));
        assert_eq!(Earlier.rearrange(&ids, 5.into()), Some(ids.clone()));
        assert_eq!(Later.rearrange(&ids, 9.into()), Some(ids.clone()));
        assert!(!Later.applies(2, 3) && Later.applies(1, 3) && !Main.applies(0, 3));
        assert_eq!(Delete.rearrange(&ids, 7.into()), None, "not this owner's");
        for action in PictureArrangement::ALL {
            assert_eq!(PictureArrangement::parse(action.as_str()), Some(action));
        }
    }
}
