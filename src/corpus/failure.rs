//! Failure: one file that could not be read, decoded or indexed, and why.

use std::fmt;

/// A file that failed and its cause, each kept whole (a file name may hold ": ").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The file as shown to the user; empty when the failure concerns no single file.
    pub file: String,
    /// The cause, one line.
    pub cause: String,
}

impl Failure {
    pub fn new(file: impl Into<String>, cause: impl Into<String>) -> Failure {
        Failure {
            file: file.into(),
            cause: cause.into(),
        }
    }
}

/// `file: cause`, or the cause alone when no file is named.
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.file.is_empty() {
            write!(f, "{}", self.cause)
        } else {
            write!(f, "{}: {}", self.file, self.cause)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_file_only_when_there_is_one() {
        assert_eq!(Failure::new("a: b.txt", "bad").to_string(), "a: b.txt: bad");
        assert_eq!(Failure::new("", "bad").to_string(), "bad");
    }
}
