//! A real `fork`: a child must not hand out its parent's next random bytes.
//!
//! The generator behind `uuid4` is per thread and lives in userspace, so a child made by `fork`
//! starts with a copy of its parent's state. Without fork detection the child's first UUIDs are
//! exactly the parent's next ones; every test below would then fail.
//!
//! Each child runs only a closure, writes its result to a pipe and leaves with `_exit`: no
//! unwinding into (or output from) the test harness, whose other threads did not survive the
//! fork.
#![cfg(target_os = "linux")]

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A forked child: its process id and the read end of the pipe it writes to.
struct Child {
    pid: libc::pid_t,
    output: File,
}

/// Forks; the child runs `child`, writes what it returns to a pipe and exits with status 0
/// (1 if `child` panicked, 2 if the write failed).
fn fork(child: impl FnOnce() -> Vec<u8>) -> Child {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors `pipe` writes.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0, "pipe");
    let [read, write] = fds;
    // SAFETY: the child only runs `child` (the crate's public API and this file's helpers),
    // writes to the pipe and calls `_exit`; it never returns into the harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        // SAFETY: `read` is this process's copy of the pipe's read end, unused here.
        unsafe { libc::close(read) };
        let status = match catch_unwind(AssertUnwindSafe(child)) {
            Ok(bytes) => {
                if write_all(write, &bytes) {
                    0
                } else {
                    2
                }
            }
            Err(_) => 1,
        };
        // SAFETY: ends the child at once, without running the parent's destructors or atexit
        // handlers.
        unsafe { libc::_exit(status) };
    }
    // SAFETY: `write` is the parent's copy of the pipe's write end; only the child writes.
    unsafe { libc::close(write) };
    // SAFETY: `read` is an open descriptor that nothing else owns.
    let output = File::from(unsafe { OwnedFd::from_raw_fd(read) });
    Child { pid, output }
}

/// Writes all of `bytes` to `fd`; false on an error.
fn write_all(fd: libc::c_int, mut bytes: &[u8]) -> bool {
    while !bytes.is_empty() {
        // SAFETY: `bytes` is valid for reads of `bytes.len()` bytes.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        match usize::try_from(n) {
            Ok(n) if n > 0 => bytes = &bytes[n..],
            _ if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {}
            _ => return false,
        }
    }
    true
}

impl Child {
    /// Everything the child wrote, once it has exited with status 0.
    fn output(mut self) -> Vec<u8> {
        let mut bytes = Vec::new();
        self.output
            .read_to_end(&mut bytes)
            .expect("read the child's pipe");
        let mut status = 0;
        loop {
            // SAFETY: `self.pid` is a child of this process not yet waited for; `status` is
            // a valid place for its status.
            let waited = unsafe { libc::waitpid(self.pid, &mut status, 0) };
            if waited == self.pid {
                break;
            }
            let error = std::io::Error::last_os_error();
            assert_eq!(
                error.kind(),
                std::io::ErrorKind::Interrupted,
                "waitpid: {error}"
            );
        }
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "the child failed (wait status {status:#x})"
        );
        bytes
    }
}

/// `jti` and `csrf` of one token: 32 random bytes, drawn through the public API.
fn draw() -> Vec<u8> {
    let (jti, csrf) = jwt_core::uuid4_pair().expect("uuid4_pair");
    [jti, csrf].concat().into_bytes()
}

/// One fork from the calling thread: the child's first draw and the parent's next one.
fn fork_once() -> (Vec<u8>, Vec<u8>) {
    let child = fork(draw);
    let parent_next = draw();
    (child.output(), parent_next)
}

#[test]
fn a_child_does_not_repeat_its_parent() {
    // The thread's generator exists, with output buffered, before the fork.
    let before = draw();
    let (child, parent_next) = fork_once();
    assert_eq!(child.len(), 72);
    assert_ne!(
        child, parent_next,
        "the child handed out the parent's next bytes"
    );
    assert_ne!(child, before);
}

#[test]
fn forks_in_a_row_give_distinct_values() {
    draw();
    let mut seen = HashSet::new();
    for _ in 0..5 {
        let (child, parent_next) = fork_once();
        assert!(seen.insert(child), "a child repeated a value");
        assert!(seen.insert(parent_next), "the parent repeated a value");
    }
}

#[test]
fn a_fork_from_a_second_thread() {
    let (child, parent_next) = std::thread::spawn(|| {
        draw();
        fork_once()
    })
    .join()
    .expect("the forking thread panicked");
    assert_ne!(
        child, parent_next,
        "the child handed out the parent's next bytes"
    );
}

#[test]
fn a_grandchild_does_not_repeat_its_parent() {
    draw();
    // The child first forks a grandchild without drawing, so that grandchild starts from the
    // parent's state untouched (a pid check misses this one when the grandchild is given the
    // pid of the parent, exited by then); then the child draws and forks a second grandchild.
    // The child reports both grandchildren's first draws and its own two.
    let child = fork(|| {
        let (early_grandchild, child_first) = fork_once();
        let (late_grandchild, child_next) = fork_once();
        [early_grandchild, child_first, late_grandchild, child_next].concat()
    });
    let parent_next = draw();
    let output = child.output();
    let values: Vec<&[u8]> = output.chunks(72).collect();
    assert_eq!(values.len(), 4);
    let mut seen: HashSet<&[u8]> = values.iter().copied().collect();
    assert_eq!(seen.len(), 4, "a grandchild repeated the child");
    assert!(
        seen.insert(&parent_next),
        "the child or a grandchild repeated the parent"
    );
}

/// In the child, a new thread draws before the thread that forked: it must not mark the
/// process as seen, so the forking thread still reseeds before its first draw.
#[test]
fn a_child_whose_new_thread_draws_first() {
    draw();
    let child = fork(|| {
        let other = std::thread::spawn(draw).join().expect("the child's thread");
        [draw(), other].concat()
    });
    let parent_next = draw();
    let output = child.output();
    let (forking_thread, new_thread) = output.split_at(72);
    assert_ne!(
        forking_thread,
        parent_next.as_slice(),
        "the child handed out the parent's next bytes"
    );
    assert_ne!(forking_thread, new_thread);
}
