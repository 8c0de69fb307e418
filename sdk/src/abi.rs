//! Guest half of ABI version 1: the only unsafe code a policy contains.
//!
//! The host calls `entitle_alloc(len)`, writes the request into the returned buffer,
//! and calls `entitle_evaluate(ptr, len)` (or `entitle_validate_settings`), which takes
//! ownership of the buffer and returns `(ptr << 32) | len` of a JSON reply that stays
//! alive until the instance is dropped (or the host calls `entitle_dealloc`).
//! Natively these functions exist too, for tests, but a policy only exports them on
//! `wasm32` through [`export_policy!`](crate::export_policy).
#![allow(unsafe_code)]

use serde::Serialize;

use crate::{Evaluation, EvaluationReply, Finding, SettingsReply};

/// Allocates `len` bytes for the host to write into; returns the guest address.
///
/// The bytes are not zeroed first: the host overwrites all of them before it calls an export
/// that reads them (`write_parts` writes exactly `len`), and a buffer freed unread is never read.
/// Zeroing a request only to overwrite it was a pass over every byte of it.
pub fn alloc(len: i32) -> i32 {
    install_panic_logger();
    let len = usize::try_from(len).unwrap_or(0);
    let buffer: Box<[std::mem::MaybeUninit<u8>]> = Box::new_uninit_slice(len);
    // `[MaybeUninit<u8>]` has the layout of `[u8]`, so `take` rebuilds and frees it as one.
    Box::into_raw(buffer).cast::<u8>() as usize as i32
}

/// Frees a buffer from [`alloc`] or a reply.
///
/// # Safety
/// `ptr` and `len` must describe a buffer this module allocated and has not freed.
pub unsafe fn dealloc(ptr: i32, len: i32) {
    // SAFETY: the caller promises (ptr, len) is a live boxed slice we leaked in
    // `alloc` or `reply`; rebuilding the box frees it exactly once.
    drop(unsafe { take(ptr, len) });
}

/// # Safety
/// As for [`dealloc`].
unsafe fn take(ptr: i32, len: i32) -> Box<[u8]> {
    let len = usize::try_from(len).unwrap_or(0);
    let slice = std::ptr::slice_from_raw_parts_mut(ptr as usize as *mut u8, len);
    // SAFETY: the caller promises the slice was produced by `Box::into_raw` on a
    // `Box<[u8]>` (a reply) or a `Box<[MaybeUninit<u8>]>` (`alloc`, same layout) of exactly
    // this length, not used again; an `alloc` buffer is read only after the host wrote it whole.
    unsafe { Box::from_raw(slice) }
}

/// Leaks a reply and packs its address and length into one `i64`.
fn reply<T: Serialize>(value: &T) -> i64 {
    let bytes = serde_json::to_vec(value)
        .unwrap_or_else(|e| format!(r#"{{"status":"error","message":"cannot serialise reply: {e}"}}"#).into_bytes());
    pack_static(Box::leak(bytes.into_boxed_slice()))
}

/// Packs a byte slice that outlives the call as `(ptr << 32) | len`.
pub fn pack_static(bytes: &'static [u8]) -> i64 {
    let ptr = bytes.as_ptr() as usize as u64;
    let len = bytes.len() as u64;
    ((ptr << 32) | (len & 0xffff_ffff)) as i64
}

/// Runs `evaluate` on the request in `(ptr, len)` and returns the packed reply.
///
/// # Safety
/// `(ptr, len)` must be a buffer from [`alloc`] that the host filled and hands over.
pub unsafe fn evaluate(ptr: i32, len: i32, evaluate: fn(&Evaluation) -> Vec<Finding>) -> i64 {
    // SAFETY: the host passes back exactly the buffer `alloc` gave it, once.
    let input = unsafe { take(ptr, len) };
    let reply_value = match crate::prepared::request(&input) {
        Ok((evaluation, prepared)) => {
            drop(input);
            let findings = evaluate(&evaluation);
            if prepared {
                crate::prepared::restore(evaluation.catalog);
            }
            EvaluationReply::Ok { findings }
        }
        Err(e) => EvaluationReply::Error {
            message: format!("the request does not match SDK {}: {e}", env!("CARGO_PKG_VERSION")),
        },
    };
    reply(&reply_value)
}

/// Parses and keeps the catalog tables in `(ptr, len)` (JSON) for every later
/// evaluation whose request has no catalog; 0 when done, 1 (after an error log) if not.
///
/// # Safety
/// As for [`evaluate`].
pub unsafe fn prepare_catalog(ptr: i32, len: i32) -> i32 {
    install_panic_logger();
    // SAFETY: as in `evaluate`.
    let input = unsafe { take(ptr, len) };
    match crate::prepared::prepare(&input) {
        Ok(()) => 0,
        Err(e) => {
            log(crate::log::ERROR, &e);
            1
        }
    }
}

/// Checks the settings in `(ptr, len)` by deserialising them into `T`.
///
/// # Safety
/// As for [`evaluate`].
pub unsafe fn validate_settings<T: serde::de::DeserializeOwned>(ptr: i32, len: i32) -> i64 {
    // SAFETY: as in `evaluate`.
    let input = unsafe { take(ptr, len) };
    let answer = match serde_json::from_slice::<serde_json::Value>(&input) {
        Ok(serde_json::Value::Null) => SettingsReply::Valid,
        Ok(value) => match serde_json::from_value::<T>(value) {
            Ok(_) => SettingsReply::Valid,
            Err(e) => SettingsReply::Invalid { message: e.to_string() },
        },
        Err(e) => SettingsReply::Invalid { message: format!("settings are not JSON: {e}") },
    };
    reply(&answer)
}

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "entitle")]
unsafe extern "C" {
    #[link_name = "log"]
    fn host_log(level: i32, ptr: *const u8, len: usize);
}

/// Sends one log line to the host.
#[cfg(target_arch = "wasm32")]
pub fn log(level: i32, message: &str) {
    // SAFETY: the host reads `len` bytes at `ptr` during the call only; the slice
    // is valid for that long.
    unsafe { host_log(level, message.as_ptr(), message.len()) }
}

/// Natively, log lines go to stderr.
#[cfg(not(target_arch = "wasm32"))]
pub fn log(level: i32, message: &str) {
    eprintln!("[policy {}] {message}", crate::log::level_name(level));
}

fn install_panic_logger() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| log(crate::log::ERROR, &format!("panic: {info}"))));
    });
}

/// Makes sure panics are logged before the guest aborts (called by every export).
pub fn prepare() {
    install_panic_logger();
}
