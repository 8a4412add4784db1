//! The sign-in page's entry point: see `dashboard::signin`.

fn main() {
    dashboard::signin::start();
}
