//! `export_policy!`: turns a plain function into a policy that speaks ABI version 1.

/// Exports `fn(&Evaluation) -> Vec<Finding>` as an entitle policy.
///
/// The crate's `policy.json` (beside `Cargo.toml`) becomes the `entitle:metadata`
/// custom section and the reply of `entitle_metadata`. `settings = Type` makes
/// `entitle_validate_settings` check settings by deserialising them into `Type`.
/// The macro also adds a unit test that checks `policy.json` against the crate's
/// version and the SDK's ABI version.
#[macro_export]
macro_rules! export_policy {
    ($evaluate:path) => {
        $crate::export_policy!($evaluate, settings = $crate::__private::serde_json::Value);
    };
    ($evaluate:path, settings = $settings:ty) => {
        /// This policy's metadata (`policy.json`), as embedded in its wasm custom section.
        pub const POLICY_METADATA: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/policy.json"));

        #[cfg(target_arch = "wasm32")]
        #[allow(unsafe_code)]
        const _: () = {
            #[unsafe(link_section = "entitle:metadata")]
            #[used]
            static METADATA_SECTION: [u8; POLICY_METADATA.len()] =
                *include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/policy.json"));

            #[unsafe(no_mangle)]
            extern "C" fn entitle_abi_version() -> i32 {
                $crate::ABI_VERSION
            }

            #[unsafe(no_mangle)]
            extern "C" fn entitle_alloc(len: i32) -> i32 {
                $crate::__private::alloc(len)
            }

            #[unsafe(no_mangle)]
            extern "C" fn entitle_dealloc(ptr: i32, len: i32) {
                // SAFETY: the host only frees buffers this module handed out.
                unsafe { $crate::__private::dealloc(ptr, len) }
            }

            #[unsafe(no_mangle)]
            extern "C" fn entitle_metadata() -> i64 {
                $crate::__private::prepare();
                $crate::__private::pack_static(POLICY_METADATA)
            }

            #[unsafe(no_mangle)]
            extern "C" fn entitle_validate_settings(ptr: i32, len: i32) -> i64 {
                // SAFETY: (ptr, len) is the buffer the host got from `entitle_alloc`.
                unsafe { $crate::__private::validate_settings::<$settings>(ptr, len) }
            }

            #[unsafe(no_mangle)]
            extern "C" fn entitle_prepare(ptr: i32, len: i32) -> i32 {
                // SAFETY: (ptr, len) is the buffer the host got from `entitle_alloc`.
                unsafe { $crate::__private::prepare_catalog(ptr, len) }
            }

            #[unsafe(no_mangle)]
            extern "C" fn entitle_evaluate(ptr: i32, len: i32) -> i64 {
                // SAFETY: (ptr, len) is the buffer the host got from `entitle_alloc`.
                unsafe { $crate::__private::evaluate(ptr, len, $evaluate) }
            }
        };

        #[cfg(test)]
        mod __entitle_policy_metadata {
            #[test]
            fn policy_json_matches_the_crate() {
                let meta = $crate::PolicyMetadata::parse(super::POLICY_METADATA)
                    .unwrap_or_else(|e| panic!("policy.json: {e}"));
                assert_eq!(meta.version, env!("CARGO_PKG_VERSION"), "policy.json version vs Cargo.toml");
                assert_eq!(meta.abi_version, $crate::ABI_VERSION, "policy.json abi_version");
            }
        }
    };
}
