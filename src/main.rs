//! The `baogao` binary: all the work is in the library (`baogao::cli`).

/// Indexing allocates and frees many small strings and vectors on several threads at once
/// (tokens, postings, parsed passages); mimalloc does that with far less CPU than glibc's
/// allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    baogao::cli::main()
}
