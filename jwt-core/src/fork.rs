//! Fork detection without a system call per draw, for the generator in the `random` module.
//!
//! A child made by `fork` inherits its parent's memory, so a userspace generator must notice it
//! is in a child and reseed before its first output, or parent and child hand out the same
//! bytes. Comparing `std::process::id()` on every draw does that, but it is a `getpid` system
//! call (glibc does not cache it) and cost about a tenth of creating a token.
//!
//! On Linux and Android this module maps one anonymous private page and marks it
//! `MADV_WIPEONFORK` (Linux 4.14 and later): the kernel hands a child made by `fork` that page
//! zeroed. The page holds an [`AtomicU64`] "fork generation", nonzero in a process that set it,
//! so checking for a fork is one load from memory. A thread that reads 0 is the thread that
//! forked, now in the child; it installs a fresh generation, larger than any the process has
//! issued, so the state it inherited (tagged with the parent's generation) is stale. BoringSSL
//! and OpenSSL detect fork the same way.
//!
//! If the page cannot be set up (an older kernel refuses the advice with `EINVAL`, or `mmap`
//! fails) and on other systems, the generation is the process id, read on every call: correct,
//! only slower.
//!
//! # Why `unsafe`
//!
//! `mmap` and `madvise` are foreign functions, and the marker is reached through the raw
//! pointer `mmap` returns. This is the crate's only `unsafe` code (the crate denies it
//! everywhere else); each block says why it is sound. The setup is lock-free rather than a
//! `OnceLock`, so that a fork while another thread is setting the page up cannot leave the
//! child waiting on a lock whose holder did not survive the fork.

#![allow(unsafe_code)]

/// The current fork generation of this process: a value that changes in a child made by
/// `fork`, so a generator seeded under one value must reseed when it reads another.
///
/// With the `MADV_WIPEONFORK` page this is a load from memory and never 0; without it, it is
/// the process id (a system call).
#[inline]
pub(crate) fn generation() -> u64 {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Some(marker) = wipe_on_fork::marker() {
        return match marker.load(std::sync::atomic::Ordering::Relaxed) {
            0 => wipe_on_fork::install(marker),
            current => current,
        };
    }
    u64::from(std::process::id())
}

/// Whether fork detection uses the `MADV_WIPEONFORK` page (true) or falls back to comparing
/// process ids (false). Sets the page up on first use.
#[cfg(test)]
pub(crate) fn wipe_on_fork_active() -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        wipe_on_fork::marker().is_some()
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        false
    }
}

