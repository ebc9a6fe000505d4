// The translations in locales/ are compiled into the binary by rust-i18n's
// `i18n!` macro: rebuild when they change.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
