//! The cost of refusing a hostile token stays flat as the token grows (1 KiB to 1 MiB): the
//! length check comes before any decoding. For contrast, the same tokens with the limit raised
//! above their size cost time proportional to their length.
//!
//! ```sh
//! cargo bench -p jwt-extended-benches --bench rejection
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use jwt_core::{decode, encode, Algorithm, Header, Key, Validation};
use serde_json::json;

const SIZES: [usize; 5] = [1 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20];

/// A validly signed token of about `size` bytes (a padding claim), and one of dots.
fn tokens(key: &Key, size: usize) -> (String, String) {
    let pad = "A".repeat(size * 3 / 4);
    let signed = encode(
        &Header::new(Algorithm::HS256),
        &json!({"sub": "x", "exp": 4_102_444_800u64, "pad": pad}),
        key,
    )
    .expect("token");
    (signed, ".".repeat(size))
}

fn rejection(c: &mut Criterion) {
    let key = Key::new(Algorithm::HS256, [7u8; 32]).expect("key");
    let strict = Validation::new(Algorithm::HS256); // 16 KiB limit
    let mut lenient = Validation::new(Algorithm::HS256);
    lenient.max_token_len = 4 << 20;

    let mut group = c.benchmark_group("reject");
    group.measurement_time(Duration::from_secs(2));
    for size in SIZES {
        let (signed, dots) = tokens(&key, size);
        group.bench_with_input(
            BenchmarkId::new("oversized_signed", size),
            &signed,
            |b, t| b.iter(|| decode(black_box(t), &key, &strict).is_err()),
        );
        group.bench_with_input(BenchmarkId::new("oversized_dots", size), &dots, |b, t| {
            b.iter(|| decode(black_box(t), &key, &strict).is_err())
        });
        // Contrast: no length limit in the way, so the whole token is decoded and MAC'd.
        let mut tampered = signed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        group.bench_with_input(
            BenchmarkId::new("unlimited_bad_mac", size),
            &tampered,
            |b, t| b.iter(|| decode(black_box(t), &key, &lenient).is_err()),
        );
    }
    group.finish();
}

criterion_group!(benches, rejection);
criterion_main!(benches);
