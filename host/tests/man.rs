//! The manual pages in `docs/man/` are what `entitle man --output` renders from the
//! argument definitions: a flag added without re-rendering them fails here.
//! `ENTITLE_BLESS=1 cargo test -p entitle --test man` re-renders them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn pages(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "1"))
                .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_committed_manual_pages_are_the_rendered_ones() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/man");
    let fresh: PathBuf = std::env::temp_dir().join(format!("entitle-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    let out = Command::new(env!("CARGO_BIN_EXE_entitle")).args(["man", "--output"]).arg(&fresh).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let rendered = pages(&fresh);
    assert!(rendered.contains_key("entitle.1") && rendered.contains_key("entitle-check.1"), "{:?}", rendered.keys());
    let main = Command::new(env!("CARGO_BIN_EXE_entitle")).arg("man").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&main.stdout), rendered["entitle.1"], "`entitle man` prints entitle.1");
    if std::env::var_os("ENTITLE_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).unwrap();
        for (name, text) in &rendered {
            std::fs::write(committed.join(name), text).unwrap();
        }
    }
    let on_disk = pages(&committed);
    assert_eq!(
        on_disk.keys().collect::<Vec<_>>(),
        rendered.keys().collect::<Vec<_>>(),
        "docs/man/ lists other pages than `entitle man` renders (ENTITLE_BLESS=1 re-renders them)"
    );
    for (name, text) in &rendered {
        assert_eq!(&on_disk[name], text, "docs/man/{name} is stale (ENTITLE_BLESS=1 re-renders it)");
    }
    std::fs::remove_dir_all(&fresh).ok();
}
