//! Fork detection without a system call per draw, for the generator in the `random` module.
//!
//! A child made by `fork` inherits its parent's memory, so a userspace generator must notice it
//! is in a child and reseed before its first output, or parent and child hand out the same
//! bytes. This module exists because nothing safe in `std` or in a well-kept crate can tell.
//!
//! On Linux and Android it maps one anonymous private page and marks it `MADV_WIPEONFORK`
//! (Linux 4.14 and later) through `libc`: the kernel hands a child made by `fork` that page
//! zeroed. The page holds an atomic "fork generation", nonzero in a process that set it, so
//! checking for a fork is one load. A thread that reads 0 is in a new child (it is the thread
//! that forked); it installs a fresh generation, larger than any the process has issued, so any
//! state it inherited, tagged with an older generation, is stale. BoringSSL and OpenSSL detect
//! fork the same way.
//!
//! Where the page cannot be set up (older kernels, other Unix systems) [`generation`] returns
//! `None` and the generator asks the operating system for every draw. Comparing process ids
//! instead would cost a `getpid` system call per draw (glibc does not cache it) and is not
//! enough: a child that forks before drawing passes its parent's state on unchanged, and if the
//! grandchild is given the pid of the parent (which has exited meanwhile, as a daemonizing
//! double fork does, or in a small pid namespace) the pids compare equal and the grandchild
//! hands out again what the parent handed out after the first fork.
//!
//! # Why `unsafe`
//!
//! `mmap`, `madvise` and `munmap` are foreign functions, and the marker is reached through the
//! raw pointer `mmap` returns. This module is jwt-core's only `unsafe` code (lib.rs allows it
//! on `mod fork` and denies it everywhere else); each block says why it is sound. The setup is
//! lock-free rather than a `OnceLock`, so that a fork while another thread is setting the page
//! up cannot leave the child waiting on a lock whose holder did not survive the fork.

/// The fork generation of this process: a value that changes in a child made by `fork`, so a
/// generator seeded under one value must reseed when it reads another. One load from memory.
///
/// `None` when a fork cannot be detected this way (no `MADV_WIPEONFORK`): draw from the
/// operating system instead. On targets without `fork` (not Unix) it is constant.
#[cfg(any(target_os = "linux", target_os = "android"))]
#[inline]
pub(crate) fn generation() -> Option<u64> {
    wipe_on_fork::generation()
}

/// See the Linux version: other Unix systems have no `MADV_WIPEONFORK`.
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
pub(crate) fn generation() -> Option<u64> {
    None
}

