//! `entitle man`: the manual pages, rendered by clap_mangen from the same argument
//! definitions the binary parses, so they cannot drift from `--help`. `docs/man/` holds
//! the pages as rendered (a test keeps them equal), for packagers and readers on the web.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::CommandFactory;

/// `entitle man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write entitle.1 and a page per subcommand (entitle-check.1, …) into this directory
    /// (created if missing) instead of printing entitle.1.
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

/// Prints the main page, or writes every page.
pub fn run(args: ManArgs) -> anyhow::Result<u8> {
    let pages = pages()?;
    match &args.output {
        None => std::io::stdout().lock().write_all(&pages[0].1).context("cannot write to stdout")?,
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            for (name, page) in &pages {
                let path = dir.join(name);
                std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))?;
            }
            eprintln!(
                "entitle: {} manual pages written to {}",
                pages.len(),
                entitle::escape::text(&dir.display().to_string())
            );
        }
    }
    Ok(0)
}

/// `(file name, roff)`: `entitle.1` first, then one page per subcommand in the order
/// `--help` lists them (the main page's SUBCOMMANDS section names each).
fn pages() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut command = super::Args::command();
    // Building names each subcommand as clap_mangen titles it (`entitle-check`).
    command.build();
    let source = format!("entitle {}", command.get_version().unwrap_or_default());
    let mut pages = vec![("entitle.1".to_owned(), render(command.clone(), &source)?)];
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        let name = sub.get_display_name().unwrap_or(sub.get_name());
        pages.push((format!("{name}.1"), render(sub.clone(), &source)?));
    }
    Ok(pages)
}

fn render(command: clap::Command, source: &str) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command).source(source.to_owned()).render(&mut out).context("cannot render a manual page")?;
    Ok(out)
}
