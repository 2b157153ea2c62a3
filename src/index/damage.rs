//! Index errors made readable: a tantivy error → one line naming the file or folder and the
//! cause (`index/3f…a1.store: damaged (…); run `baogao index --rebuild``,
//! `index/: no space left on device`), instead of tantivy's debug dump.

use std::path::{Path, PathBuf};

use tantivy::TantivyError;
use tantivy::directory::error::{OpenDirectoryError, OpenReadError, OpenWriteError};

use crate::ingest::io_cause;

/// What to run when an index cannot be read.
pub const REMEDY: &str = "run `baogao index --rebuild`";

/// An index error, said in one line: the file or folder, and the cause.
#[derive(Debug)]
pub struct IndexError {
    pub path: PathBuf,
    pub cause: String,
    /// The index's files are damaged or not baogao's (not a full disk or a missing
    /// permission): `index --rebuild` repairs it.
    pub damaged: bool,
}

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self.path.display().to_string();
        // A folder is shown with its slash: `index/: no space left on device`.
        let slash = if self.path.is_dir() && !path.ends_with('/') {
            "/"
        } else {
            ""
        };
        write!(f, "{path}{slash}: {}", self.cause)?;
        if self.damaged {
            write!(f, "; {REMEDY}")?;
        }
        Ok(())
    }
}

impl std::error::Error for IndexError {}

impl IndexError {
    /// The file and the cause, without the remedy (for a message that is itself about the
    /// remedy being applied).
    pub fn without_remedy(&self) -> String {
        IndexError {
            path: self.path.clone(),
            cause: self.cause.clone(),
            damaged: false,
        }
        .to_string()
    }
}

/// The tantivy error `e`, met on the index in `dir`, as an [`IndexError`].
pub fn describe(dir: &Path, e: &TantivyError) -> IndexError {
    let in_dir = |file: &Path| {
        if file.is_absolute() {
            file.to_path_buf()
        } else {
            dir.join(file)
        }
    };
    let io = |path: PathBuf, error: &std::io::Error| IndexError {
        path,
        damaged: matches!(
            error.kind(),
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
        ),
        cause: if error.kind() == std::io::ErrorKind::InvalidData {
            "damaged (not a complete index file)".to_string()
        } else {
            io_cause(error)
        },
    };
    match e {
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(file)) => IndexError {
            path: in_dir(file),
            cause: "missing: the index is damaged".into(),
            damaged: true,
        },
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            io(in_dir(filepath), io_error)
        }
        TantivyError::OpenReadError(OpenReadError::IncompatibleIndex(_))
        | TantivyError::IncompatibleIndex(_) => IndexError {
            path: dir.to_path_buf(),
            cause: "written by an incompatible version".into(),
            damaged: true,
        },
        TantivyError::OpenWriteError(OpenWriteError::IoError { io_error, filepath }) => {
            io(in_dir(filepath), io_error)
        }
        TantivyError::OpenWriteError(OpenWriteError::FileAlreadyExists(file)) => IndexError {
            path: in_dir(file),
            cause: "already exists".into(),
            damaged: false,
        },
        TantivyError::OpenDirectoryError(OpenDirectoryError::IoError { io_error, .. })
        | TantivyError::OpenDirectoryError(OpenDirectoryError::FailedToCreateTempDir(io_error)) => {
            io(dir.to_path_buf(), io_error)
        }
        TantivyError::OpenDirectoryError(other) => IndexError {
            path: dir.to_path_buf(),
            cause: match other {
                OpenDirectoryError::NotADirectory(_) => "not a folder".into(),
                _ => "folder not found".into(),
            },
            damaged: false,
        },
        TantivyError::IoError(error) => io(dir.to_path_buf(), error),
        TantivyError::DataCorruption(corruption) => {
            // tantivy keeps the file private; its debug text is
            // "Data corruption (in file `\"NAME\"`): COMMENT."
            let text = format!("{corruption:?}");
            let file = text
                .split_once("(in file `\"")
                .and_then(|(_, rest)| rest.split_once("\"`)"))
                .map(|(name, _)| name.to_string());
            IndexError {
                path: file.map_or_else(|| dir.to_path_buf(), |f| in_dir(Path::new(&f))),
                cause: "damaged (cannot be decoded)".into(),
                damaged: true,
            }
        }
        // A failed commit reports its I/O error (a full disk) as a message.
        TantivyError::InternalError(message)
        | TantivyError::SystemError(message)
        | TantivyError::ErrorInThread(message) => IndexError {
            path: dir.to_path_buf(),
            cause: first_line(message.split(" (os error").next().unwrap_or(message)).to_lowercase(),
            damaged: false,
        },
        other => IndexError {
            path: dir.to_path_buf(),
            cause: first_line(&other.to_string()),
            damaged: false,
        },
    }
}

/// `e`, or when it is tantivy's "an index writer was killed" (an indexing thread failed,
/// most often on a full disk), that thread's own error named: tantivy hands it over only
/// when the threads are joined, at the next `prepare_commit`, which is not committed.
pub fn worker_cause(
    dir: &Path,
    writer: &mut tantivy::IndexWriter,
    e: anyhow::Error,
) -> anyhow::Error {
    let killed = e.chain().any(|c| {
        matches!(
            c.downcast_ref::<TantivyError>(),
            Some(TantivyError::ErrorInThread(message)) if message.contains("was killed")
        )
    });
    if !killed {
        return e;
    }
    match writer.prepare_commit() {
        Err(cause) => named(dir, cause),
        // The prepared commit is dropped, not committed.
        Ok(_) => e,
    }
}

/// `e` as an error naming the file or folder (for `?` on tantivy calls).
pub fn named(dir: &Path, e: TantivyError) -> anyhow::Error {
    anyhow::Error::new(describe(dir, &e))
}

/// The error `e` (any context) said in one line naming the index file, when a tantivy error
/// is its cause.
pub fn explain(dir: &Path, e: &anyhow::Error) -> Option<IndexError> {
    e.chain().find_map(|cause| {
        if let Some(t) = cause.downcast_ref::<TantivyError>() {
            return Some(describe(dir, t));
        }
        cause.downcast_ref::<IndexError>().map(|i| IndexError {
            path: i.path.clone(),
            cause: i.cause.clone(),
            damaged: i.damaged,
        })
    })
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_full_disk_names_the_folder() {
        let e = TantivyError::IoError(Arc::new(std::io::Error::from_raw_os_error(28)));
        let said = describe(Path::new("/nonexistent/index"), &e);
        assert_eq!(
            said.to_string(),
            "/nonexistent/index: no space left on device"
        );
        assert!(!said.damaged);
    }

    #[test]
    fn a_damaged_file_is_named_with_the_remedy() {
        let e = TantivyError::OpenReadError(OpenReadError::IoError {
            io_error: Arc::new(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "Footer magic byte mismatch",
            )),
            filepath: PathBuf::from("abc.store"),
        });
        assert_eq!(
            describe(Path::new("idx"), &e).to_string(),
            "idx/abc.store: damaged (not a complete index file); run `baogao index --rebuild`"
        );
    }
}
