//! A clean input costs no allocation: counted with a global allocator wrapper.

use std::alloc::{GlobalAlloc, Layout, System};
use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers every call to the system allocator unchanged; only counts allocations.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn clean_input_allocates_nothing() {
    let scanner = scrubline::Scanner::new();
    let clean = "2026-11-02T09:14:05.310Z level=info service=orders msg=Processed order ORD-88123411 in 41 ms \
                 trace_id=6f1c2a9e-3b7d-4e21-9a55-0c8d7e6f5a41 client version 4.12.0 — Zürich, 日本語, 😊\n"
        .repeat(20);
    // Warm up the per-thread scratch space and regex caches.
    for _ in 0..3 {
        let _ = scanner.redact(&clean);
        let _ = scanner.findings(&clean);
    }
    let before = ALLOCS.load(Ordering::Relaxed);
    for _ in 0..10 {
        assert!(matches!(scanner.redact(&clean), Cow::Borrowed(_)));
        assert_eq!(scanner.find_iter(&clean).count(), 0);
    }
    assert_eq!(ALLOCS.load(Ordering::Relaxed) - before, 0, "allocations on clean input");
}
