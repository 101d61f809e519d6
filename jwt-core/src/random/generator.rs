//! The random bytes behind `jti` and `csrf`: RustCrypto's `ChaCha20Rng` (crate `chacha20`,
//! feature `rng`), seeded from the operating system with `getrandom`, one per thread, re-keyed
//! at every refill, reseeded in a child after `fork`, zeroized with `zeroize`.
//!
//! It exists because asking the OS for every UUID costs a system call (about 1 µs here, more
//! than signing the token); this asks it once per thread and then once per [`RESEED_AFTER`]
//! refills. The keystream is the crate's; this module only decides when to key, re-key and
//! reseed, and zeroes what it keeps.
//!
//! - **Why `chacha20`:** it is the generator behind `rand` 0.10's `StdRng`, maintained by
//!   RustCrypto (its README records an NCC Group audit, 2020, of an earlier version, with no
//!   significant findings). Its `zeroize` feature zeroes the key and the block buffer when the
//!   generator is dropped (`ZeroizeOnDrop`, tested below). Without its cipher API it adds only
//!   `rand_core`, `cfg-if` and `cpufeatures`, all already built in this workspace. `rand`'s
//!   `StdRng` is the same generator at 12 rounds behind a type whose algorithm may change
//!   between releases, plus the rest of `rand`; `rand_chacha` is the older crate on `rand_core`
//!   0.9 and `ppv-lite86`, which `rand` itself has left. ChaCha20, not 8 or 12: the round count
//!   of RFC 8439 and of the kernel's generator.
//! - **Fast key erasure:** a refill takes one 256-byte batch from the generator: 32 bytes key a
//!   new generator, 224 are kept for the next draws, and the old generator (its key and its
//!   copy of the batch) is dropped, zeroized. Bytes are zeroed in the buffer as they are handed
//!   out. So nothing kept between draws can make or show a value already handed out, and the
//!   key kept has made nothing yet. Locals that held a key are `Zeroizing`; copies the compiler
//!   makes when a value moves, and the crate's own temporaries, are beyond its reach, so each
//!   draw runs in a frame of its own and, when it replaced a key, the stack it released is
//!   overwritten (`zeroize_stack`).
//! - **Fork safety:** the fork generation (the `fork` module) is recorded at seeding and
//!   compared on every draw (one load); a child made by `fork` sees another and reseeds before
//!   its first output. Where there is no such generation (no `MADV_WIPEONFORK`), every draw
//!   goes to the OS.
//! - **Threads:** each thread has its own generator, so there is no lock; a thread whose
//!   thread-locals are destroyed, or a re-entrant call, draws straight from the OS.

use std::cell::RefCell;

use chacha20::rand_core::{Rng as _, SeedableRng};
use chacha20::ChaCha20Rng;
use zeroize::{Zeroize, Zeroizing};

use crate::{fork, Error};

/// Output kept from a refill: a refill takes one 256-byte batch of blocks from the generator,
/// 32 bytes for the next key and these 224 for the next draws (seven tokens' jti and csrf).
const KEPT: usize = 224;

/// Refills between reseeds from the OS (224 KiB of output): a getrandom call amortized to
/// about 1 ns a draw.
const RESEED_AFTER: u32 = 1024;

struct Generator {
    /// Keyed with a key that has made no output yet.
    rng: ChaCha20Rng,
    /// Output not yet handed out; what is handed out is zeroed at once.
    buffer: Zeroizing<[u8; KEPT]>,
    /// Bytes of `buffer` already handed out.
    used: usize,
    refills: u32,
    /// The fork generation ([`fork::generation`]) this state was seeded under.
    generation: u64,
}

