//! What can be wrong with an import file, by line.
use serde::Serialize;

use crate::error::AppError;

/// One problem in a file: its line (the header is line 1), the column when it is about one
/// field, and the field as found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub column: Option<&'static str>,
    pub message: String,
    pub input: Option<String>,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(column) => write!(f, "line {}, {column}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file was refused; nothing of it was stored.
    #[error("{} problem(s) in the file", .0.len())]
    Rows(Vec<RowError>),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<Vec<RowError>> for ImportError {
    fn from(problems: Vec<RowError>) -> Self {
        ImportError::Rows(problems)
    }
}

impl From<sqlx::Error> for ImportError {
    fn from(error: sqlx::Error) -> Self {
        ImportError::App(error.into())
    }
}