/// Held by tests that zero the marker or expect the generation to stay put, so that they do not
/// disturb each other when run in parallel.
#[cfg(test)]
pub(crate) static TEST_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Zeroes the marker, as `fork` does in a child, so tests can see what a child sees without
/// forking. Every thread of the process then reseeds at its next draw. Hold [`TEST_LOCK`].
#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
pub(crate) fn simulate_fork() {
    if let Some(marker) = wipe_on_fork::marker() {
        marker.store(0, std::sync::atomic::Ordering::Relaxed);
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod wipe_on_fork {
    use std::ptr;
    use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

    /// The marker in the wipe-on-fork page: null until first use, [`unavailable`] when the page
    /// could not be set up. Ordinary memory, so a child inherits the parent's answer (and the
    /// mapping, which `fork` copies with its advice).
    static MARKER: AtomicPtr<AtomicU64> = AtomicPtr::new(ptr::null_mut());

    /// Stands for "no page" in [`MARKER`]; only its address is used.
    static UNAVAILABLE: AtomicU64 = AtomicU64::new(0);

    /// The next generation to install. Ordinary memory, so a child continues its parent's count
    /// and never installs a value its inherited state could carry. Starts at 1: 0 means wiped.
    static NEXT: AtomicU64 = AtomicU64::new(1);

    /// The value of [`MARKER`] that means "no page": the address of [`UNAVAILABLE`].
    fn unavailable() -> *mut AtomicU64 {
        ptr::from_ref(&UNAVAILABLE).cast_mut()
    }

    /// The marker, set up on first use; `None` when the kernel cannot wipe a page on fork.
    #[inline]
    pub(super) fn marker() -> Option<&'static AtomicU64> {
        let mut marker = MARKER.load(Ordering::Acquire);
        if marker.is_null() {
            marker = set_up();
        }
        if marker == unavailable() {
            return None;
        }
        // SAFETY: every other value stored in `MARKER` is the start of a private anonymous
        // read-write mapping of at least one page that is never unmapped (see `set_up`): valid
        // for the whole program, aligned for `AtomicU64` (page-aligned), and only ever accessed
        // through atomics. The kernel zeroing it in a child does not break that: the child's
        // threads, like the parent's, only see it through this reference.
        Some(unsafe { &*marker })
    }

    /// Installs a fresh generation after finding the marker zeroed: in a child made by `fork`,
    /// or in a new page. Returns the generation now in the marker (another thread's, if it won).
    #[cold]
    pub(super) fn install(marker: &AtomicU64) -> u64 {
        let fresh = NEXT.fetch_add(1, Ordering::Relaxed);
        match marker.compare_exchange(0, fresh, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => fresh,
            Err(current) => current,
        }
    }

    /// Maps and advises the page, then publishes it (or [`unavailable`]) in [`MARKER`]; returns
    /// what [`MARKER`] holds afterwards. Threads racing here each map a page; the loser unmaps
    /// its own and uses the winner's.
    #[cold]
    fn set_up() -> *mut AtomicU64 {
        let mine = map_page().unwrap_or_else(unavailable);
        match MARKER.compare_exchange(ptr::null_mut(), mine, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => mine,
            Err(winner) => {
                if mine != unavailable() {
                    // SAFETY: `mine` is the start of the `page_len()` bytes this thread just
                    // mapped in `map_page`; it was never published, so nothing else refers to
                    // it. A failure would only leak the page.
                    unsafe { libc::munmap(mine.cast(), page_len()) };
                }
                winner
            }
        }
    }

    /// The length mapped: one page.
    fn page_len() -> usize {
        // SAFETY: `sysconf` only reads a configuration value.
        let len = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(len)
            .ok()
            .filter(|&len| len > 0)
            .unwrap_or(4096)
    }

    /// A fresh zeroed page that a child made by `fork` sees zeroed again, or `None` if the
    /// kernel cannot do that.
    fn map_page() -> Option<*mut AtomicU64> {
        let len = page_len();
        // SAFETY: asks for a new private anonymous mapping at an address of the kernel's
        // choosing; no existing memory is affected.
        let page = unsafe {
            libc::mmap(
                ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if page == libc::MAP_FAILED {
            return None;
        }
        // SAFETY: `page` is the start of the `len` bytes just mapped, which nothing else uses;
        // the advice changes only what a future child sees there.
        if unsafe { libc::madvise(page, len, libc::MADV_WIPEONFORK) } != 0 {
            // SAFETY: the same mapping, still unused; unmapping it cannot affect anything else.
            unsafe { libc::munmap(page, len) };
            return None;
        }
        Some(page.cast())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generation_is_stable_without_a_fork() {
        let _lock = TEST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        assert_eq!(generation(), generation());
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn linux_detects_fork_without_a_system_call() {
        // Linux 4.14 (2017) and later honour MADV_WIPEONFORK; failing here means the slow
        // fallback is in use.
        assert!(wipe_on_fork_active());
        assert_ne!(generation(), 0);
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn a_wiped_marker_starts_a_new_generation() {
        let _lock = TEST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let before = generation();
        simulate_fork();
        let after = generation();
        assert_ne!(after, 0);
        assert_ne!(after, before);
        assert_eq!(generation(), after);
    }
}
