//! ARCHITECTURE.md's code map is a rule, not a picture: its modules are listed from the
//! bottom of the dependency graph up, and a module may import only modules listed before it.
//! This test reads the map and every non-test line of `src/`, and fails on an import that
//! points up the list (which also rules out circles), or on a module the map does not list.

// A test that cannot read the repository's own files has nothing better to do than fail.
#![allow(clippy::expect_used)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// The modules of the code map, bottom first: every "- `name`" item under "## Code map".
fn code_map() -> Vec<String> {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md is at the repository root");
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Code map"))
        .expect("ARCHITECTURE.md has a `## Code map` section");
    section
        .lines()
        .filter_map(|line| line.strip_prefix("- `"))
        .filter_map(|rest| rest.split('`').next())
        .map(|name| name.trim_end_matches(".rs").to_owned())
        .collect()
}

/// Every source file of the library, by the top-level module it belongs to.
fn sources() -> BTreeMap<String, Vec<(String, String)>> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut modules: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src/");
        let top = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .expect("a UTF-8 path")
            .trim_end_matches(".rs")
            .to_owned();
        let text = fs::read_to_string(&file).expect("a readable source file");
        modules
            .entry(top)
            .or_default()
            .push((relative.display().to_string(), text));
    }
    modules
}

/// The code of a file without its unit tests and comments: what the library itself imports.
fn library_code(text: &str) -> String {
    let code = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    code.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The crate modules `code` names (`crate::name`), whatever the syntax around them: a `use`,
/// a path in an expression, a path in an attribute string.
fn named_modules(code: &str) -> Vec<String> {
    code.match_indices("crate::")
        .map(|(at, _)| {
            code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect::<String>()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn every_module_is_in_the_code_map() {
    let map = code_map();
    assert!(
        map.len() > 10,
        "the code map lists too few modules: {map:?}"
    );
    for module in sources().keys() {
        if module == "testdata" {
            continue; // test data paths, compiled only under #[cfg(test)]
        }
        assert!(
            map.contains(module),
            "src/{module} is not in ARCHITECTURE.md's code map ({map:?})"
        );
    }
}

#[test]
fn no_module_imports_one_above_it() {
    let map = code_map();
    let rank = |name: &str| map.iter().position(|m| m == name);
    let mut upward = Vec::new();
    for (module, files) in sources() {
        let Some(own) = rank(&module) else { continue };
        for (file, text) in files {
            for named in named_modules(&library_code(&text)) {
                match rank(&named) {
                    Some(other) if other > own => {
                        upward.push(format!("src/{file} ({module}) imports {named}"))
                    }
                    _ => {}
                }
            }
        }
    }
    upward.sort();
    upward.dedup();
    assert!(
        upward.is_empty(),
        "imports that point up ARCHITECTURE.md's code map:\n{}",
        upward.join("\n")
    );
}
