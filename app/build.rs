//! Generates the typed `i18n` module from `locales/*.json` (Russian first: it is the default).
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let config = Config::new("ru")
        .and_then(|config| config.add_locale("en"))
        .expect("locale list is valid")
        // Lets `t_string!` fill in values (error messages built outside a view).
        .parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config).expect("locale files parse");
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations
        .generate_i18n_module(out_dir.join("i18n"))
        .expect("i18n module is written");
}
