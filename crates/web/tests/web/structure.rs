//! The web crate's one rule of direction, checked on its source: the kernel (`src/kit`) imports
//! no feature, a feature (`src/X.rs` or `src/X/`) imports the kernel and its own folder but
//! never another feature, and no files import each other in a loop. Only `lib.rs`, the
//! composition root, names every feature.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src`, as a path relative to it with `/` separators.
fn sources() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&path).expect("source is readable"));
            }
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// The module path of a file: `kit/access.rs` → [kit, access]; `cases/mod.rs` → [cases].
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file.trim_end_matches(".rs").split('/').map(String::from).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The paths a file names through `crate::` or `super::`, resolved to absolute module paths
/// (code only: comments are skipped). `use crate::kit::{a, b::c}` gives kit::a and kit::b::c.
fn imports(file: &str, source: &str) -> Vec<Vec<String>> {
    let module = module_of(file);
    let code: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    for (start, prefix) in [("crate::", None), ("super::", Some(()))] {
        let mut rest = code.as_str();
        while let Some(i) = rest.find(start) {
            let before = rest[..i].chars().last();
            rest = &rest[i + start.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut base: Vec<String> = match prefix {
                None => Vec::new(),
                Some(()) => {
                    // `super` of `x/mod.rs` is the crate root; of `x/y.rs` it is `x`.
                    let mut m = module.clone();
                    m.pop();
                    m
                }
            };
            let mut tail = rest;
            while let Some(t) = tail.strip_prefix("super::") {
                base.pop();
                tail = t;
            }
            for path in expand(tail) {
                let mut full = base.clone();
                full.extend(path);
                found.push(full);
            }
        }
    }
    found
}

/// `a::b::{c, d::e}` → [[a, b, c], [a, b, d, e]]; `a::b` → [[a, b]].
fn expand(tail: &str) -> Vec<Vec<String>> {
    let ident: String = tail
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    let mut head: Vec<String> = ident.split("::").filter(|s| !s.is_empty()).map(String::from).collect();
    let after = &tail[ident.len()..];
    if !ident.ends_with("::") || !after.starts_with('{') {
        if head.is_empty() {
            return Vec::new();
        }
        return vec![head];
    }
    let mut depth = 0;
    let mut end = 0;
    for (i, c) in after.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            _ => {}
        }
    }
    let inner = &after[1..end];
    let mut items = Vec::new();
    let (mut depth, mut last) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[last..i]);
                last = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[last..]);
    let mut out = Vec::new();
    for item in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if item == "self" {
            out.push(head.clone());
            continue;
        }
        for sub in expand(item) {
            let mut full = head.clone();
            full.extend(sub);
            out.push(full);
        }
    }
    head.clear();
    out
}

/// The file a module path lands in: the longest prefix that is a file of the crate.
fn file_of(path: &[String], files: &BTreeMap<String, String>) -> Option<String> {
    (1..=path.len()).rev().find_map(|n| {
        let p = path[..n].join("/");
        [format!("{p}.rs"), format!("{p}/mod.rs")]
            .into_iter()
            .find(|f| files.contains_key(f))
    })
}

/// The top-level module a file belongs to (`kit`, a feature, or `lib` for the root).
fn area(file: &str) -> &str {
    match file.split_once('/') {
        Some((dir, _)) => dir,
        None => file.trim_end_matches(".rs"),
    }
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let files = sources();
    let mut edges = BTreeMap::new();
    for (file, source) in &files {
        let targets: BTreeSet<String> = imports(file, source)
            .iter()
            .filter_map(|p| file_of(p, &files))
            .filter(|t| t != file)
            .collect();
        edges.insert(file.clone(), targets);
    }
    edges
}

#[test]
fn the_kernel_imports_no_feature_and_features_import_no_other_feature() {
    let edges = graph();
    assert!(edges.contains_key("kit/mod.rs"), "the kernel is src/kit");
    let mut wrong = Vec::new();
    for (file, targets) in &edges {
        let from = area(file);
        if from == "lib" {
            continue;
        }
        for target in targets {
            let to = area(target);
            let allowed = to == "kit" || to == from;
            if !allowed {
                wrong.push(format!("{file} → {target}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the direction:\n{}", wrong.join("\n"));
}

#[test]
fn no_file_imports_itself_through_others() {
    let edges = graph();
    // Depth-first search for a back edge; report the loop it closes.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
        cycles: &mut Vec<String>,
    ) {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let at = stack.iter().position(|n| n == next).unwrap();
                    cycles.push(format!("{} → {next}", stack[at..].join(" → ")));
                }
                Some(_) => {}
                None => visit(next, edges, state, stack, cycles),
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
    }
    let mut state = BTreeMap::new();
    let mut cycles = Vec::new();
    for node in edges.keys() {
        if !state.contains_key(node.as_str()) {
            visit(node, &edges, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_checker_sees_imports() {
    // The rule above is only as good as the parser: it must see grouped, nested, `super` and
    // inline paths.
    let found = imports(
        "cases/plans.rs",
        "use crate::kit::{access::{Subject, may}, form};\nuse super::nav::case_nav;\nlet x = crate::kit::clock::today(); // crate::absence\n",
    );
    let joined: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        joined,
        [
            "kit::access::Subject",
            "kit::access::may",
            "kit::form",
            "kit::clock::today",
            "cases::nav::case_nav"
        ]
    );
    let files = sources();
    assert_eq!(file_of(&found[0], &files).as_deref(), Some("kit/access.rs"));
    assert_eq!(area("kit/access.rs"), "kit");
    assert_eq!(area("tasks.rs"), "tasks");
}

#[test]
fn the_web_reads_a_childs_data_only_with_the_policys_yes() {
    // `ChildGrant::system` is for imports, the demo and tests; a page gets its grant from
    // `kit::access`, which asked the policy.
    let uses: Vec<String> = sources()
        .iter()
        .filter(|(_, source)| source.contains("ChildGrant::system"))
        .map(|(file, _)| file.clone())
        .collect();
    assert!(uses.is_empty(), "ChildGrant::system in {uses:?}");
}
