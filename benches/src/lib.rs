//! Corpus generation for the benchmarks.
