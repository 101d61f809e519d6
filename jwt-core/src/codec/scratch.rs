//! A per-thread buffer for the JSON of the token being written, so that making a token
//! allocates the token and nothing else.
//!
//! The buffer is taken out of the thread-local for the duration of its use (a nested use, say a
//! `Serialize` impl that signs a token, finds it gone and gets a new one), zeroed when given back
//! (claims may carry a CSRF value), and dropped instead of kept when it grew past
//! [`KEPT`] bytes.

use std::cell::RefCell;

/// Buffers larger than this are not kept for the next token.
const KEPT: usize = 4096;

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// This thread's buffer, empty, with room for a usual claims set; a new one when it is out or
/// the thread-local is gone.
pub(crate) fn take() -> Vec<u8> {
    let mut buffer = SCRATCH
        .try_with(|cell| cell.try_borrow_mut().map(|mut b| std::mem::take(&mut *b)))
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    buffer.clear();
    buffer.reserve(256);
    buffer
}

/// Zeroes `buffer` and keeps it for the next [`take`] on this thread. `zeroize`, not
/// `fill(0)`: a buffer about to be freed (over [`KEPT`]) would have its clearing removed as a
/// dead store.
pub(crate) fn give_back(mut buffer: Vec<u8>) {
    // Keeps the length (zeroize on a Vec clears it too), so the kept buffer is as before.
    zeroize::Zeroize::zeroize(buffer.as_mut_slice());
    if buffer.capacity() <= KEPT {
        let _ = SCRATCH.try_with(|cell| {
            if let Ok(mut slot) = cell.try_borrow_mut() {
                *slot = buffer;
            }
        });
    }
}

/// Runs `f` on a buffer from [`take`] and gives it back.
pub(crate) fn with<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let mut buffer = take();
    let result = f(&mut buffer);
    give_back(buffer);
    result
}

/// Lets a test look at the kept buffer.
#[cfg(test)]
pub(crate) fn inspect(f: impl FnOnce(&Vec<u8>)) {
    SCRATCH.with(|cell| f(&cell.borrow()));
}
