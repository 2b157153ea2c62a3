//! The `baogao` binary: all the work is in the library (`baogao::cli`).

fn main() -> std::process::ExitCode {
    baogao::cli::main()
}
