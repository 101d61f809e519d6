//! axum integration (feature `axum`): extractors, and refusals as `IntoResponse`.