impl Generator {
    fn seeded(generation: u64) -> Result<Self, Error> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut_slice()).map_err(|_| Error::Random)?;
        Ok(Generator {
            rng: ChaCha20Rng::from_seed(*seed),
            buffer: Zeroizing::new([0; KEPT]),
            used: KEPT,
            refills: 0,
            generation,
        })
    }

    /// Fills `out`; true when a key was replaced on the way (a refill or a reseed), so the
    /// caller knows to scrub the stack.
    fn fill(&mut self, out: &mut [u8], generation: u64) -> Result<bool, Error> {
        let mut rekeyed = false;
        if self.generation != generation || self.refills >= RESEED_AFTER {
            *self = Self::seeded(generation)?;
            rekeyed = true;
        }
        for chunk in out.chunks_mut(KEPT) {
            if KEPT - self.used < chunk.len() {
                self.refill();
                rekeyed = true;
            }
            let taken = &mut self.buffer[self.used..self.used + chunk.len()];
            chunk.copy_from_slice(taken);
            taken.zeroize();
            self.used += chunk.len();
        }
        Ok(rekeyed)
    }

    /// Fast key erasure: one batch of blocks gives the next key and [`KEPT`] bytes of output;
    /// the generator that made them (its key and its copy of the batch) is dropped, zeroized.
    fn refill(&mut self) {
        let mut next = Zeroizing::new([0u8; 32]);
        self.rng.fill_bytes(next.as_mut_slice());
        self.rng.fill_bytes(self.buffer.as_mut_slice());
        self.rng = ChaCha20Rng::from_seed(*next);
        self.used = 0;
        self.refills += 1;
    }
}

thread_local! {
    static GENERATOR: RefCell<Option<Generator>> = const { RefCell::new(None) };
}

/// Stack bytes zeroed below [`fill`]'s frame after a key was replaced. The deepest copy of a
/// key that `draw` and the crates below it leave there was about 1.6 KiB down in a release
/// build and 9 KiB in a debug build (the test
/// `no_key_that_made_a_value_stays_in_the_released_stack`).
const SCRUBBED: usize = if cfg!(debug_assertions) { 16 } else { 4 } * 1024;

/// Fills `out` with cryptographically secure random bytes from this thread's generator.
pub(crate) fn fill(out: &mut [u8]) -> Result<(), Error> {
    let Some(generation) = fork::generation() else {
        return getrandom::fill(out).map_err(|_| Error::Random);
    };
    let drawn = draw(out, generation);
    if let Ok(true) = drawn {
        // Moves of the generator and the crate's own temporaries leave copies of keys in the
        // frames `draw` released, which `Zeroizing` cannot reach; overwrite them (best effort,
        // as `zeroize_stack` says: `draw` must not be inlined into this frame).
        zeroize::zeroize_stack::<SCRUBBED>();
    }
    drawn.map(drop)
}

