//! Multipart bodies as the API document describes them: the file form of the picture upload and
//! the CSV import, and the upload's 422.
use utoipa::ToSchema;

use super::errors;

/// The upload's 422, one of the two answer types the route returns: a request that does not
/// parse (FastAPI's list), or a file refused. (A union for the document only.)
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)]
#[serde(untagged)]
pub enum UploadUnprocessable {
    Invalid(errors::ValidationError),
    Refused(errors::Detail),
}

/// A picture upload: the file in the multipart field `file`. (Describes the form only: the
/// handlers stream multipart bodies rather than deserialise them.)
#[derive(ToSchema)]
pub struct UploadForm {
    #[allow(dead_code)]
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}