/// See the Linux version: a process that cannot fork is always in generation 1.
#[cfg(not(unix))]
pub(crate) fn generation() -> Option<u64> {
    Some(1)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod wipe_on_fork {
    use std::ptr;
    use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

    /// The marker in the wipe-on-fork page: null until first use, the address of
    /// [`UNAVAILABLE`] when the page could not be set up. Ordinary memory, so a child inherits
    /// the parent's answer (and the mapping, which `fork` copies with its advice).
    static MARKER: AtomicPtr<AtomicU64> = AtomicPtr::new(ptr::null_mut());

    /// Stands for "no page" in [`MARKER`]; only its address is used.
    static UNAVAILABLE: AtomicU64 = AtomicU64::new(0);

    /// The next generation to install. Ordinary memory, so a child continues its parent's count
    /// and never installs a value its inherited state could carry. Starts at 1: 0 means wiped.
    static NEXT: AtomicU64 = AtomicU64::new(1);

    /// Bytes asked for: the marker. The kernel rounds `mmap`, `madvise` and `munmap` lengths
    /// up to whole pages, so this maps, advises and unmaps one page whatever the page size.
    const LEN: usize = std::mem::size_of::<AtomicU64>();

    /// See [`super::generation`].
    #[inline]
    pub(super) fn generation() -> Option<u64> {
        let marker = marker()?;
        Some(match marker.load(Ordering::Relaxed) {
            0 => install(marker),
            current => current,
        })
    }

    /// Installs a fresh generation after finding the marker zeroed: in a child made by `fork`,
    /// or in a new page. Returns the generation now in the marker (another thread's, if it won).
    #[cold]
    fn install(marker: &AtomicU64) -> u64 {
        let fresh = NEXT.fetch_add(1, Ordering::Relaxed);
        match marker.compare_exchange(0, fresh, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => fresh,
            Err(current) => current,
        }
    }

    /// The marker, set up on first use; `None` when the kernel cannot wipe a page on fork.
    #[inline]
    pub(super) fn marker() -> Option<&'static AtomicU64> {
        let mut marker = MARKER.load(Ordering::Acquire);
        if marker.is_null() {
            marker = set_up();
        }
        if ptr::eq(marker, &UNAVAILABLE) {
            return None;
        }
        // SAFETY: every other value stored in `MARKER` is the start of a private anonymous
        // read-write mapping that is never unmapped (see `set_up`): valid for the whole program,
        // aligned for `AtomicU64` (page-aligned), zero-initialized (a valid `AtomicU64`) and
        // only ever accessed through atomics. The kernel zeroing it in a child keeps all that.
        Some(unsafe { &*marker })
    }

    /// Maps and advises the page, then publishes it (or "unavailable") in [`MARKER`]; returns
    /// what [`MARKER`] holds afterwards. Threads racing here each map a page; a loser unmaps its
    /// own and uses the winner's.
    #[cold]
    fn set_up() -> *mut AtomicU64 {
        let unavailable = ptr::from_ref(&UNAVAILABLE).cast_mut();
        let mine = map_page().unwrap_or(unavailable);
        match MARKER.compare_exchange(ptr::null_mut(), mine, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => mine,
            Err(winner) => {
                if mine != unavailable {
                    unmap(mine.cast());
                }
                winner
            }
        }
    }

    /// A fresh zeroed page that a child made by `fork` sees zeroed again, or `None` if the
    /// kernel cannot do that.
    fn map_page() -> Option<*mut AtomicU64> {
        // SAFETY: asks for a new private anonymous mapping at an address of the kernel's
        // choosing; no existing memory is affected.
        let page = unsafe {
            libc::mmap(
                ptr::null_mut(),
                LEN,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if page == libc::MAP_FAILED {
            return None;
        }
        // SAFETY: `page` is the start of the mapping just made, which nothing else uses; the
        // advice changes only what a future child sees there.
        if unsafe { libc::madvise(page, LEN, libc::MADV_WIPEONFORK) } != 0 {
            unmap(page);
            return None;
        }
        Some(page.cast())
    }

    /// Unmaps a page from [`map_page`] that was never published. A failure only leaks it.
    fn unmap(page: *mut libc::c_void) {
        // SAFETY: `page` is the start of a mapping this thread made and never shared, so
        // nothing refers to it.
        unsafe { libc::munmap(page, LEN) };
    }
}

#[cfg(test)]
#[cfg(any(target_os = "linux", target_os = "android"))]
mod tests {
    use super::*;

    /// Zeroes the marker, as `fork` does in a child, so a test can see what a child sees
    /// without forking. Every thread of the process then reseeds at its next draw.
    fn simulate_fork() {
        if let Some(marker) = wipe_on_fork::marker() {
            marker.store(0, std::sync::atomic::Ordering::Relaxed);
        }
    }

    #[test]
    fn linux_detects_fork_without_a_system_call() {
        // Linux 4.14 (2017) and later honour MADV_WIPEONFORK; failing here means every draw
        // goes to the operating system.
        assert!(generation().is_some_and(|g| g != 0));
    }

    /// The page is zeroed in a child made by `fork`: tests/fork.rs forks real children.
    #[test]
    fn a_wiped_marker_starts_a_new_generation() {
        let before = generation();
        simulate_fork();
        let after = generation();
        assert!(after.is_some_and(|g| g != 0));
        assert_ne!(after, before);
        assert_eq!(generation(), after);
    }
}
