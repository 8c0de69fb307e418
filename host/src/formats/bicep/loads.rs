//! `loadTextContent`, `loadFileAsBase64` and `loadJsonContent`: Bicep reads these files
//! when it compiles, so entitle does too — only a regular file inside the input's tree
//! (symlinks resolved), of at most [`LOAD_LIMIT`] bytes. What is read becomes a string
//! literal of the compiled template, placed at the call.

use std::path::Path;

use crate::confined::Root;

/// The largest file a load function reads (Bicep's own limits are smaller: 131,072
/// characters of text, 96 KB for base64).
pub const LOAD_LIMIT: u64 = 1 << 20;

/// What a load function gives: the text of an ARM string literal, or why not.
pub fn load(function: &str, relative: &str, dir: &Path, root: Option<&Root>) -> Result<String, String> {
    let Some(root) = root else {
        return Err(format!("{function}('{relative}'): not read: the input's directory is not known"));
    };
    let path = dir.join(relative);
    let bytes = root.read(&path, LOAD_LIMIT).map_err(|e| format!("{function}('{relative}'): {e}"))?;
    match function {
        "loadFileAsBase64" => Ok(crate::formats::base64::encode(&bytes)),
        _ => {
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("{function}('{relative}'): the file is not UTF-8 text"))?;
            if function == "loadJsonContent" {
                serde_json::from_str::<serde_json::Value>(&text)
                    .map_err(|e| format!("{function}('{relative}'): not JSON: {e}"))?;
            }
            Ok(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_inside_the_tree() {
        let dir = std::env::temp_dir().join(format!("entitle-bicep-loads-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("in")).unwrap();
        std::fs::write(dir.join("in/init.sh"), "echo hi\n").unwrap();
        std::fs::write(dir.join("secret"), "s").unwrap();
        let root = Root::new(&dir.join("in")).unwrap();
        let inside = dir.join("in");
        assert_eq!(load("loadTextContent", "init.sh", &inside, Some(&root)).unwrap(), "echo hi\n");
        assert_eq!(load("loadFileAsBase64", "init.sh", &inside, Some(&root)).unwrap(), "ZWNobyBoaQo=");
        let e = load("loadTextContent", "../secret", &inside, Some(&root)).unwrap_err();
        assert!(e.contains("outside the directory tree"), "{e}");
        assert!(load("loadJsonContent", "init.sh", &inside, Some(&root)).unwrap_err().contains("not JSON"));
        assert!(load("loadTextContent", "init.sh", &inside, None).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