/// [`fill`] from this thread's generator, in a frame of its own; true when a key was replaced.
#[inline(never)]
fn draw(out: &mut [u8], generation: u64) -> Result<bool, Error> {
    let drawn = GENERATOR.try_with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        Some(match &mut *slot {
            Some(generator) => generator.fill(out, generation),
            None => Generator::seeded(generation)
                .and_then(|generator| slot.insert(generator).fill(out, generation)),
        })
    });
    match drawn {
        Ok(Some(result)) => result,
        // Thread-locals gone (thread exit) or re-entered: ask the OS directly.
        _ => getrandom::fill(out)
            .map(|()| false)
            .map_err(|_| Error::Random),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_differ_across_sizes() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..5_000 {
            let mut bytes = [0u8; 16];
            fill(&mut bytes).unwrap();
            assert!(seen.insert(bytes), "repeated 128-bit draw");
        }
        let mut big = vec![0u8; 1000];
        fill(&mut big).unwrap();
        assert!(big.chunks(16).all(|c| c.iter().any(|b| *b != 0)));
    }

    #[test]
    fn threads_have_their_own_streams() {
        let draw = || {
            let mut bytes = [0u8; 32];
            fill(&mut bytes).unwrap();
            bytes
        };
        let here = draw();
        let there = std::thread::spawn(draw).join().unwrap();
        assert_ne!(here, there);
    }

    /// The generator's key and buffered output are zeroed when it is dropped, which is what
    /// re-keying and reseeding rely on (the `zeroize` feature of `chacha20`).
    #[test]
    fn the_generator_is_zeroized_on_drop() {
        fn zeroized_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        zeroized_on_drop::<ChaCha20Rng>();
    }

    /// After a refill, the state kept cannot make the bytes handed out again, while the key
    /// before it could: that key is gone, and the handed-out bytes are zeroed in the buffer.
    #[test]
    fn a_draw_leaves_no_key_or_copy_that_made_it() {
        let mut generator = Generator::seeded(7).unwrap();
        for _ in 0..3 {
            generator.used = KEPT;
            let key = generator.rng.get_seed();
            let mut out = [0u8; 32];
            assert!(
                generator.fill(&mut out, 7).unwrap(),
                "a refill replaces the key"
            );
            let mut batch = [0u8; 32 + KEPT];
            ChaCha20Rng::from_seed(key).fill_bytes(&mut batch);
            assert_eq!(batch[32..64], out, "the draw came from the key before it");
            assert_eq!(
                generator.buffer[..32],
                [0; 32],
                "handed-out bytes are zeroed"
            );
            assert_eq!(generator.buffer[32..], batch[64..]);
            assert_ne!(generator.rng.get_seed(), key);
            let mut next = [0u8; 4 * (32 + KEPT)];
            ChaCha20Rng::from_seed(generator.rng.get_seed()).fill_bytes(&mut next);
            assert!(next.windows(32).all(|w| w != out));
        }
        let mut out = [0u8; 32];
        assert!(
            !generator.fill(&mut out, 7).unwrap(),
            "served from the buffer"
        );
    }

    /// A new fork generation, or [`RESEED_AFTER`] refills, reseed from the OS: the next draw
    /// is not what the old state would have given.
    #[test]
    fn reseeds_on_a_new_generation_and_after_a_while() {
        let mut generator = Generator::seeded(7).unwrap();
        for (generation, refills) in [(8, 0), (8, RESEED_AFTER)] {
            generator.refills = refills;
            generator.used = KEPT;
            let mut predicted = [0u8; 48];
            ChaCha20Rng::from_seed(generator.rng.get_seed()).fill_bytes(&mut predicted);
            let mut out = [0u8; 16];
            assert!(generator.fill(&mut out, generation).unwrap());
            assert_ne!(out, predicted[32..]);
            assert_eq!((generator.generation, generator.refills), (generation, 1));
        }
    }

    /// The check that found the old generator's leak: after draws through each path (`uuid4`,
    /// `uuid4_pair`, `ClaimsWriter`), read the stack this thread has released (through
    /// `/proc/self/mem`) for any key that made a value already handed out.
    #[cfg(target_os = "linux")]
    #[test]
    fn no_key_that_made_a_value_stays_in_the_released_stack() {
        use std::io::{Read, Seek, SeekFrom};

        /// Keys are kept masked, so that the test leaves no copy of its own to find.
        const MASK: u8 = 0xa5;
        fn masked_key() -> Option<Box<[u8; 32]>> {
            GENERATOR.with(|cell| {
                let key = cell.borrow().as_ref()?.rng.get_seed();
                Some(Box::new(key.map(|b| b ^ MASK)))
            })
        }
        /// How many of `keys` appear (their first 16 bytes) in the 128 KiB below this frame.
        #[inline(never)]
        fn found_below(keys: &[Box<[u8; 32]>]) -> usize {
            let here = std::hint::black_box(0u8);
            let below = std::ptr::addr_of!(here) as usize;
            let mut stack = vec![0u8; 128 * 1024];
            let mut mem = std::fs::File::open("/proc/self/mem").unwrap();
            mem.seek(SeekFrom::Start((below - stack.len()) as u64))
                .unwrap();
            mem.read_exact(&mut stack).unwrap();
            let keys: Vec<Vec<u8>> = keys
                .iter()
                .map(|k| k[..16].iter().map(|b| b ^ MASK).collect())
                .collect();
            stack
                .windows(16)
                .filter(|w| keys.iter().any(|k| k == w))
                .count()
        }

        crate::uuid4_pair().unwrap();
        let mut used = Vec::new();
        for path in 0..30 {
            used.push(masked_key().unwrap());
            match path % 3 {
                0 => drop(std::hint::black_box(crate::uuid4_pair().unwrap())),
                1 => drop(std::hint::black_box(crate::uuid4().unwrap())),
                _ => {
                    let mut writer = crate::ClaimsWriter::new();
                    writer.uuid4("jti").uuid4("csrf");
                    drop(std::hint::black_box(writer.json()));
                }
            }
        }
        let current = masked_key().unwrap();
        used.retain(|key| *key != current);
        assert!(used.len() >= 3, "the draws went through refills");
        assert_eq!(found_below(&used), 0);
    }
}
