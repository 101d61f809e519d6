//! A userspace CSPRNG for `jti` and `csrf`: ChaCha20 with fast key erasure, seeded from the
//! operating system, one per thread, reseeded in a child after `fork`.
//!
//! Asking the OS for 16 bytes costs a system call per UUID (about as much as signing the whole
//! token); this asks it once per thread and then once per [`RESEED_AFTER`] refills.
//!
//! - **Generator:** the ChaCha20 block function (RFC 8439 §2.3) under a 256-bit key. Each refill
//!   computes four blocks; the first 32 bytes become the next key at once and the old key is
//!   overwritten ("fast key erasure", as in the Linux kernel and OpenBSD's arc4random), so a
//!   later memory disclosure does not reveal bytes already handed out. Bytes are zeroed as they
//!   are handed out, for the same reason.
//! - **Fork safety:** the fork generation (the `fork` module) is recorded at seeding and compared
//!   on every draw. It changes in a child made by `fork`, so the child reseeds from the OS before
//!   its first output instead of repeating its parent's stream. On Linux and Android reading it
//!   is a load from a `MADV_WIPEONFORK` page, which the kernel zeroes in a child; elsewhere (or
//!   on kernels before 4.14) it is the process id, a system call per draw. (A pid is only reused
//!   after its process has exited.)
//! - **Threads:** each thread has its own state, so there is no lock; a thread whose
//!   thread-locals are already destroyed draws straight from the OS.
//!
//! The block function is in [`chacha20`]: a refill's four blocks are computed
//! side by side in SSE2 registers on x86_64 (about a third of the scalar cost). One refill of
//! 256 bytes serves seven `create_access_token` calls.

use std::cell::RefCell;

use crate::{chacha20, fork, Error};

/// Blocks computed per refill: one key (32 bytes) and 224 bytes of output.
const BLOCKS: usize = 4;
const OUTPUT: usize = BLOCKS * 64 - 32;
/// Refills between reseeds from the OS (224 KiB of output).
const RESEED_AFTER: u32 = 1024;

struct Rng {
    key: [u32; 8],
    buf: [u8; OUTPUT],
    /// Bytes of `buf` already handed out (and zeroed).
    used: usize,
    refills: u32,
    /// The fork generation ([`fork::generation`]) this state was seeded under.
    generation: u64,
}

impl Rng {
    fn seeded() -> Result<Self, Error> {
        let mut rng = Rng {
            key: [0; 8],
            buf: [0; OUTPUT],
            used: OUTPUT,
            refills: 0,
            generation: 0,
        };
        rng.reseed()?;
        Ok(rng)
    }

    fn reseed(&mut self) -> Result<(), Error> {
        let generation = fork::generation();
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|_| Error::Random)?;
        for (word, bytes) in self.key.iter_mut().zip(seed.chunks_exact(4)) {
            *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        seed.fill(0);
        self.buf.fill(0);
        self.used = OUTPUT;
        self.refills = 0;
        self.generation = generation;
        Ok(())
    }

    fn refill(&mut self) {
        let mut blocks = [0u8; BLOCKS * 64];
        chacha20::blocks4(&self.key, 0, &[0; 3], &mut blocks);
        // Fast key erasure: the first 32 bytes replace the key that made them.
        for (word, bytes) in self.key.iter_mut().zip(blocks[..32].chunks_exact(4)) {
            *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        self.buf.copy_from_slice(&blocks[32..]);
        blocks.fill(0);
        self.used = 0;
        self.refills += 1;
    }

    fn fill(&mut self, out: &mut [u8]) -> Result<(), Error> {
        if self.generation != fork::generation() || self.refills >= RESEED_AFTER {
            self.reseed()?;
        }
        for chunk in out.chunks_mut(OUTPUT) {
            if OUTPUT - self.used < chunk.len() {
                self.refill();
            }
            let taken = &mut self.buf[self.used..self.used + chunk.len()];
            chunk.copy_from_slice(taken);
            taken.fill(0);
            self.used += chunk.len();
        }
        Ok(())
    }
}

thread_local! {
    static RNG: RefCell<Option<Rng>> = const { RefCell::new(None) };
}

/// Fills `out` with cryptographically secure random bytes from this thread's generator.
pub(crate) fn fill(out: &mut [u8]) -> Result<(), Error> {
    let drawn = RNG.try_with(|cell| {
        let Ok(mut slot) = cell.try_borrow_mut() else {
            return None;
        };
        let rng = match &mut *slot {
            Some(rng) => rng,
            None => match Rng::seeded() {
                Ok(rng) => slot.insert(rng),
                Err(e) => return Some(Err(e)),
            },
        };
        Some(rng.fill(out))
    });
    match drawn {
        Ok(Some(result)) => result,
        // Thread-locals gone (thread exit) or re-entered: ask the OS directly.
        _ => getrandom::fill(out).map_err(|_| Error::Random),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_differ_across_refills_and_sizes() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..5_000 {
            let mut bytes = [0u8; 16];
            fill(&mut bytes).unwrap();
            assert!(seen.insert(bytes), "repeated 128-bit draw");
        }
        let mut big = vec![0u8; 3 * OUTPUT + 5];
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

    /// A copy of `rng`'s state, as a child made by `fork` inherits it.
    fn copy(rng: &Rng) -> Rng {
        Rng {
            key: rng.key,
            buf: rng.buf,
            used: rng.used,
            refills: rng.refills,
            generation: rng.generation,
        }
    }

    #[test]
    fn a_changed_generation_reseeds() {
        let _lock = fork::TEST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mut rng = Rng::seeded().unwrap();
        let mut first = [0u8; 16];
        rng.fill(&mut first).unwrap();
        // Without a fork, a copy repeats the original: the check below is not vacuous.
        let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
        copy(&rng).fill(&mut a).unwrap();
        copy(&rng).fill(&mut b).unwrap();
        assert_eq!(a, b);
        // What a forked child looks like: the parent's state under another generation.
        let mut child_view = copy(&rng);
        child_view.generation = rng.generation.wrapping_add(1);
        rng.fill(&mut a).unwrap();
        child_view.fill(&mut b).unwrap();
        assert_ne!(a, b, "the child must not repeat the parent's next bytes");
        assert_eq!(child_view.generation, fork::generation());
    }

    /// The parent's state, in a process whose marker the kernel zeroed, reseeds.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn a_wiped_marker_reseeds() {
        let _lock = fork::TEST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mut parent = Rng::seeded().unwrap();
        let mut child = copy(&parent);
        let mut first = [0u8; 16];
        parent.fill(&mut first).unwrap();
        fork::simulate_fork();
        let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
        parent.fill(&mut a).unwrap();
        child.fill(&mut b).unwrap();
        assert_ne!(first, b, "the child must not repeat the parent's bytes");
        assert_ne!(a, b);
        assert_eq!(child.generation, fork::generation());
        assert_ne!(child.generation, 0);
    }
}
