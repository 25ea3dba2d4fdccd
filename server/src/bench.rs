//! Benchmarks the CLI runs for the closing notes (`server bench-pictures`): kept apart from the
//! request and job paths.
pub mod pictures;
