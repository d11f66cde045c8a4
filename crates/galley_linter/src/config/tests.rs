use super::*;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn unknown_keys_are_reported_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        CONFIG_FILE,
        "[files]\nextensions = [\"md\"]\nexclud = []\n",
    );
    let error = Config::load(&path).unwrap_err();
    assert!(error.to_string().contains("galley.toml:3:1"), "{error}");
    assert!(
        error.to_string().contains("unknown field `exclud`"),
        "{error}"
    );
}

#[test]
fn a_links_root_that_is_not_there_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), CONFIG_FILE, "[links]\nroot = \"nowhere\"\n");
    let error = Config::load(&path).unwrap_err().to_string();
    assert!(
        error.contains("galley.toml:2:8: `root`: no such folder"),
        "{error}"
    );
}

#[test]
fn defaults_apply() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    let path = write(dir.path(), CONFIG_FILE, "[links]\nroot = \"content\"\n");
    let config = Config::load(&path).unwrap();
    assert_eq!(config.files.extensions, ["md", "markdown", "mdx"]);
    assert_eq!(config.links.slug_field, "slug");
    assert_eq!(config.links.root, Some(dir.path().join("content")));
}

#[test]
fn extends_merges_the_base_under_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "house/base.toml",
        "[frontmatter]\nschema = \"article.yaml\"\n[rules]\npacks = [\"style\"]\n[rules.list-marker-style]\nstyle = \"dash\"\nlevel = \"error\"\n",
    );
    let path = write(
        dir.path(),
        CONFIG_FILE,
        "extends = \"house/base.toml\"\n[rules.list-marker-style]\nlevel = \"warning\"\n",
    );
    let config = Config::load(&path).unwrap();
    assert_eq!(
        config.schema.unwrap().value,
        dir.path().join("house/article.yaml")
    );
    assert_eq!(config.packs[0].value, dir.path().join("house/style"));
    let table = &config.rules["list-marker-style"].value;
    assert_eq!(table["style"].as_str(), Some("dash"));
    assert_eq!(table["level"].as_str(), Some("warning"));
}

#[test]
fn default_pack_is_on_unless_switched_off() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), CONFIG_FILE, "[rules]\npacks = []\n");
    assert!(Config::load(&path).unwrap().default_pack);
    let path = write(dir.path(), CONFIG_FILE, "[rules]\ndefault_pack = false\n");
    assert!(!Config::load(&path).unwrap().default_pack);
    let path = write(dir.path(), CONFIG_FILE, "[rules]\ndefault_pack = \"no\"\n");
    let error = Config::load(&path).unwrap_err().to_string();
    assert!(
        error.ends_with("galley.toml:2:16: `default_pack` is true or false"),
        "{error}"
    );
}

#[test]
fn an_extends_cycle_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.toml", "extends = \"galley.toml\"\n");
    let path = write(dir.path(), CONFIG_FILE, "extends = \"a.toml\"\n");
    let error = Config::load(&path).unwrap_err();
    assert!(error.to_string().contains("cycle"), "{error}");
}

#[test]
fn overrides_keep_their_globs_and_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        CONFIG_FILE,
        "[[overrides]]\nfiles = [\"legacy/**\"]\n[overrides.rules.broken-link]\nlevel = \"off\"\n",
    );
    let config = Config::load(&path).unwrap();
    assert_eq!(config.overrides[0].files[0].value, "legacy/**");
    assert!(config.overrides[0].files[0]
        .place
        .ends_with("galley.toml:2:10"));
    assert_eq!(
        config.overrides[0].rules["broken-link"].value["level"].as_str(),
        Some("off")
    );
}
