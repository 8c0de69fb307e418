//! Front-end in progress.
