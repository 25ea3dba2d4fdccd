//! The allocator's settings. Each argon2id hash (a login, a sign-up) takes a 19 MiB block.
//! glibc raises its mmap threshold to the largest block freed (up to 32 MiB), after which such
//! blocks come from the per-thread arenas (up to 8 per core) and stay with the process when
//! freed: a login storm over the blocking pool's threads left the server at ~600 MB. A fixed
//! threshold keeps large blocks mmapped, so they go back to the system when freed, and fewer
//! arenas bound what the many small allocations can keep.
/// Blocks from this size up are mapped on their own and unmapped when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD_BYTES: libc::c_int = 1 << 20;

/// Call first thing in `main`, before any thread starts.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let arenas = std::thread::available_parallelism().map_or(2, usize::from) * 2;
        let arenas = libc::c_int::try_from(arenas).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only changes allocator parameters; called before other threads run.
        let applied = unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
                && libc::mallopt(libc::M_ARENA_MAX, arenas) == 1
        };
        if !applied {
            eprintln!("warning: the allocator's settings were not applied");
        }
    }
}
